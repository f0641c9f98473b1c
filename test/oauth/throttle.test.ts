import { beforeAll, describe, expect, it } from "vitest";
import { expectOktaError } from "../support/fixtures";
import { BASIC_CHALLENGE, CLIENT_AUTH_FAILED, createApp, expectOAuthError, oauthPost, readyServer, basicAuth, type ReadyServer } from "../support/clients";
import { appFor, authorize, codeParams, createPerson, formPage, peopleServer, submitSignIn } from "../support/people";

/**
 * The throttle before PBKDF2 (wrangler.toml [[ratelimits]]: 40 per 10 s per login or client_id (Okta's 4 a second), 120 per minute
 * per CF-Connecting-IP), run by Miniflare's Rate Limiting binding.
 */

/**
 * The Rate Limiting binding counts in windows aligned to the wall clock (Miniflare as Cloudflare): a loop that must
 * fit in one window starts with at least `needMs` of the window left.
 */
async function windowWithRoom(periodMs: number, needMs: number): Promise<void> {
  const left = periodMs - (Date.now() % periodMs);
  if (left < needMs) await new Promise((r) => setTimeout(r, left + 50));
}

const THROTTLED = "API call exceeded rate limit due to too many requests.";
let server: ReadyServer;

beforeAll(async () => {
  server = await readyServer();
});

const token = (clientId: string, secret: string, headers: Record<string, string> = {}) =>
  oauthPost(server.id, "token", { grant_type: "client_credentials", scope: "orders:read" }, { Authorization: basicAuth(clientId, secret), ...headers });

describe("client secrets", { timeout: 60_000 }, () => {
  it("answers 429 E0000047, with no PBKDF2, once a client_id has had 40 secrets checked in 10 s", async () => {
    const client = await createApp();
    await windowWithRoom(10_000, 8_000);
    for (let i = 0; i < 40; i++) expect((await token(client.clientId, `wrong-${i}`)).status).toBe(401);
    const res = await token(client.clientId, "wrong-again");
    expect(res.headers.get("Retry-After")).toBe("60");
    await expectOktaError(res, 429, "E0000047", THROTTLED);
    // The right secret needs a PBKDF2 too in a cold isolate, so it waits like any other.
    expect((await token(client.clientId, client.secret)).status).toBe(429);
  });

  it("keeps serving a secret this isolate already verified while a flood of wrong ones is throttled", async () => {
    const client = await createApp();
    expect((await token(client.clientId, client.secret)).status).toBe(200);
    await windowWithRoom(10_000, 8_000);
    for (let i = 0; i < 41; i++) await token(client.clientId, `wrong-${i}`);
    expect((await token(client.clientId, "wrong")).status).toBe(429);
    expect((await token(client.clientId, client.secret)).status).toBe(200);
  });

  it("checks an unknown client_id against a dummy hash: it spends the throttle as a known one does", async () => {
    const clientId = `unknown-${crypto.randomUUID()}`;
    await windowWithRoom(10_000, 8_000);
    for (let i = 0; i < 40; i++) {
      await expectOAuthError(await token(clientId, "whatever"), 401, "invalid_client", CLIENT_AUTH_FAILED, { wwwAuthenticate: BASIC_CHALLENGE });
    }
    await expectOktaError(await token(clientId, "whatever"), 429, "E0000047", THROTTLED);
  });

  it("throttles one IP across client_ids (120 a minute)", async () => {
    const ip = `198.51.100.${Math.floor(Math.random() * 250) + 1}`;
    const statuses: number[] = [];
    await windowWithRoom(60_000, 15_000);
    for (let i = 0; i < 121; i++) statuses.push((await token(`spray-${i}-${crypto.randomUUID()}`, "x", { "CF-Connecting-IP": ip })).status);
    expect(statuses.slice(0, 120).every((s) => s === 401)).toBe(true);
    expect(statuses[120]).toBe(429);
    // Another IP is not affected.
    expect((await token(`spray-${crypto.randomUUID()}`, "x", { "CF-Connecting-IP": "192.0.2.1" })).status).toBe(401);
  });
});

describe("the sign-in page", { timeout: 60_000 }, () => {
  it("answers 429 with a page asking to wait once a login has been tried 40 times in 10 s, known or not", async () => {
    const people = await peopleServer();
    const person = await createPerson();
    const client = await appFor(person);
    const page = await formPage(await authorize(people.id, codeParams(client)));
    const login = `nobody-${crypto.randomUUID()}@example.com`;
    await windowWithRoom(10_000, 8_000);
    for (let i = 0; i < 40; i++) expect((await submitSignIn(page, login, "Wrong-1")).status).toBe(401);
    const res = await submitSignIn(page, login, "Wrong-1");
    expect(res.status).toBe(429);
    expect(await res.text()).toContain("Too many sign-in attempts. Wait a minute, then try again.");
    // Another login from the same browser still gets its password checked.
    expect((await submitSignIn(page, person.login, person.password)).status).toBe(302);
  });
});
