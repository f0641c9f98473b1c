import { decodeJwt } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { BASE } from "../support/admin";
import { advanceTime, freezeTime } from "../support/clock";
import { asBasic, CLIENT_AUTH_FAILED, createApp, expectOAuthError, POLICY_FAILED, tokenBody, type Client } from "../support/clients";
import { activate, DEVICE_GRANT, deviceAuthorize, deviceSetup, nativeDeviceApp, poll, startDevice, USER_CODE, type DeviceSetup } from "../support/devices";
import { createPerson, assignUser, expectErrorPage, peopleServer, verifyIdToken } from "../support/people";

const PENDING = "The device authorization is pending. Please try again later.";
const SLOW_DOWN = "Slow down the polling frequency. Please try again later.";
const EXPIRED = "The device code has expired.";
const INVALID = "The device code is invalid or has expired.";
const DENIED = "The resource owner or authorization server denied the request.";

let s: DeviceSetup;

beforeAll(async () => {
  s = await deviceSetup();
});

describe("POST /oauth2/{id}/v1/device/authorize (RFC 8628 3.1, 3.2)", () => {
  it("answers Okta's device authorization response, never cached", async () => {
    const res = await deviceAuthorize(s.serverId, { client_id: s.client.clientId, scope: "openid profile" });
    const body = await res.json();
    expect({ status: res.status, body }).toEqual({
      status: 200,
      body: {
        device_code: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
        user_code: expect.stringMatching(USER_CODE),
        verification_uri: `${BASE}/activate`,
        verification_uri_complete: `${BASE}/activate?user_code=${(body as any).user_code}`,
        expires_in: 600,
        interval: 5,
      },
    });
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect(res.headers.get("Pragma")).toBe("no-cache");
  });

  it("gives every request its own device code and user code", async () => {
    const a = await startDevice(s.serverId, s.client);
    const b = await startDevice(s.serverId, s.client);
    expect(a.device_code).not.toBe(b.device_code);
    expect(a.user_code).not.toBe(b.user_code);
  });

  it("is served by the org authorization server too", async () => {
    const body = await startDevice("org", s.client, "openid");
    expect(body.verification_uri).toBe(`${BASE}/activate`);
  });

  describe.each([
    ["no scope", { scope: undefined }, 400, "invalid_scope", "No scopes were requested."],
    ["an unknown scope", { scope: "nope" }, 400, "invalid_scope", "One or more scopes are not configured for the authorization server resource."],
    ["an unknown client", { client_id: "0oanosuchclient00000" }, 401, "invalid_client", CLIENT_AUTH_FAILED],
    ["no client", { client_id: undefined }, 401, "invalid_client", "No client credentials found."],
  ])("with %s", (_, change, status, error, description) => {
    it(`answers ${status} ${error}`, async () => {
      const params: Record<string, string> = { client_id: s.client.clientId, scope: "openid" };
      for (const [k, v] of Object.entries(change)) if (v === undefined) delete params[k];
      else params[k] = v;
      await expectOAuthError(await deviceAuthorize(s.serverId, params), status, error, description);
    });
  });

  it("answers invalid_request for a repeated parameter", async () => {
    await expectOAuthError(await deviceAuthorize(s.serverId, `client_id=${s.client.clientId}&scope=openid&scope=profile`), 400, "invalid_request", "The 'scope' parameter was included more than once.");
  });

  it("answers invalid_request for a body that is not a form", async () => {
    const res = await deviceAuthorize(s.serverId, JSON.stringify({ client_id: s.client.clientId }), { "Content-Type": "application/json" });
    await expectOAuthError(res, 400, "invalid_request", "The request must use the 'application/x-www-form-urlencoded' content type.");
  });

  it("answers invalid_request for a body over 64 KiB", async () => {
    const res = await deviceAuthorize(s.serverId, `client_id=${s.client.clientId}&scope=openid&padding=${"x".repeat(64 * 1024)}`);
    await expectOAuthError(res, 400, "invalid_request", "The request body is too large.");
  });

  it("answers unauthorized_client for a client without the device grant", async () => {
    const web = await createApp({ application_type: "web", grant_types: ["authorization_code"], redirect_uris: ["https://app.example/cb"] });
    const res = await deviceAuthorize(s.serverId, { scope: "openid" }, asBasic(web));
    await expectOAuthError(res, 400, "unauthorized_client", "The client is not authorized to use the provided grant type. Configured grant types: [authorization_code].");
  });

  it("answers Okta's too_many_user_codes (429) after 30 requests of one client in a minute", async () => {
    freezeTime();
    const client = await nativeDeviceApp();
    for (let i = 0; i < 30; i++) expect((await deviceAuthorize(s.serverId, { client_id: client.clientId, scope: "openid" })).status).toBe(200);
    const res = await deviceAuthorize(s.serverId, { client_id: client.clientId, scope: "openid" });
    await expectOAuthError(res, 429, "too_many_user_codes", "Too many user codes generated. Please try again later.");
    advanceTime(61_000);
    expect((await deviceAuthorize(s.serverId, { client_id: client.clientId, scope: "openid" })).status).toBe(200);
  });

  it("answers 404 E0000007 for an unknown server", async () => {
    const res = await deviceAuthorize("ausnosuchserver00000", { client_id: s.client.clientId, scope: "openid" });
    expect(res.status).toBe(404);
    expect(((await res.json()) as any).errorCode).toBe("E0000007");
  });
});

describe("polling the token endpoint (RFC 8628 3.4, 3.5)", () => {
  it("answers authorization_pending until the person acts, slow_down when polled too fast, and then a 5 s longer interval", async () => {
    const t0 = freezeTime();
    const d = await startDevice(s.serverId, s.client);
    await expectOAuthError(await poll(s.serverId, s.client, d.device_code), 400, "authorization_pending", PENDING);
    advanceTime(4_000);
    await expectOAuthError(await poll(s.serverId, s.client, d.device_code), 400, "slow_down", SLOW_DOWN);
    // The interval is now 10 s: 9 s later is still too fast, 10 s later is not.
    freezeTime(t0 + 13_000);
    await expectOAuthError(await poll(s.serverId, s.client, d.device_code), 400, "slow_down", SLOW_DOWN);
    freezeTime(t0 + 13_000 + 15_000);
    await expectOAuthError(await poll(s.serverId, s.client, d.device_code), 400, "authorization_pending", PENDING);
  });

  it("answers expired_token once the device code has expired", async () => {
    freezeTime();
    const d = await startDevice(s.serverId, s.client);
    advanceTime(600_000);
    await expectOAuthError(await poll(s.serverId, s.client, d.device_code), 400, "expired_token", EXPIRED);
  });

  it("issues the code flow's tokens once the person allowed it: access, ID for openid, refresh for offline_access", async () => {
    const d = await startDevice(s.serverId, s.client);
    expect((await activate(d.user_code, s.person)).status).toBe(200);
    const body = await tokenBody(await poll(s.serverId, s.client, d.device_code));
    expect(body).toEqual({
      token_type: "Bearer",
      expires_in: 3600,
      access_token: expect.any(String),
      scope: "openid profile offline_access",
      refresh_token: expect.any(String),
      id_token: expect.any(String),
    });
    const access = decodeJwt(body.access_token);
    expect(access).toMatchObject({ sub: s.person.login, uid: s.person.id, cid: s.client.clientId, scp: ["openid", "profile", "offline_access"] });
    const id = await verifyIdToken(s.serverId, body.id_token, s.client.clientId);
    expect(id).toMatchObject({ sub: s.person.id, amr: ["pwd"] });
    expect(id.nonce).toBeUndefined();
  });

  it("issues no refresh token without offline_access", async () => {
    const d = await startDevice(s.serverId, s.client, "openid");
    await activate(d.user_code, s.person);
    const body = await tokenBody(await poll(s.serverId, s.client, d.device_code));
    expect(body.refresh_token).toBeUndefined();
    expect(body.scope).toBe("openid");
  });

  it("redeems a device code once: a second poll answers invalid_grant", async () => {
    const d = await startDevice(s.serverId, s.client);
    await activate(d.user_code, s.person);
    await tokenBody(await poll(s.serverId, s.client, d.device_code));
    await expectOAuthError(await poll(s.serverId, s.client, d.device_code), 400, "invalid_grant", INVALID);
  });

  it("gives tokens to exactly one of two concurrent redemptions", async () => {
    const d = await startDevice(s.serverId, s.client);
    await activate(d.user_code, s.person);
    const results = await Promise.all([poll(s.serverId, s.client, d.device_code), poll(s.serverId, s.client, d.device_code)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 400]);
    await expectOAuthError(results.find((r) => r.status === 400)!, 400, "invalid_grant", INVALID);
  });

  it("answers access_denied after the person denied it, at every later poll", async () => {
    const d = await startDevice(s.serverId, s.client);
    expect((await activate(d.user_code, s.person, "deny")).status).toBe(200);
    await expectOAuthError(await poll(s.serverId, s.client, d.device_code), 400, "access_denied", DENIED);
  });

  it("answers invalid_grant for an unknown device code", async () => {
    await expectOAuthError(await poll(s.serverId, s.client, crypto.randomUUID()), 400, "invalid_grant", INVALID);
  });

  it("answers invalid_grant for another client's device code, and leaves it to its client", async () => {
    const d = await startDevice(s.serverId, s.client);
    const other = await nativeDeviceApp();
    await expectOAuthError(await poll(s.serverId, other, d.device_code), 400, "invalid_grant", INVALID);
    await expectOAuthError(await poll(s.serverId, s.client, d.device_code), 400, "authorization_pending", PENDING);
  });

  it("answers invalid_grant for a device code of another server", async () => {
    const d = await startDevice(s.serverId, s.client);
    const other = await peopleServer({ rule: { grantTypes: [DEVICE_GRANT] } });
    await expectOAuthError(await poll(other.id, s.client, d.device_code), 400, "invalid_grant", INVALID);
  });

  it("answers invalid_request without a device_code", async () => {
    await expectOAuthError(await poll(s.serverId, s.client, ""), 400, "invalid_request", "The 'device_code' parameter is required.");
  });

  it("answers unauthorized_client at the token endpoint for a client without the grant", async () => {
    const native = await nativeDeviceApp({ grant_types: ["authorization_code"] });
    await expectOAuthError(await poll(s.serverId, native, crypto.randomUUID()), 400, "unauthorized_client", "The client is not authorized to use the provided grant type. Configured grant types: [authorization_code].");
  });
});

describe("governed by assignments and policy rules", () => {
  it("ends the request with access_denied when the person is not assigned to the app, and says so on the page", async () => {
    const d = await startDevice(s.serverId, s.client);
    const stranger = await createPerson();
    await expectErrorPage(await activate(d.user_code, stranger), "access_denied", "User is not assigned to the client application.", "Device activation error");
    await expectOAuthError(await poll(s.serverId, s.client, d.device_code), 400, "access_denied", DENIED);
  });

  it("ends the request with access_denied when no rule allows the device grant", async () => {
    const server = await peopleServer();
    const client = await nativeDeviceApp();
    const person = await createPerson();
    await assignUser(client.id, person.id);
    const d = await startDevice(server.id, client, "openid");
    await expectErrorPage(await activate(d.user_code, person), "access_denied", POLICY_FAILED, "Device activation error");
    await expectOAuthError(await poll(server.id, client, d.device_code), 400, "access_denied", DENIED);
  });

  it("takes the token lifetime from the rule that allows the device grant", async () => {
    const t = await deviceSetup({ rule: { accessTokenLifetimeMinutes: 15 } });
    const d = await startDevice(t.serverId, t.client, "openid");
    await activate(d.user_code, t.person);
    expect((await tokenBody(await poll(t.serverId, t.client, d.device_code))).expires_in).toBe(900);
  });
});

export type { Client };
