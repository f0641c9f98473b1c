import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { nowMs } from "../../src/clock";
import { freezeTime, restoreTime } from "../support/clock";
import { admin, call } from "../support/admin";
import { appLifecycle, asBasic, createApp, FORM, mintToken, oauthPost, tokenBody, type Client, type Json } from "../support/clients";
import {
  appFor,
  createPeopleRule,
  createPerson,
  peopleServer,
  refresh,
  tokensFor,
  userLifecycle,
  type PeopleServer,
  type Person,
} from "../support/people";

const INVALID_TOKEN = 'Bearer error="invalid_token", error_description="The access token is invalid."';
const INSUFFICIENT_SCOPE =
  'Bearer error="insufficient_scope", error_description="The access token must provide access to at least one of these scopes - profile, email, address or phone"';
const NO_TOKEN = 'Bearer realm="Mintgate"';
const ALL = "openid profile email address phone offline_access";

const PROFILE = {
  firstName: "Ada",
  lastName: "Lovelace",
  middleName: "King",
  nickName: "Countess",
  profileUrl: "https://example.com/ada",
  timezone: "Europe/London",
  locale: "en_GB",
  streetAddress: "12 St James's Square",
  city: "London",
  state: "Westminster",
  zipCode: "SW1Y 4JH",
  countryCode: "GB",
  mobilePhone: "+44 20 7946 0000",
  primaryPhone: "+44 20 7946 0001",
};

let server: PeopleServer;
let person: Person;
let client: Client;
let full: Json;

beforeAll(async () => {
  server = await peopleServer({ scopes: [{ name: "orders:read" }] });
  await createPeopleRule(server.id, server.policy.id, { grantTypes: ["client_credentials"] });
  person = await createPerson({ profile: PROFILE });
  client = await appFor(person);
  full = await tokensFor(server.id, client, person, { extra: { scope: ALL } });
});

afterEach(() => {
  restoreTime();
});

/** An access token for `person` with exactly these scopes (a narrower refresh of the full grant). */
async function tokenWith(scope: string): Promise<string> {
  const t = await tokensFor(server.id, client, person, { extra: { scope: ALL }, sid: full.sid });
  return (await tokenBody(await refresh(server.id, client, t.refresh_token, scope))).access_token;
}

type Transport = (token: string) => Promise<Response>;
const transports: Array<[string, Transport]> = [
  ["GET with the Authorization header", (t) => call(`/oauth2/${server.id}/v1/userinfo`, { headers: { Authorization: `Bearer ${t}` } })],
  ["POST with the Authorization header", (t) => call(`/oauth2/${server.id}/v1/userinfo`, { method: "POST", headers: { Authorization: `Bearer ${t}` } })],
  [
    "POST with access_token in the form body (RFC 6750 2.2)",
    (t) => call(`/oauth2/${server.id}/v1/userinfo`, { method: "POST", headers: { "Content-Type": FORM }, body: new URLSearchParams({ access_token: t }).toString() }),
  ],
];

async function claims(res: Response): Promise<Json> {
  const body = (await res.json()) as Json;
  expect(res.status, JSON.stringify(body)).toBe(200);
  expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
  expect(res.headers.get("Cache-Control")).toBe("no-store");
  return body;
}

/** RFC 6750 3: a status and a WWW-Authenticate challenge, and no body. */
async function expectChallenge(res: Response, status: number, challenge: string): Promise<void> {
  const body = await res.text();
  expect({ status: res.status, challenge: res.headers.get("WWW-Authenticate"), body }).toEqual({ status, challenge, body: "" });
  expect(res.headers.get("Cache-Control")).toBe("no-store");
}

describe.each(transports)("userinfo by %s", (_name, send) => {
  it("answers with the person's claims for the token's scopes", async () => {
    const body = await claims(await send(full.access_token));
    expect(body.sub).toBe(person.id);
    expect(body.email).toBe(person.login);
  });

  it("refuses an invalid token", async () => {
    await expectChallenge(await send("not-a-token"), 401, INVALID_TOKEN);
  });
});

describe("claims by scope (OIDC Core 5.4)", () => {
  const expected = (): Record<string, Json> => {
    const updated = Math.floor(Date.parse(person.user.lastUpdated) / 1000);
    return {
      profile: {
        name: "Ada Lovelace",
        nickname: "Countess",
        preferred_username: person.login,
        given_name: "Ada",
        middle_name: "King",
        family_name: "Lovelace",
        profile: "https://example.com/ada",
        zoneinfo: "Europe/London",
        locale: "en_GB",
        updated_at: updated,
      },
      email: { email: person.login, email_verified: true },
      address: { address: { street_address: "12 St James's Square", locality: "London", region: "Westminster", postal_code: "SW1Y 4JH", country: "GB" } },
      phone: { phone_number: "+44 20 7946 0000" },
    };
  };

  it.each([
    ["openid"],
    ["openid profile"],
    ["openid email"],
    ["openid address"],
    ["openid phone"],
    ["openid profile email"],
    ["openid profile email address phone"],
  ])("%s", async (scope) => {
    const token = await tokenWith(scope);
    const want = expected();
    const body = await claims(await call(`/oauth2/${server.id}/v1/userinfo`, { headers: { Authorization: `Bearer ${token}` } }));
    const names = scope.split(" ").filter((s) => s !== "openid");
    expect(body).toEqual(Object.assign({ sub: person.id }, ...names.map((n) => want[n])));
  });

  it("fills Okta's defaults and leaves out what the profile lacks", async () => {
    const plain = await createPerson();
    const app = await appFor(plain);
    const t = await tokensFor(server.id, app, plain, { extra: { scope: "openid profile address phone" } });
    const body = await claims(await call(`/oauth2/${server.id}/v1/userinfo`, { headers: { Authorization: `Bearer ${t.access_token}` } }));
    expect(body).toEqual({
      sub: plain.id,
      name: "Ada Lovelace",
      preferred_username: plain.login,
      given_name: "Ada",
      family_name: "Lovelace",
      zoneinfo: "America/Los_Angeles",
      locale: "en_US",
      updated_at: Math.floor(Date.parse(plain.user.lastUpdated) / 1000),
    });
  });

  it("uses displayName for name when the profile has one", async () => {
    const named = await createPerson({ profile: { displayName: "Lady Lovelace" } });
    const app = await appFor(named);
    const t = await tokensFor(server.id, app, named, { extra: { scope: "openid profile" } });
    const body = await claims(await call(`/oauth2/${server.id}/v1/userinfo`, { headers: { Authorization: `Bearer ${t.access_token}` } }));
    expect(body.name).toBe("Lady Lovelace");
  });

  it("reflects the profile as it is now, not as it was when the token was issued", async () => {
    const p = await createPerson();
    const app = await appFor(p);
    const t = await tokensFor(server.id, app, p, { extra: { scope: "openid profile" } });
    expect((await admin(`/users/${p.id}`, { method: "POST", json: { profile: { nickName: "Enchantress" } } })).status).toBe(200);
    const body = await claims(await call(`/oauth2/${server.id}/v1/userinfo`, { headers: { Authorization: `Bearer ${t.access_token}` } }));
    expect(body.nickname).toBe("Enchantress");
  });

  it("accepts the bearer scheme in any letter case", async () => {
    await claims(await call(`/oauth2/${server.id}/v1/userinfo`, { headers: { Authorization: `bearer ${full.access_token}` } }));
  });
});

describe("refused requests", () => {
  const get = (authorization?: string) =>
    call(`/oauth2/${server.id}/v1/userinfo`, { headers: authorization === undefined ? {} : { Authorization: authorization } });

  it("without a token: 401 with a bare Bearer challenge", async () => {
    await expectChallenge(await get(), 401, NO_TOKEN);
  });

  it("with Basic credentials instead of a bearer token: 401 with a bare Bearer challenge", async () => {
    await expectChallenge(await get(asBasic(client).Authorization), 401, NO_TOKEN);
  });

  it("with an empty bearer token: 401 with a bare Bearer challenge", async () => {
    await expectChallenge(await get("Bearer "), 401, NO_TOKEN);
  });

  it("an expired token is invalid_token", async () => {
    const token = await tokenWith("openid email");
    freezeTime(nowMs() + 61 * 60_000);
    await expectChallenge(await get(`Bearer ${token}`), 401, INVALID_TOKEN);
  });

  it("a revoked token is invalid_token", async () => {
    const token = await tokenWith("openid email");
    expect((await oauthPost(server.id, "revoke", { token }, asBasic(client))).status).toBe(200);
    await expectChallenge(await get(`Bearer ${token}`), 401, INVALID_TOKEN);
  });

  it("another authorization server's token is invalid_token", async () => {
    const elsewhere = await peopleServer();
    const t = await tokensFor(elsewhere.id, client, person, { extra: { scope: "openid email" } });
    expect((await call(`/oauth2/${elsewhere.id}/v1/userinfo`, { headers: { Authorization: `Bearer ${t.access_token}` } })).status).toBe(200);
    await expectChallenge(await get(`Bearer ${t.access_token}`), 401, INVALID_TOKEN);
  });

  it("a client_credentials token (no person) is invalid_token", async () => {
    const token = await mintToken(server.id, await createApp(), "orders:read");
    await expectChallenge(await get(`Bearer ${token}`), 401, INVALID_TOKEN);
  });

  it("an ID token is not an access token", async () => {
    await expectChallenge(await get(`Bearer ${full.id_token}`), 401, INVALID_TOKEN);
  });

  it("a deactivated person's token is invalid_token", async () => {
    const p = await createPerson();
    const app = await appFor(p);
    const t = await tokensFor(server.id, app, p, { extra: { scope: "openid email" } });
    await userLifecycle(p.id, "deactivate");
    await expectChallenge(await get(`Bearer ${t.access_token}`), 401, INVALID_TOKEN);
  });

  it("a deactivated client's token is invalid_token", async () => {
    const p = await createPerson();
    const app = await appFor(p);
    const t = await tokensFor(server.id, app, p, { extra: { scope: "openid email" } });
    expect((await appLifecycle(app.id, "deactivate")).status).toBe(200);
    await expectChallenge(await get(`Bearer ${t.access_token}`), 401, INVALID_TOKEN);
  });

  it("a token without openid is 403 insufficient_scope", async () => {
    const token = await tokenWith("profile email");
    await expectChallenge(await get(`Bearer ${token}`), 403, INSUFFICIENT_SCOPE);
  });

  it("a token in the header and the body at once is 400 invalid_request (RFC 6750 2)", async () => {
    const res = await call(`/oauth2/${server.id}/v1/userinfo`, {
      method: "POST",
      headers: { Authorization: `Bearer ${full.access_token}`, "Content-Type": FORM },
      body: new URLSearchParams({ access_token: full.access_token }).toString(),
    });
    await expectChallenge(res, 400, 'Bearer error="invalid_request", error_description="The access token must be sent one way only."');
  });
});
