import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asBasic, createApp, FORM, introspect, mintToken, oauthPost, readyServer, type Client, type ReadyServer } from "../support/clients";
import { expectOAuthOutage, failEachCall, forgetEverything, printCoverage, type FaultyRequest } from "../support/faults";
import {
  appFor,
  codeFor,
  codeParams,
  createPerson,
  INVALID_CODE,
  INVALID_REFRESH,
  peopleServer,
  redeem,
  refresh,
  sessionFor,
  tokensFor,
  type Person,
  type PeopleServer,
} from "../support/people";
import { expectOAuthError, tokenBody } from "../support/clients";
import { orgAssertion, serviceApp, type ServiceApp } from "../support/org";

/**
 * Outages on the OAuth endpoints: each D1 query and Durable Object call a successful request makes is failed in
 * turn, from a cold isolate. The answer is always a 5xx server_error or temporarily_unavailable, never a 2xx or an
 * error that blames the client (invalid_token, {"active":false}, a silent revocation), and what was stored is left
 * usable or consistently refused.
 */

let rs: ReadyServer;
let service: Client;
let ps: PeopleServer;
let person: Person;
let web: Client;
let sid: string;
let orgService: ServiceApp;

const post = (path: string, params: Record<string, string>, headers: Record<string, string> = {}): FaultyRequest => ({
  path,
  init: { method: "POST", headers: { "Content-Type": FORM, ...headers }, body: new URLSearchParams(params).toString() },
});

beforeAll(async () => {
  rs = await readyServer();
  service = await createApp();
  ps = await peopleServer();
  person = await createPerson();
  web = await appFor(person);
  sid = await sessionFor(ps.id, web, person);
  orgService = await serviceApp(["okta.users.read"]);
});

afterAll(printCoverage);

const forgetAll = () => forgetEverything({ servers: [rs.id, ps.id], clients: [service.clientId, web.clientId, orgService.clientId], apps: [service.id, web.id, orgService.id] });

describe("the token endpoint during an outage", () => {
  it("client_credentials: every call site fails as a 5xx, never a token or a client error", { timeout: 60_000 }, async () => {
    const calls = await failEachCall({
      setup: async () => ({ request: post(`/oauth2/${rs.id}/v1/token`, { grant_type: "client_credentials", scope: "orders:read" }, asBasic(service)), context: null }),
      ok: async (res) => void (await tokenBody(res)),
      failed: (res, what) => expectOAuthOutage(res, what),
      forget: forgetAll,
    });
    expect(calls).toContain("DO snapshot");
  });

  it("client_credentials at the org server (private_key_jwt, okta.* grants): every call site fails as a 5xx", { timeout: 60_000 }, async () => {
    const calls = await failEachCall({
      setup: async () => ({ request: post("/oauth2/v1/token", { grant_type: "client_credentials", scope: "okta.users.read", ...(await orgAssertion(orgService, "token")) }), context: null }),
      ok: async (res) => void (await tokenBody(res)),
      failed: (res, what) => expectOAuthOutage(res, what),
      forget: forgetAll,
    });
    // The client, the assertion's jti, the app's okta.* grants and the org's access-token keys.
    expect(calls).toEqual(["D1 first", "D1 run", "D1 all", "DO snapshot", "Queue LOG_QUEUE send"]);
  });

  it("authorization_code: every call site fails as a 5xx and leaves the code redeemable (the consume and the refresh token's insert are one batch)", { timeout: 60_000 }, async () => {
    const calls = await failEachCall({
      setup: async () => {
        const a = await codeFor(ps.id, web, person, { sid });
        const params = { grant_type: "authorization_code", code: a.code, redirect_uri: a.params.redirect_uri!, code_verifier: a.verifier };
        return { request: post(`/oauth2/${ps.id}/v1/token`, params, asBasic(web)), context: a };
      },
      ok: async (res) => void (await tokenBody(res)),
      failed: async (res, what, a) => {
        await expectOAuthOutage(res, what);
        // Whichever call failed, nothing was half-written: the code still redeems, and its refresh token works.
        const again = await tokenBody(await redeem(ps.id, web, a));
        await tokenBody(await refresh(ps.id, web, again.refresh_token));
      },
      forget: forgetAll,
    });
    expect(calls.filter((c) => c.startsWith("DO")).length).toBeGreaterThan(0);
    // The redemption's only write is its last storage call: one call to the code's SessionStore (issue 17; the
    // System Log's queue send comes after).
    expect(calls.filter((c) => !c.startsWith("Queue")).at(-1)).toBe("DO redeem");
  });

  it("refresh_token: every call site fails as a 5xx and leaves the refresh token usable (rotation and insert are one batch)", { timeout: 60_000 }, async () => {
    const calls = await failEachCall({
      setup: async () => {
        const t = await tokensFor(ps.id, web, person, { sid });
        return { request: post(`/oauth2/${ps.id}/v1/token`, { grant_type: "refresh_token", refresh_token: t.refresh_token }, asBasic(web)), context: t };
      },
      ok: async (res) => void (await tokenBody(res)),
      failed: async (res, what, t) => {
        await expectOAuthOutage(res, what);
        // Never rotated without a successor: the old token refreshes, and so does the one that replaces it.
        const again = await tokenBody(await refresh(ps.id, web, t.refresh_token));
        await tokenBody(await refresh(ps.id, web, again.refresh_token));
      },
      forget: forgetAll,
    });
    // The rotation is the last storage call: one call to the token's SessionStore (issue 17).
    expect(calls.filter((c) => !c.startsWith("Queue")).at(-1)).toBe("DO refresh");
  });
});

describe("introspection during an outage", () => {
  it("of an access token: every call site fails as a 5xx, never {active:false}", { timeout: 60_000 }, async () => {
    const token = await mintToken(rs.id, service, "orders:read");
    await failEachCall({
      setup: async () => ({ request: post(`/oauth2/${rs.id}/v1/introspect`, { token }, asBasic(service)), context: null }),
      ok: async (res) => expect(((await res.json()) as { active: boolean }).active).toBe(true),
      failed: (res, what) => expectOAuthOutage(res, what),
      forget: forgetAll,
    });
  });

  it("of a refresh token: every call site fails as a 5xx, never {active:false}", { timeout: 60_000 }, async () => {
    const t = await tokensFor(ps.id, web, person, { sid });
    await failEachCall({
      setup: async () => ({ request: post(`/oauth2/${ps.id}/v1/introspect`, { token: t.refresh_token }, asBasic(web)), context: null }),
      ok: async (res) => expect(((await res.json()) as { active: boolean }).active).toBe(true),
      failed: (res, what) => expectOAuthOutage(res, what),
      forget: forgetAll,
    });
  });
});

describe("userinfo during an outage", () => {
  it("every call site fails as a 5xx, never a 401 invalid_token", { timeout: 60_000 }, async () => {
    const t = await tokensFor(ps.id, web, person, { sid });
    await failEachCall({
      setup: async () => ({ request: { path: `/oauth2/${ps.id}/v1/userinfo`, init: { headers: { Authorization: `Bearer ${t.access_token}` } } }, context: null }),
      ok: async (res) => expect(res.status).toBe(200),
      failed: (res, what) => expectOAuthOutage(res, what),
      forget: forgetAll,
    });
  });
});

describe("revocation during an outage", () => {
  it("of an access token: every call site fails as a 5xx, and the token stays active for the client to try again", { timeout: 60_000 }, async () => {
    await failEachCall({
      setup: async () => {
        const token = await mintToken(rs.id, service, "orders:read");
        return { request: post(`/oauth2/${rs.id}/v1/revoke`, { token }, asBasic(service)), context: token };
      },
      ok: async (res, token) => {
        expect(res.status).toBe(200);
        expect((await introspect(rs.id, service, token)).active).toBe(false);
      },
      failed: async (res, what, token) => {
        await expectOAuthOutage(res, what);
        expect((await introspect(rs.id, service, token)).active, what).toBe(true);
      },
      forget: forgetAll,
    });
  });

  it("of a refresh token: every call site fails as a 5xx, and the token still refreshes", { timeout: 60_000 }, async () => {
    await failEachCall({
      setup: async () => {
        const t = await tokensFor(ps.id, web, person, { sid });
        return { request: post(`/oauth2/${ps.id}/v1/revoke`, { token: t.refresh_token }, asBasic(web)), context: t.refresh_token };
      },
      ok: async (res, token) => {
        expect(res.status).toBe(200);
        await expectOAuthError(await refresh(ps.id, web, token), 400, "invalid_grant", INVALID_REFRESH);
      },
      failed: async (res, what, token) => {
        await expectOAuthOutage(res, what);
        await tokenBody(await refresh(ps.id, web, token));
      },
      forget: forgetAll,
    });
  });
});

describe("the answer to a request the client got wrong does not change", () => {
  it("still answers a bad code with invalid_grant when nothing fails", async () => {
    const params = codeParams(web);
    await expectOAuthError(
      await oauthPost(ps.id, "token", { grant_type: "authorization_code", code: "nope", redirect_uri: params.redirect_uri! }, asBasic(web)),
      400,
      "invalid_grant",
      INVALID_CODE,
    );
  });
});
