import { decodeJwt } from "jose";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { admin } from "../support/admin";
import { clientCredentials, createApp, expectOAuthError, readyServer, tokenBody, type Client, type Json, type ReadyServer } from "../support/clients";
import { appFor, createPerson, peopleServer, tokensFor, type PeopleServer, type Person } from "../support/people";
import { hookServer, waitForEvents } from "../support/log";

async function createTokenHook(path: string): Promise<Json> {
  const res = await admin("/inlineHooks", {
    method: "POST",
    json: {
      name: `token hook ${crypto.randomUUID().slice(0, 6)}`,
      type: "com.okta.oauth2.tokens.transform",
      version: "1.0.0",
      channel: { type: "HTTP", version: "1.0.0", config: { uri: `service://HOOK_TEST${path}`, authScheme: { type: "HEADER", key: "Authorization", value: "hook-secret" } } },
    },
  });
  expect(res.status).toBe(200);
  return res.json();
}

/** Points the server's rule at the hook (Okta: actions.token.inlineHook.id). */
async function hookRule(s: { id: string; policy: Json; rule: Json }, hookId: string, grantTypes: string[]): Promise<void> {
  const res = await admin(`/authorizationServers/${s.id}/policies/${s.policy.id}/rules/${s.rule.id}`, {
    method: "PUT",
    json: {
      type: "RESOURCE_ACCESS",
      name: s.rule.name,
      conditions: { grantTypes: { include: grantTypes }, scopes: { include: ["*"] } },
      actions: { token: { accessTokenLifetimeMinutes: 60, refreshTokenLifetimeMinutes: 0, refreshTokenWindowMinutes: 10080, inlineHook: { id: hookId } } },
    },
  });
  expect(res.status).toBe(200);
}

const access = (value: unknown[]) => ({ commands: [{ type: "com.okta.access.patch", value }] });

let rs: ReadyServer;
let client: Client;
let hook: Json;
const PATH = "/token-hook";

beforeAll(async () => {
  rs = await readyServer();
  client = await createApp({ application_type: "service", grant_types: ["client_credentials"] });
  hook = await createTokenHook(PATH);
  await hookRule(rs, hook.id, ["client_credentials"]);
});

beforeEach(async () => {
  await hookServer.reset();
});

describe("a token inline hook on a client_credentials rule", () => {
  it("is called with Okta's request body and its claim and lifetime changes are in the token", async () => {
    await hookServer.script({ path: PATH, body: access([{ op: "add", path: "/claims/external_guid", value: "F0384685" }, { op: "replace", path: "/token/lifetime/expiration", value: 600 }]) });
    const body = await tokenBody(await clientCredentials(rs.id, client, "orders:read"));
    expect(body.expires_in).toBe(600);
    const claims = decodeJwt(body.access_token);
    expect(claims.external_guid).toBe("F0384685");
    expect(claims.exp! - claims.iat!).toBe(600);
    const [call] = await hookServer.records(PATH);
    expect(call!.headers.authorization).toBe("hook-secret");
    expect(call!.body).toMatchObject({
      eventType: "com.okta.oauth2.tokens.transform",
      eventTypeVersion: "1.0",
      cloudEventVersion: "0.1",
      contentType: "application/json",
      source: expect.stringMatching(new RegExp(`/oauth2/${rs.id}/v1/token$`)),
      data: {
        context: {
          request: { method: "POST", url: { value: expect.stringContaining(`/oauth2/${rs.id}/v1/token`) } },
          protocol: { type: "OAUTH2.0", request: { grant_type: "client_credentials", client_id: client.clientId, scope: "orders:read" }, client: { id: client.clientId, type: "CONFIDENTIAL" } },
          policy: { id: rs.policy.id, rule: { id: rs.rule.id } },
        },
        access: { claims: { cid: client.clientId, sub: client.clientId, scp: ["orders:read"], jti: claims.jti, ver: 1 }, token: { lifetime: { expiration: 3600 } }, scopes: { "orders:read": { action: "GRANT" } } },
      },
    });
    expect(JSON.stringify(call!.body)).not.toContain(client.secret);
    await waitForEvents((e) => e.eventType === "inline_hook.executed" && e.target[0]?.id === hook.id);
  });

  it.each([
    ["a system claim", [{ op: "replace", path: "/claims/iss", value: "https://evil" }]],
    ["a claim that does not exist (replace)", [{ op: "replace", path: "/claims/nope", value: 1 }]],
    ["a lifetime under 5 minutes", [{ op: "replace", path: "/token/lifetime/expiration", value: 60 }]],
    ["a remove with a value", [{ op: "remove", path: "/claims/sub", value: "x" }]],
  ])("skips the whole response for %s and issues the token unmodified", async (_what, ops) => {
    await hookServer.script({ path: PATH, body: access([{ op: "add", path: "/claims/added", value: 1 }, ...ops]) });
    const body = await tokenBody(await clientCredentials(rs.id, client, "orders:read"));
    const claims = decodeJwt(body.access_token);
    expect(claims.added).toBeUndefined();
    expect(claims.iss).toMatch(new RegExp(`/oauth2/${rs.id}$`));
    expect(body.expires_in).toBe(3600);
  });

  it("issues the token unmodified when the hook answers a status other than 200", async () => {
    await hookServer.script({ path: PATH, status: 500, body: access([{ op: "add", path: "/claims/added", value: 1 }]) });
    const body = await tokenBody(await clientCredentials(rs.id, client, "orders:read"));
    expect(decodeJwt(body.access_token).added).toBeUndefined();
    expect(await hookServer.records(PATH)).toHaveLength(1);
  });

  it("issues the token unmodified after Okta's 3-second timeout, without a retry", async () => {
    await hookServer.script({ path: PATH, delayMs: 3500, body: access([{ op: "add", path: "/claims/added", value: 1 }]) });
    const started = Date.now();
    const body = await tokenBody(await clientCredentials(rs.id, client, "orders:read"));
    expect(Date.now() - started).toBeLessThan(3400);
    expect(decodeJwt(body.access_token).added).toBeUndefined();
    await waitForEvents((e) => e.eventType === "inline_hook.executed" && e.outcome.result === "FAILURE" && e.outcome.reason === "The hook did not answer within 3 seconds.");
  });

  it("fails the request with server_error (400) and the hook's errorSummary when it answers an error", async () => {
    await hookServer.script({ path: PATH, body: { error: { errorSummary: "Not allowed today" } } });
    await expectOAuthError(await clientCredentials(rs.id, client, "orders:read"), 400, "server_error", "Not allowed today");
    await hookServer.reset();
    await hookServer.script({ path: PATH, body: { error: {} } });
    await expectOAuthError(await clientCredentials(rs.id, client, "orders:read"), 400, "server_error", "The callback service returned an error.");
  });

  it("is not called when INACTIVE", async () => {
    await admin(`/inlineHooks/${hook.id}/lifecycle/deactivate`, { method: "POST" });
    try {
      expect((await clientCredentials(rs.id, client, "orders:read")).status).toBe(200);
      expect(await hookServer.records(PATH)).toEqual([]);
    } finally {
      await admin(`/inlineHooks/${hook.id}/lifecycle/activate`, { method: "POST" });
    }
  });
});

describe("a token inline hook on a person's rule", () => {
  let server: PeopleServer;
  let person: Person;
  let app: Client;
  const P = "/person-hook";

  beforeAll(async () => {
    server = await peopleServer();
    person = await createPerson();
    app = await appFor(person);
    const h = await createTokenHook(P);
    await hookRule(server, h.id, ["authorization_code", "refresh_token"]);
  });

  it("patches the access and the ID token, but not the ID token's sub", async () => {
    await hookServer.script({
      path: P,
      body: {
        commands: [
          { type: "com.okta.identity.patch", value: [{ op: "add", path: "/claims/extPatientId", value: "1234" }] },
          { type: "com.okta.access.patch", value: [{ op: "add", path: "/claims/groups_ext", value: ["a"] }, { op: "add", path: "/claims/groups_ext/-", value: "b" }] },
        ],
      },
    });
    const tokens = await tokensFor(server.id, app, person, { extra: { scope: "openid" } });
    expect(decodeJwt(tokens.id_token).extPatientId).toBe("1234");
    expect(decodeJwt(tokens.access_token).groups_ext).toEqual(["a", "b"]);
    const [call] = await hookServer.records(P);
    expect(call!.body.data).toMatchObject({
      context: { protocol: { request: { grant_type: "authorization_code" } }, user: { id: person.id, profile: { login: person.login } } },
      identity: { claims: { sub: person.id, aud: app.clientId }, token: { lifetime: { expiration: 3600 } } },
      access: { claims: { uid: person.id } },
    });
    expect(JSON.stringify(call!.body)).not.toContain('"code"');

    await hookServer.reset();
    await hookServer.script({ path: P, body: { commands: [{ type: "com.okta.identity.patch", value: [{ op: "replace", path: "/claims/sub", value: "someone-else" }] }] } });
    const again = await tokensFor(server.id, app, person, { extra: { scope: "openid" } });
    expect(decodeJwt(again.id_token).sub).toBe(person.id);
  });
});
