import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { admin } from "../support/admin";
import { asBasic, createApp, FORM, tokenBody, type Client } from "../support/clients";
import { activate, deviceSetup, entryPage, poll, startDevice, type DeviceSetup } from "../support/devices";
import { expectOAuthOutage, expectPageOutage, failEachCall, forgetEverything, printCoverage, type FaultyRequest } from "../support/faults";
import { appFor, createPerson, peopleServer, tokensFor, type PeopleServer, type Person } from "../support/people";

/**
 * Outages on the device, password and token-exchange grants and the activation page: each D1 query and Durable
 * Object call a successful request makes is failed in turn. The answer is a 5xx, never a token or an error that
 * blames the client, and an approved device code stays redeemable when the outage comes before its redemption.
 */

const TE = "urn:ietf:params:oauth:grant-type:token-exchange";
let d: DeviceSetup;
let ps: PeopleServer;
let downstream: PeopleServer;
let person: Person;
let web: Client;
let service: Client;

const post = (path: string, params: Record<string, string>, headers: Record<string, string> = {}): FaultyRequest => ({
  path,
  init: { method: "POST", headers: { "Content-Type": FORM, ...headers }, body: new URLSearchParams(params).toString() },
});

beforeAll(async () => {
  d = await deviceSetup();
  ps = await peopleServer({ rule: { grantTypes: ["authorization_code", "password"] } });
  downstream = await peopleServer({ scopes: [{ name: "api:read" }], rule: { grantTypes: [TE] } });
  await admin(`/authorizationServers/${downstream.id}/associatedServers`, { method: "POST", json: { trusted: [ps.id] } });
  person = await createPerson();
  web = await appFor(person, { grant_types: ["authorization_code", "password"] });
  service = await createApp({ application_type: "service", grant_types: ["client_credentials", TE] });
});

afterAll(printCoverage);

const forgetAll = () =>
  forgetEverything({ servers: [d.serverId, ps.id, downstream.id], clients: [d.client.clientId, web.clientId, service.clientId], apps: [d.client.id, web.id, service.id] });

describe("the new grants during an outage", () => {
  it("device/authorize: every call site fails as a 5xx", { timeout: 60_000 }, async () => {
    await failEachCall({
      setup: async () => ({ request: post(`/oauth2/${d.serverId}/v1/device/authorize`, { client_id: d.client.clientId, scope: "openid" }), context: null }),
      ok: async (res) => expect(res.status).toBe(200),
      failed: (res, what) => expectOAuthOutage(res, what),
      forget: forgetAll,
    });
  });

  it("device_code: every call site fails as a 5xx; an outage before the redemption leaves the approval redeemable", { timeout: 90_000 }, async () => {
    await failEachCall({
      setup: async () => {
        const started = await startDevice(d.serverId, d.client, "openid");
        await activate(started.user_code, d.person);
        return { request: post(`/oauth2/${d.serverId}/v1/token`, { grant_type: "urn:ietf:params:oauth:grant-type:device_code", device_code: started.device_code, client_id: d.client.clientId }), context: started };
      },
      ok: async (res) => void (await tokenBody(res)),
      failed: async (res, what, started, n, calls) => {
        await expectOAuthOutage(res, what);
        const redeem = calls.indexOf("DO snapshot") + 2;
        const again = await poll(d.serverId, d.client, started.device_code);
        // Before the conditional UPDATE: still redeemable. After it: spent (the same known gap as codes).
        expect(again.status, what).toBe(n <= redeem ? 200 : 400);
      },
      forget: forgetAll,
    });
  });

  it("password: every call site fails as a 5xx, never invalid_grant", { timeout: 60_000 }, async () => {
    await failEachCall({
      setup: async () => ({ request: post(`/oauth2/${ps.id}/v1/token`, { grant_type: "password", username: person.login, password: person.password, scope: "openid" }, asBasic(web)), context: null }),
      ok: async (res) => void (await tokenBody(res)),
      failed: (res, what) => expectOAuthOutage(res, what),
      forget: forgetAll,
    });
  });

  it("token exchange: every call site fails as a 5xx, never a refused subject token", { timeout: 90_000 }, async () => {
    const subject = (await tokensFor(ps.id, web, person, { extra: { scope: "openid" } })).access_token;
    await failEachCall({
      setup: async () => ({
        request: post(
          `/oauth2/${downstream.id}/v1/token`,
          { grant_type: TE, subject_token: subject, subject_token_type: "urn:ietf:params:oauth:token-type:access_token", audience: downstream.audience, scope: "api:read" },
          asBasic(service),
        ),
        context: null,
      }),
      ok: async (res) => void (await tokenBody(res)),
      failed: (res, what) => expectOAuthOutage(res, what),
      forget: forgetAll,
    });
  });

  it("the activation page: entering a code fails as a 5xx page", { timeout: 60_000 }, async () => {
    await failEachCall({
      setup: async () => {
        const started = await startDevice(d.serverId, d.client, "openid");
        const entry = await entryPage();
        const request: FaultyRequest = {
          path: "/activate",
          init: { method: "POST", headers: { "Content-Type": FORM, Cookie: entry.csrfCookie }, body: new URLSearchParams({ csrf: entry.csrf, user_code: started.user_code }).toString() },
        };
        return { request, context: null };
      },
      ok: async (res) => expect(res.status).toBe(200),
      failed: async (res, what) => void (await expectPageOutage(res, what, "Device activation error")),
      forget: forgetAll,
    });
  });
});

