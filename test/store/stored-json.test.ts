import { env } from "cloudflare:workers";
import { sqlInHolder } from "../support/sessions";
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it, vi, type MockInstance } from "vitest";
import { sha256Hex } from "../../src/digest";
import { openPrivateKey, sealPrivateKey } from "../../src/keys/crypto";
import type { KeyStore } from "../../src/keys/key-store";
import { StoredDataError } from "../../src/store/stored-json";
import { admin, createServer } from "../support/admin";
import { asBasic, clientCredentials, createApp, oauthPost, readyServer, type Client, type Json } from "../support/clients";
import { ERROR_ID, keyStoreOf, oktaError } from "../support/fixtures";
import {
  appFor,
  authorize,
  codeFor,
  codeParams,
  createPerson,
  peopleServer,
  redeem,
  refresh,
  sessionFor,
  tokensFor,
  type PeopleServer,
  type Person,
} from "../support/people";

// Issue 10, section 3: a stored row that does not parse is a logged 5xx, never a permissive default.

/** Bad values for a JSON column: not JSON at all, JSON of the wrong type, and an object missing what was written. */
const CORRUPT = [
  ["text that is not JSON", "{not json"],
  ["JSON null", "null"],
  ["an object of the wrong shape", '{"unexpected":true}'],
] as const;

let errors: MockInstance<typeof console.error>;
beforeAll(() => {
  errors = vi.spyOn(console, "error");
});
afterEach(() => {
  errors.mockClear();
});

/** The one log line of the unexpected error, found by the errorId the client was given. */
function loggedLine(errorId: string): { errorId: string; error: string } {
  const lines = errors.mock.calls.map((args) => String(args[0]));
  const line = lines.find((l) => l.includes(errorId));
  expect(line, lines.join("\n")).toBeDefined();
  return JSON.parse(line!) as { errorId: string; error: string };
}

/** An OAuth-dialect 500 (server_error) whose errorId names a logged StoredDataError about `where`. */
async function expectStoredDataOAuth500(res: Response, where: string): Promise<void> {
  const body = (await res.json()) as Json;
  expect({ status: res.status, body }).toEqual({
    status: 500,
    body: { error: "server_error", error_description: expect.stringMatching(/^An unexpected error occurred \(errorId oae[0-9A-Za-z]{22}\)\.$/) },
  });
  expect(res.headers.get("Cache-Control")).toBe("no-store");
  const errorId = /errorId (oae[0-9A-Za-z]{22})/.exec(body.error_description)![1]!;
  expect(loggedLine(errorId).error).toContain(`StoredDataError: Stored ${where}`);
}

/** An Okta-dialect 500 (E0000009) whose errorId names a logged StoredDataError about `where`. */
async function expectStoredDataOkta500(res: Response, where: string): Promise<void> {
  const body = (await res.json()) as Json;
  expect({ status: res.status, body }).toEqual({ status: 500, body: oktaError("E0000009", "Internal Server Error") });
  expect(body.errorId).toMatch(ERROR_ID);
  expect(loggedLine(body.errorId).error).toContain(`StoredDataError: Stored ${where}`);
}

/** A column of a row in the SessionStore a code or refresh token names (issue 17: codes and tokens live there). */
const setHolderColumn = async (token: string, table: string, column: string, keyColumn: string, key: string, value: string) => {
  const changed = await sqlInHolder(token, `UPDATE ${table} SET ${column} = ? WHERE ${keyColumn} = ? RETURNING 1 AS r`, value, key);
  expect(changed).toHaveLength(1);
};

const setColumn = (table: string, column: string, keyColumn: string, key: string, value: string) =>
  env.DB.prepare(`UPDATE ${table} SET ${column} = ?1 WHERE ${keyColumn} = ?2`).bind(value, key).run();

describe("the stored grant of codes and refresh tokens", () => {
  let server: PeopleServer;
  let person: Person;
  let client: Client;

  beforeAll(async () => {
    server = await peopleServer();
    person = await createPerson();
    client = await appFor(person);
  });

  describe.each(CORRUPT)("holding %s", (_, bad) => {
    it("makes redeeming the code a logged 500, not tokens minted from a default grant", async () => {
      const a = await codeFor(server.id, client, person);
      await setHolderColumn(a.code, "authorization_codes", "grant_json", "code_hash", await sha256Hex(a.code), bad);
      await expectStoredDataOAuth500(await redeem(server.id, client, a), "authorization_codes.grant_json");
    });

    it("makes refreshing a logged 500, and narrowing the scope too", async () => {
      const t = await tokensFor(server.id, client, person);
      await setHolderColumn(t.refresh_token, "refresh_tokens", "grant_json", "token_hash", await sha256Hex(t.refresh_token), bad);
      await expectStoredDataOAuth500(await refresh(server.id, client, t.refresh_token, "openid"), "refresh_tokens.grant_json");
      await expectStoredDataOAuth500(await refresh(server.id, client, t.refresh_token), "refresh_tokens.grant_json");
    });

    it("makes introspecting the refresh token a logged 500, not active with no scopes", async () => {
      const t = await tokensFor(server.id, client, person);
      await setHolderColumn(t.refresh_token, "refresh_tokens", "grant_json", "token_hash", await sha256Hex(t.refresh_token), bad);
      const res = await oauthPost(server.id, "introspect", { token: t.refresh_token, token_type_hint: "refresh_token" }, asBasic(client));
      await expectStoredDataOAuth500(res, "refresh_tokens.grant_json");
    });
  });

  it("a session whose stored amr is not a list of strings makes /authorize a logged 500, not a signed-in person", async () => {
    const sid = await sessionFor(server.id, client, person);
    await setColumn("sessions", "amr", "id_hash", await sha256Hex(sid.slice(sid.indexOf("=") + 1)), '"pwd"');
    // /authorize answers people in the page dialect: a 500 page naming the errorId, no redirect that signs anyone in.
    const res = await authorize(server.id, codeParams(client), { cookies: [sid] });
    expect(res.status).toBe(500);
    expect(res.headers.get("Location")).toBeNull();
    const html = await res.text();
    const errorId = /errorId (oae[0-9A-Za-z]{22})/.exec(html)?.[1];
    expect(errorId, html).toBeDefined();
    expect(loggedLine(errorId!).error).toContain("StoredDataError: Stored sessions.amr");
  });

  it("still refreshes a token whose stored grant is intact", async () => {
    const t = await tokensFor(server.id, client, person);
    expect((await refresh(server.id, client, t.refresh_token)).status).toBe(200);
  });
});

describe("a policy rule whose stored actions lack the token lifetimes", () => {
  it("answers the token request with a logged 500 instead of Okta's default lifetimes", async () => {
    const s = await readyServer();
    const c = await createApp();
    await setColumn("policy_rules", "actions", "id", s.rule.id, '{"token":{}}');
    await expectStoredDataOAuth500(await clientCredentials(s.id, c, "orders:read"), "policy_rules.actions");
  });

  it("answers with a logged 500 when the rule's conditions lost their people, not a rule for everyone", async () => {
    const s = await readyServer();
    const c = await createApp();
    await setColumn("policy_rules", "conditions", "id", s.rule.id, '{"grantTypes":{"include":["client_credentials"]},"scopes":{"include":["*"]}}');
    await expectStoredDataOAuth500(await clientCredentials(s.id, c, "orders:read"), "policy_rules.conditions");
  });
});

describe("admin resources whose stored JSON does not parse", () => {
  it.each(CORRUPT)("a user's profile holding %s is a logged E0000009, and other users still read", async (_, bad) => {
    const broken = await createPerson();
    const fine = await createPerson();
    await setColumn("users", "profile", "id", broken.id, bad);
    await expectStoredDataOkta500(await admin(`/users/${broken.id}`), `users.profile of ${broken.id}`);
    expect((await admin(`/users/${fine.id}`)).status).toBe(200);
  });

  it("an app's settings that are not an object are a logged E0000009 in the admin API and a 500 at the token endpoint", async () => {
    const s = await readyServer();
    const c = await createApp();
    await setColumn("apps", "settings", "id", c.id, "[]");
    await expectStoredDataOkta500(await admin(`/apps/${c.id}`), `apps.settings of ${c.id}`);
    await expectStoredDataOAuth500(await clientCredentials(s.id, c, "orders:read"), `apps.settings of ${c.id}`);
  });

  it("an authorization server's audiences that are not one string are a logged E0000009", async () => {
    const s = await readyServer();
    await setColumn("authorization_servers", "audiences", "id", s.id, '["a","b"]');
    await expectStoredDataOkta500(await admin(`/authorizationServers/${s.id}`), `authorization_servers.audiences of ${s.id}`);
  });

  it("a group's profile without a name is a logged E0000009", async () => {
    const res = await admin("/groups", { method: "POST", json: { profile: { name: `g-${crypto.randomUUID()}` } } });
    const group = (await res.json()) as Json;
    await setColumn("groups", "profile", "id", group.id, '{"description":"no name"}');
    await expectStoredDataOkta500(await admin(`/groups/${group.id}`), `groups.profile of ${group.id}`);
  });

  it("a trusted origin's scopes of an unknown type are a logged E0000009", async () => {
    const res = await admin("/trustedOrigins", {
      method: "POST",
      json: { name: `o-${crypto.randomUUID()}`, origin: `https://${crypto.randomUUID()}.example`, scopes: [{ type: "CORS" }] },
    });
    const origin = (await res.json()) as Json;
    expect(res.status).toBe(200);
    await setColumn("trusted_origins", "scopes", "id", origin.id, '[{"type":"ANYTHING"}]');
    await expectStoredDataOkta500(await admin(`/trustedOrigins/${origin.id}`), `trusted_origins.scopes of ${origin.id}`);
    // An ACTIVE origin that does not parse fails every CORS check too; later tests in this file should not see it.
    await env.DB.prepare("DELETE FROM trusted_origins WHERE id = ?1").bind(origin.id).run();
  });
});

describe("a signing key whose stored public JWK does not parse", () => {
  type KeyRow = { kid: string; status: string; public_jwk: string };
  const keyRows = (id: string) =>
    runInDurableObject(keyStoreOf(id), (_: KeyStore, state) =>
      state.storage.sql.exec<KeyRow>("SELECT kid, status, public_jwk FROM keys ORDER BY kid").toArray(),
    );

  it("fails every call of the Durable Object with a logged 500 and neither rotates nor replaces the keys", async () => {
    const server = await createServer({ rotationMode: "MANUAL" });
    const before = await keyRows(server.id);
    expect(before.length).toBeGreaterThan(0);
    const stub = keyStoreOf(server.id);
    await runInDurableObject(stub, (_: KeyStore, state) => {
      state.storage.sql.exec("UPDATE keys SET public_jwk = ?1 WHERE kid = ?2", '{"kty":"RSA"}', before[0]!.kid);
    });
    // Restart the object so that it loads what is stored.
    await evictDurableObject(stub);

    const listed = await admin(`/authorizationServers/${server.id}/credentials/keys`);
    await expectStoredDataOkta500(listed, `keys.public_jwk of ${before[0]!.kid}`);
    const rotated = await admin(`/authorizationServers/${server.id}/credentials/lifecycle/keyRotate`, { method: "POST", json: { use: "sig" } });
    await expectStoredDataOkta500(rotated, `keys.public_jwk of ${before[0]!.kid}`);
    await runDurableObjectAlarm(stub);

    const after = await keyRows(server.id);
    expect(after).toEqual(before.map((k, i) => (i === 0 ? { ...k, public_jwk: '{"kty":"RSA"}' } : k)));
  });
});

describe("an unsealed private signing key", () => {
  it("without its private member is a StoredDataError naming the key, not a key to sign with", async () => {
    const secret = env.KEY_ENCRYPTION_SECRET!;
    const sealed = await sealPrivateKey(secret, "ausStoredJson", "kid-public-only", { kty: "RSA", n: "AQAB", e: "AQAB" });
    const opened = openPrivateKey(secret, "ausStoredJson", "kid-public-only", sealed);
    await expect(opened).rejects.toThrow(StoredDataError);
    await expect(opened).rejects.toThrow("Stored private signing key kid-public-only of ausStoredJson does not parse: d: invalid_type");
  });
});
