import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN } from "../support/admin";
import { createServer } from "../support/admin";
import { expectOktaOutage, failEachCall, forgetEverything, printCoverage } from "../support/faults";
import { orgToken, serviceApp, type ServiceApp } from "../support/org";

/**
 * Outages on the admin API, authentication included: each D1 query and Durable Object call fails in turn. The
 * answer is Okta's 500 E0000009 with a fresh errorId, never 401 E0000011 ("invalid token") for a good token.
 */

let serverId: string;
let service: ServiceApp;
let token: string;

beforeAll(async () => {
  serverId = (await createServer()).id;
  service = await serviceApp(["okta.authorizationServers.read"]);
  token = await orgToken(service, "okta.authorizationServers.read");
});

afterAll(printCoverage);

const forgetAll = () => forgetEverything({ servers: [serverId], clients: [service.clientId], apps: [service.id] });

describe("the admin API during an outage", () => {
  it("with an API token (SSWS): every call site fails as 500 E0000009", { timeout: 60_000 }, async () => {
    await failEachCall({
      setup: async () => ({ request: { path: `/api/v1/authorizationServers/${serverId}`, init: { headers: { Authorization: `SSWS ${ADMIN_TOKEN}` } } }, context: null }),
      ok: async (res) => expect(res.status).toBe(200),
      failed: (res, what) => expectOktaOutage(res, what),
      forget: forgetAll,
    });
  });

  it("with an org access token (Bearer): every call site fails as 500 E0000009, never 401 E0000011", { timeout: 60_000 }, async () => {
    const calls = await failEachCall({
      setup: async () => ({ request: { path: `/api/v1/authorizationServers/${serverId}`, init: { headers: { Authorization: `Bearer ${token}` } } }, context: null }),
      ok: async (res) => expect(res.status).toBe(200),
      failed: async (res, what) => {
        await expectOktaOutage(res, what);
        expect(res.headers.get("WWW-Authenticate"), what).toBeNull();
      },
      forget: forgetAll,
    });
    expect(calls).toContain("DO snapshot");
  });
});
