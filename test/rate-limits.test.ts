import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import type { Env } from "../src/env";
import { admin, ADMIN_TOKEN, BASE } from "./support/admin";
import { advanceTime, freezeTime } from "./support/clock";
import { basicAuth, createApp, FORM, readyServer } from "./support/clients";
import { expectOktaError, requestWith } from "./support/fixtures";

/** Okta's X-Rate-Limit-* headers and 429 E0000047, per bucket, with limits from [vars]. */

const THROTTLED = "API call exceeded rate limit due to too many requests.";
const low = (n: number): Partial<Env> => ({
  RATE_LIMIT_OAUTH_TOKEN_PER_MINUTE: String(n),
  RATE_LIMIT_API_GROUPS_PER_MINUTE: String(n),
  RATE_LIMIT_OAUTH_AUTHORIZE_PER_MINUTE: String(n),
});

const rateHeaders = (res: Response) => ({
  limit: res.headers.get("X-Rate-Limit-Limit"),
  remaining: res.headers.get("X-Rate-Limit-Remaining"),
  reset: res.headers.get("X-Rate-Limit-Reset"),
});

let now: number;
let tests = 0;
beforeEach(() => {
  // A fresh window for every bucket: windows last 60 s from their first request, so each test starts 5 min on.
  now = freezeTime(Date.now() + ++tests * 300_000);
});

const createGroup = (overrides: Partial<Env>) =>
  requestWith(overrides, `${BASE}/api/v1/groups`, {
    method: "POST",
    headers: { Authorization: `SSWS ${ADMIN_TOKEN}`, "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ profile: { name: `rl-${crypto.randomUUID()}` } }),
  });

describe("X-Rate-Limit-* headers", () => {
  it("are sent on the admin API: the limit, what is left in this window, and its end in epoch seconds", async () => {
    const first = await createGroup(low(5));
    expect(first.status).toBe(200);
    expect(rateHeaders(first)).toEqual({ limit: "5", remaining: "4", reset: String(Math.ceil((now + 60_000) / 1000)) });
    const second = await createGroup(low(5));
    expect(rateHeaders(second)).toEqual({ limit: "5", remaining: "3", reset: String(Math.ceil((now + 60_000) / 1000)) });
  });

  it("are sent on error answers too", async () => {
    const res = await requestWith(low(5), `${BASE}/api/v1/groups/00gnothere`, { headers: { Authorization: `SSWS ${ADMIN_TOKEN}` } });
    expect(res.status).toBe(404);
    expect(rateHeaders(res).remaining).toBe("4");
  });

  it("are not sent on keys and discovery documents (Okta does not limit them)", async () => {
    for (const path of ["/oauth2/default/v1/keys", "/oauth2/default/.well-known/openid-configuration", "/.well-known/openid-configuration", "/oauth2/v1/keys"]) {
      const res = await requestWith(low(1), `${BASE}${path}`);
      expect(res.status, path).toBe(200);
      expect(rateHeaders(res), path).toEqual({ limit: null, remaining: null, reset: null });
    }
  });
});

describe("over the limit", () => {
  it("answers the admin API with 429 E0000047 and does nothing", async () => {
    for (let i = 0; i < 3; i++) expect((await createGroup(low(3))).status).toBe(200);
    const name = `rl-over-${crypto.randomUUID()}`;
    const res = await requestWith(low(3), `${BASE}/api/v1/groups`, {
      method: "POST",
      headers: { Authorization: `SSWS ${ADMIN_TOKEN}`, "Content-Type": "application/json" },
      body: JSON.stringify({ profile: { name } }),
    });
    expect(rateHeaders(res)).toEqual({ limit: "3", remaining: "0", reset: String(Math.ceil((now + 60_000) / 1000)) });
    await expectOktaError(res, 429, "E0000047", THROTTLED);
    const found = (await (await admin(`/groups?q=${name}`)).json()) as unknown[];
    expect(found).toEqual([]);
  });

  it("answers the token endpoint with Okta's error object (as Okta does), not an OAuth error", async () => {
    const server = await readyServer();
    const client = await createApp();
    const token = () =>
      requestWith(low(2), `${BASE}/oauth2/${server.id}/v1/token`, {
        method: "POST",
        headers: { "Content-Type": FORM, Authorization: basicAuth(client.clientId, client.secret) },
        body: "grant_type=client_credentials&scope=orders%3Aread",
      });
    expect((await token()).status).toBe(200);
    expect((await token()).status).toBe(200);
    const res = await token();
    expect(rateHeaders(res).remaining).toBe("0");
    await expectOktaError(res, 429, "E0000047", THROTTLED);
  });

  it("opens a new window 60 s after the first request of the last one", async () => {
    for (let i = 0; i < 2; i++) await createGroup(low(2));
    expect((await createGroup(low(2))).status).toBe(429);
    advanceTime(60_000);
    const res = await createGroup(low(2));
    expect(res.status).toBe(200);
    expect(rateHeaders(res)).toEqual({ limit: "2", remaining: "1", reset: String(Math.ceil((now + 120_000) / 1000)) });
  });

  it("counts each bucket apart", async () => {
    for (let i = 0; i < 2; i++) await createGroup(low(2));
    expect((await createGroup(low(2))).status).toBe(429);
    const users = await requestWith({ ...low(2), RATE_LIMIT_API_USERS_PER_MINUTE: "2" }, `${BASE}/api/v1/users`, { headers: { Authorization: `SSWS ${ADMIN_TOKEN}` } });
    expect(users.status).toBe(200);
    expect(rateHeaders(users).limit).toBe("2");
  });
});

it("reads its limits from the Worker's configuration (the test suite's are high)", async () => {
  const res = await admin("/groups");
  expect(res.headers.get("X-Rate-Limit-Limit")).toBe((env as Env).RATE_LIMIT_API_GROUPS_PER_MINUTE);
});
