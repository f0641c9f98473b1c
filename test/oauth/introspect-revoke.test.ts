import { createLocalJWKSet, decodeJwt, errors as joseErrors, jwtVerify } from "jose";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { freezeTime, restoreTime } from "../support/clock";
import { admin, BASE } from "../support/admin";
import {
  appLifecycle,
  asBasic,
  basicAuth,
  CLIENT_AUTH_FAILED,
  createApp,
  expectOAuthError,
  introspect,
  mintToken,
  oauthPost,
  readyServer,
  type Client,
  type ReadyServer,
} from "../support/clients";
import { jwks } from "../support/fixtures";

const INACTIVE = { active: false };

let server: ReadyServer;
let client: Client;
let other: Client;

beforeAll(async () => {
  server = await readyServer();
  client = await createApp();
  other = await createApp();
});

afterEach(() => {
  restoreTime();
});

const revoke = (serverId: string, as: Client, token: string, extra: Record<string, string> = {}) =>
  oauthPost(serverId, "revoke", { token, ...extra }, asBasic(as));

async function expectRevokeAnswer(res: Response): Promise<void> {
  // RFC 7009 2.2: 200 with an empty body, whether or not the token was valid.
  expect(res.status).toBe(200);
  expect(await res.text()).toBe("");
  expect(res.headers.get("Cache-Control")).toBe("no-store");
}

describe("introspection (RFC 7662)", () => {
  it("describes a live token: active, with its scope, client, subject and claims", async () => {
    const token = await mintToken(server.id, client, "orders:read");
    const claims = decodeJwt(token);
    const res = await oauthPost(server.id, "introspect", { token, token_type_hint: "access_token" }, asBasic(client));
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect(res.headers.get("Pragma")).toBe("no-cache");
    expect(await res.json()).toEqual({
      active: true,
      token_type: "Bearer",
      scope: "orders:read",
      client_id: client.clientId,
      username: client.clientId,
      sub: client.clientId,
      exp: claims.exp,
      iat: claims.iat,
      iss: `${BASE}/oauth2/${server.id}`,
      aud: server.audience,
      jti: claims.jti,
      ver: 1,
    });
  });

  it("answers any authenticated client of the org, not only the token's client", async () => {
    const token = await mintToken(server.id, client, "orders:read");
    expect(await introspect(server.id, other, token)).toMatchObject({ active: true, client_id: client.clientId });
  });

  it.each([
    ["a string that is not a JWT", "not-a-token"],
    ["a JWT signed by nobody", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."],
    ["a JWT with a made-up kid", "eyJhbGciOiJSUzI1NiIsImtpZCI6Im5vcGUifQ.eyJzdWIiOiJ4In0.c2ln"],
  ])("says only {active:false} about %s", async (_, token) => {
    expect(await introspect(server.id, client, token)).toEqual(INACTIVE);
  });

  it("says only {active:false} about a token whose signature was tampered with", async () => {
    const token = await mintToken(server.id, client, "orders:read");
    const [h, p, s] = token.split(".");
    const payload = JSON.parse(atob(p!.replace(/-/g, "+").replace(/_/g, "/")));
    const forged = btoa(JSON.stringify({ ...payload, scp: ["orders:admin"] })).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    expect(await introspect(server.id, client, `${h}.${forged}.${s}`)).toEqual(INACTIVE);
  });

  it("says only {active:false} about an expired token", async () => {
    const s = await readyServer({ rule: { accessTokenLifetimeMinutes: 5 } });
    const token = await mintToken(s.id, client, "orders:read");
    expect((await introspect(s.id, client, token)).active).toBe(true);
    const exp = decodeJwt(token).exp!;
    freezeTime((exp + 1) * 1000);
    expect(await introspect(s.id, client, token)).toEqual(INACTIVE);
  });

  it("still describes a token one second before it expires", async () => {
    const s = await readyServer({ rule: { accessTokenLifetimeMinutes: 5 } });
    const token = await mintToken(s.id, client, "orders:read");
    freezeTime((decodeJwt(token).exp! - 1) * 1000);
    expect((await introspect(s.id, client, token)).active).toBe(true);
  });

  it("says only {active:false} about a revoked token", async () => {
    const token = await mintToken(server.id, client, "orders:read");
    await expectRevokeAnswer(await revoke(server.id, client, token));
    expect(await introspect(server.id, client, token)).toEqual(INACTIVE);
  });

  it("still describes a token signed with the previous key after a manual key rotation", async () => {
    const s = await readyServer();
    const toManual = await admin(`/authorizationServers/${s.id}`, {
      method: "PUT",
      json: { name: s.server.name, audiences: [s.audience], credentials: { signing: { rotationMode: "MANUAL" } } },
    });
    expect(toManual.status).toBe(200);
    const token = await mintToken(s.id, client, "orders:read");
    const rotated = await admin(`/authorizationServers/${s.id}/credentials/lifecycle/keyRotate`, { method: "POST", json: { use: "sig" } });
    expect(rotated.status).toBe(200);
    expect((await introspect(s.id, client, token)).active).toBe(true);
  });

  // REFERENCE 7.1 (Okta): "Tokens are revoked when the client is deactivated".
  it("says only {active:false} about a token whose client was deactivated", async () => {
    const owner = await createApp();
    const token = await mintToken(server.id, owner, "orders:read");
    expect((await introspect(server.id, client, token)).active).toBe(true);
    expect((await appLifecycle(owner.id, "deactivate")).status).toBe(200);
    expect(await introspect(server.id, client, token)).toEqual(INACTIVE);
  });

  it("keeps a deactivated client's token inactive after the client is activated again", async () => {
    const owner = await createApp();
    const token = await mintToken(server.id, owner, "orders:read");
    expect((await appLifecycle(owner.id, "deactivate")).status).toBe(200);
    expect((await appLifecycle(owner.id, "activate")).status).toBe(200);
    expect(await introspect(server.id, client, token)).toEqual(INACTIVE);
  });

  it("says only {active:false} about a token whose client was deleted", async () => {
    const owner = await createApp();
    const token = await mintToken(server.id, owner, "orders:read");
    expect((await appLifecycle(owner.id, "deactivate")).status).toBe(200);
    expect((await admin(`/apps/${owner.id}`, { method: "DELETE" })).status).toBe(204);
    expect(await introspect(server.id, client, token)).toEqual(INACTIVE);
  });

  it("requires client authentication", async () => {
    const token = await mintToken(server.id, client, "orders:read");
    await expectOAuthError(await oauthPost(server.id, "introspect", { token }), 401, "invalid_client", "No client credentials found.");
    await expectOAuthError(
      await oauthPost(server.id, "introspect", { token }, { Authorization: basicAuth(client.clientId, "wrong-secret-0123456789") }),
      401,
      "invalid_client",
      CLIENT_AUTH_FAILED,
      { wwwAuthenticate: 'Basic realm="Mintgate"' },
    );
  });

  it("answers invalid_request without a token parameter", async () => {
    await expectOAuthError(await oauthPost(server.id, "introspect", {}, asBasic(client)), 400, "invalid_request", "The 'token' parameter is required.");
  });
});

describe("revocation (RFC 7009)", () => {
  it("revokes the client's own token, which then introspects as inactive", async () => {
    const token = await mintToken(server.id, client, "orders:read");
    expect((await introspect(server.id, client, token)).active).toBe(true);
    await expectRevokeAnswer(await revoke(server.id, client, token, { token_type_hint: "access_token" }));
    expect(await introspect(server.id, client, token)).toEqual(INACTIVE);
    expect(await introspect(server.id, other, token)).toEqual(INACTIVE);
  });

  it("answers an already revoked token the same way", async () => {
    const token = await mintToken(server.id, client, "orders:read");
    await expectRevokeAnswer(await revoke(server.id, client, token));
    await expectRevokeAnswer(await revoke(server.id, client, token));
    expect(await introspect(server.id, client, token)).toEqual(INACTIVE);
  });

  it.each([
    ["a string that is not a JWT", "not-a-token"],
    ["a JWT signed by nobody", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."],
  ])("answers %s with 200 and an empty body", async (_, token) => {
    await expectRevokeAnswer(await revoke(server.id, client, token));
  });

  it("answers an expired token with 200 and an empty body", async () => {
    const s = await readyServer({ rule: { accessTokenLifetimeMinutes: 5 } });
    const token = await mintToken(s.id, client, "orders:read");
    freezeTime((decodeJwt(token).exp! + 60) * 1000);
    await expectRevokeAnswer(await revoke(s.id, client, token));
  });

  it("does not let a client revoke another client's token", async () => {
    const token = await mintToken(server.id, client, "orders:read");
    await expectRevokeAnswer(await revoke(server.id, other, token));
    expect(await introspect(server.id, client, token)).toMatchObject({ active: true, jti: decodeJwt(token).jti });
  });

  it("requires client authentication", async () => {
    const token = await mintToken(server.id, client, "orders:read");
    await expectOAuthError(await oauthPost(server.id, "revoke", { token }), 401, "invalid_client", "No client credentials found.");
    await expectOAuthError(
      await oauthPost(server.id, "revoke", { token }, { Authorization: basicAuth(client.clientId, "wrong-secret-0123456789") }),
      401,
      "invalid_client",
      CLIENT_AUTH_FAILED,
      { wwwAuthenticate: 'Basic realm="Mintgate"' },
    );
    expect((await introspect(server.id, client, token)).active).toBe(true);
  });

  it("answers invalid_request without a token parameter", async () => {
    await expectOAuthError(await oauthPost(server.id, "revoke", {}, asBasic(client)), 400, "invalid_request", "The 'token' parameter is required.");
  });
});

describe("tokens never cross authorization servers", () => {
  let a: ReadyServer;
  let b: ReadyServer;

  beforeAll(async () => {
    // The same audience on both: only the issuer and the signing keys tell their tokens apart.
    const audience = `api://shared-${crypto.randomUUID()}`;
    a = await readyServer({ audience });
    b = await readyServer({ audience });
  });

  it("introspects server A's token as inactive at server B", async () => {
    const token = await mintToken(a.id, client, "orders:read");
    expect((await introspect(a.id, client, token)).active).toBe(true);
    expect(await introspect(b.id, client, token)).toEqual(INACTIVE);
  });

  it("does not verify server A's token against server B's JWKS", async () => {
    const token = await mintToken(a.id, client, "orders:read");
    const keysA = await jwks(a.id);
    const keysB = await jwks(b.id);
    expect(keysB.keys.map((k) => k.kid)).not.toEqual(expect.arrayContaining(keysA.keys.map((k) => k.kid)));
    await expect(jwtVerify(token, createLocalJWKSet(keysA as never), { audience: a.audience })).resolves.toBeTruthy();
    await expect(jwtVerify(token, createLocalJWKSet(keysB as never), { audience: b.audience })).rejects.toBeInstanceOf(joseErrors.JWKSNoMatchingKey);
  });

  it("does not verify server A's token against server B's keys even under B's kid", async () => {
    const token = await mintToken(a.id, client, "orders:read");
    const keysB = await jwks(b.id);
    const [, payload, signature] = token.split(".");
    const header = btoa(JSON.stringify({ alg: "RS256", kid: keysB.keys[0]!.kid })).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
    await expect(jwtVerify(`${header}.${payload}.${signature}`, createLocalJWKSet(keysB as never))).rejects.toBeInstanceOf(
      joseErrors.JWSSignatureVerificationFailed,
    );
  });

  it("leaves server A's token active when a client revokes it at server B", async () => {
    const token = await mintToken(a.id, client, "orders:read");
    await expectRevokeAnswer(await revoke(b.id, client, token));
    expect((await introspect(a.id, client, token)).active).toBe(true);
  });

  it("keeps a revocation at server A from touching server B's tokens", async () => {
    const tokenA = await mintToken(a.id, client, "orders:read");
    const tokenB = await mintToken(b.id, client, "orders:read");
    await expectRevokeAnswer(await revoke(a.id, client, tokenA));
    expect(await introspect(a.id, client, tokenA)).toEqual(INACTIVE);
    expect((await introspect(b.id, client, tokenB)).active).toBe(true);
  });
});
