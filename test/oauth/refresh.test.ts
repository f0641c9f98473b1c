import { decodeJwt } from "jose";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { freezeTime, advanceTime, restoreTime } from "../support/clock";
import { asBasic, expectOAuthError, oauthPost, tokenBody, type Client, type Json } from "../support/clients";
import {
  appFor,
  assignUser,
  createPerson,
  createWebApp,
  halfHash,
  INVALID_REFRESH,
  peopleServer,
  refresh,
  tokensFor,
  userLifecycle,
  verifyIdToken,
  type PeopleServer,
  type Person,
} from "../support/people";
import { personWithApp } from "../support/person-with-app";

const WIDER_SCOPE = "The requested scope is invalid, unknown, or exceeds the scope granted by the resource owner.";
const MINUTE = 60_000;

/** A rule with a 10-minute access token, a 120-minute refresh lifetime and a 30-minute idle window. */
let server: PeopleServer;
let person: Person;
let client: Client;

beforeAll(async () => {
  ({ server, person, client } = await personWithApp({ server: { rule: { accessTokenLifetimeMinutes: 10, refreshTokenLifetimeMinutes: 120, refreshTokenWindowMinutes: 30 } } }));
});

afterEach(() => {
  restoreTime();
});

const tokens = (extra: Record<string, string> = {}, c: Client = client) => tokensFor(server.id, c, person, { extra });
const ok = async (res: Response) => tokenBody(res);
const expectInvalid = (res: Response) => expectOAuthError(res, 400, "invalid_grant", INVALID_REFRESH);

function freezeClock(): void {
  freezeTime();
}
const advance = (ms: number) => advanceTime(ms);

describe("rotation (RFC 9700 4.14.2)", () => {
  it("issues a new refresh token on every use", async () => {
    const t0 = await tokens();
    const t1 = await ok(await refresh(server.id, client, t0.refresh_token));
    const t2 = await ok(await refresh(server.id, client, t1.refresh_token));
    expect(new Set([t0.refresh_token, t1.refresh_token, t2.refresh_token]).size).toBe(3);
    expect(t2).toEqual({
      token_type: "Bearer",
      expires_in: 600,
      access_token: expect.any(String),
      scope: "openid profile email offline_access",
      refresh_token: expect.stringMatching(/^[0-9a-f]{64}[0-9A-Za-z]{43}$/),
      id_token: expect.any(String),
    });
  });

  it("refuses a rotated refresh token", async () => {
    const t0 = await tokens();
    await ok(await refresh(server.id, client, t0.refresh_token));
    await expectInvalid(await refresh(server.id, client, t0.refresh_token));
  });

  it("revokes the whole family when a rotated token is reused: the newest stops working too", async () => {
    const t0 = await tokens();
    const t1 = await ok(await refresh(server.id, client, t0.refresh_token));
    const t2 = await ok(await refresh(server.id, client, t1.refresh_token));
    await expectInvalid(await refresh(server.id, client, t0.refresh_token));
    await expectInvalid(await refresh(server.id, client, t2.refresh_token));
  });

  it("lets exactly one of two concurrent uses of the same token rotate it", async () => {
    const t0 = await tokens();
    const results = await Promise.all([refresh(server.id, client, t0.refresh_token), refresh(server.id, client, t0.refresh_token)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 400]);
  });

  it("keeps other families of the same person alive when one is revoked", async () => {
    const a = await tokens();
    const b = await tokens();
    await ok(await refresh(server.id, client, a.refresh_token));
    await expectInvalid(await refresh(server.id, client, a.refresh_token));
    await ok(await refresh(server.id, client, b.refresh_token));
  });
});

describe("scope on refresh (RFC 6749 6)", () => {
  it("allows a narrower scope for this response, and the new refresh token keeps the original scope", async () => {
    const t0 = await tokens();
    const narrow = await ok(await refresh(server.id, client, t0.refresh_token, "openid email"));
    expect(narrow.scope).toBe("openid email");
    expect(decodeJwt(narrow.access_token).scp).toEqual(["openid", "email"]);
    const id = await verifyIdToken(server.id, narrow.id_token, client.clientId);
    expect(id.email).toBe(person.login);
    expect(id.given_name).toBeUndefined();
    const full = await ok(await refresh(server.id, client, narrow.refresh_token));
    expect(full.scope).toBe("openid profile email offline_access");
    expect(decodeJwt(full.access_token).scp).toEqual(["openid", "profile", "email", "offline_access"]);
  });

  it("issues no ID token for a narrower scope without openid", async () => {
    const t0 = await tokens();
    const narrow = await ok(await refresh(server.id, client, t0.refresh_token, "profile"));
    expect(narrow.id_token).toBeUndefined();
    expect(narrow.refresh_token).toBeTruthy();
  });

  it.each([
    ["a scope that was not granted", "openid phone"],
    ["a scope the server does not have", "openid orders:read"],
  ])("refuses %s with invalid_scope", async (_name, scope) => {
    const t0 = await tokens();
    await expectOAuthError(await refresh(server.id, client, t0.refresh_token, scope), 400, "invalid_scope", WIDER_SCOPE);
  });

  it("leaves the refresh token usable after refusing a wider scope", async () => {
    const t0 = await tokens();
    await expectOAuthError(await refresh(server.id, client, t0.refresh_token, "openid phone"), 400, "invalid_scope", WIDER_SCOPE);
    await ok(await refresh(server.id, client, t0.refresh_token));
  });
});

describe("lifetime and idle window from the rule", () => {
  it("keeps working when used within the idle window, each use restarting it", async () => {
    freezeClock();
    let t: Json = await tokens();
    for (let i = 0; i < 3; i++) {
      advance(29 * MINUTE);
      t = await ok(await refresh(server.id, client, t.refresh_token));
    }
  });

  it("expires after the idle window (refreshTokenWindowMinutes) without use", async () => {
    freezeClock();
    const t0 = await tokens();
    advance(31 * MINUTE);
    await expectInvalid(await refresh(server.id, client, t0.refresh_token));
  });

  it("expires a rotated token after the idle window too", async () => {
    freezeClock();
    const t0 = await tokens();
    advance(20 * MINUTE);
    const t1 = await ok(await refresh(server.id, client, t0.refresh_token));
    advance(31 * MINUTE);
    await expectInvalid(await refresh(server.id, client, t1.refresh_token));
  });

  it("expires at the absolute lifetime (refreshTokenLifetimeMinutes) counted from the first issue, however often used", async () => {
    freezeClock();
    let t: Json = await tokens();
    for (let i = 0; i < 4; i++) {
      advance(25 * MINUTE);
      t = await ok(await refresh(server.id, client, t.refresh_token));
    }
    // 100 minutes in; the last use was 21 minutes before the lifetime ends.
    advance(21 * MINUTE);
    await expectInvalid(await refresh(server.id, client, t.refresh_token));
  });

  it("never expires by age with an unlimited lifetime (refreshTokenLifetimeMinutes 0)", async () => {
    const s = await peopleServer({ rule: { refreshTokenLifetimeMinutes: 0, refreshTokenWindowMinutes: 60 } });
    freezeClock();
    let t: Json = await tokensFor(s.id, client, person);
    for (let i = 0; i < 5; i++) {
      advance(55 * MINUTE);
      t = await ok(await refresh(s.id, client, t.refresh_token));
    }
  });

  it("gives refreshed access tokens the rule's access token lifetime", async () => {
    const t0 = await tokens();
    const t1 = await ok(await refresh(server.id, client, t0.refresh_token));
    const claims = decodeJwt(t1.access_token);
    expect(t1.expires_in).toBe(600);
    expect(claims.exp! - claims.iat!).toBe(600);
  });
});

describe("a refresh token is bound to its client, server and person", () => {
  it("refuses another client's refresh token, which stays usable by its own client", async () => {
    const t0 = await tokens();
    const other = await createWebApp();
    await expectInvalid(await refresh(server.id, other, t0.refresh_token));
    await ok(await refresh(server.id, client, t0.refresh_token));
  });

  it("refuses a refresh token at another authorization server", async () => {
    const t0 = await tokens();
    const elsewhere = await peopleServer();
    await expectInvalid(await refresh(elsewhere.id, client, t0.refresh_token));
  });

  it("refuses a refresh token after the person is deactivated", async () => {
    const someone = await createPerson();
    await assignUser(client.id, someone.id);
    const t0 = await tokensFor(server.id, client, someone);
    await userLifecycle(someone.id, "deactivate");
    await expectInvalid(await refresh(server.id, client, t0.refresh_token));
  });

  it("refuses an unknown refresh token", async () => {
    await expectInvalid(await refresh(server.id, client, "x".repeat(43)));
  });

  it("refuses a request without refresh_token", async () => {
    const res = await oauthPost(server.id, "token", { grant_type: "refresh_token" }, asBasic(client));
    await expectOAuthError(res, 400, "invalid_request", "The 'refresh_token' parameter is required.");
  });

  it("refuses a client that is no longer allowed the refresh_token grant", async () => {
    const noRefresh = await appFor(person, { grant_types: ["authorization_code"] });
    const res = await refresh(server.id, noRefresh, "x".repeat(43));
    await expectOAuthError(res, 400, "unauthorized_client", "The client is not authorized to use the provided grant type. Configured grant types: [authorization_code].");
  });

  it("revoking a refresh token at /revoke ends its whole family", async () => {
    const t0 = await tokens();
    const t1 = await ok(await refresh(server.id, client, t0.refresh_token));
    const res = await oauthPost(server.id, "revoke", { token: t1.refresh_token }, asBasic(client));
    expect({ status: res.status, body: await res.text() }).toEqual({ status: 200, body: "" });
    await expectInvalid(await refresh(server.id, client, t1.refresh_token));
  });

  it("does not let another client revoke a refresh token (RFC 7009 2.1)", async () => {
    const t0 = await tokens();
    const other = await createWebApp();
    const res = await oauthPost(server.id, "revoke", { token: t0.refresh_token, token_type_hint: "refresh_token" }, asBasic(other));
    expect({ status: res.status, body: await res.text() }).toEqual({ status: 200, body: "" });
    await ok(await refresh(server.id, client, t0.refresh_token));
  });

  it("stops a refresh token revoked at /revoke (RFC 7009 2.1)", async () => {
    const t0 = await tokens();
    const res = await oauthPost(server.id, "revoke", { token: t0.refresh_token, token_type_hint: "refresh_token" }, asBasic(client));
    expect(res.status).toBe(200);
    await expectInvalid(await refresh(server.id, client, t0.refresh_token));
  });
});

describe("the ID token on refresh", () => {
  it("comes with openid: same person and auth_time, at_hash of the new access token, no nonce", async () => {
    const t0: Json = await tokens();
    const first = await verifyIdToken(server.id, t0.id_token, client.clientId);
    const t1 = await ok(await refresh(server.id, client, t0.refresh_token));
    const id = await verifyIdToken(server.id, t1.id_token, client.clientId);
    expect(id).toMatchObject({ sub: person.id, aud: client.clientId, iss: server.issuer, auth_time: first.auth_time, at_hash: await halfHash(t1.access_token) });
    expect(first.nonce).toBeTruthy();
    expect(id.nonce).toBeUndefined();
    expect(id.jti).not.toBe(first.jti);
  });

  it("is not issued when the grant has no openid", async () => {
    const t0 = await tokens({ scope: "profile offline_access" });
    const t1 = await ok(await refresh(server.id, client, t0.refresh_token));
    expect(t1.id_token).toBeUndefined();
    expect(t1.scope).toBe("profile offline_access");
  });
});
