import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { nowMs } from "../../src/clock";
import { freezeTime, advanceTime, restoreTime } from "../support/clock";
import { tokenBody, type Client } from "../support/clients";
import {
  appFor,
  assignUser,
  authorize,
  codeParams,
  createPerson,
  expectRedirectError,
  formPage,
  isSignInPage,
  LOGIN_REQUIRED,
  peopleServer,
  redeem,
  redirectParams,
  SESSION_COOKIE,
  sessionFor,
  signIn,
  submitSignIn,
  userLifecycle,
  verifyIdToken,
  type PeopleServer,
  type Person,
} from "../support/people";

let server: PeopleServer;
let person: Person;
let client: Client;

beforeAll(async () => {
  server = await peopleServer();
  person = await createPerson();
  client = await appFor(person);
});

afterEach(() => {
  restoreTime();
});

/** Freezes the clock (the Worker's, through src/clock.ts) at the current time. */
const freezeClock = (): number => freezeTime();
const advance = (ms: number) => advanceTime(ms);

/** An authorize request with the session that shows the sign-in page, not a redirect. */
async function expectSignInPage(res: Response): Promise<void> {
  const page = await formPage(res);
  expect(isSignInPage(page.html)).toBe(true);
}

async function authTimeOf(res: Response, params: Record<string, string>): Promise<number> {
  const back = redirectParams(res);
  expect(back.state).toBe(params.state);
  const tokens = await tokenBody(await redeem(server.id, client, { code: back.code!, verifier: "" }, { code_verifier: null }));
  return (await verifyIdToken(server.id, tokens.id_token, client.clientId)).auth_time as number;
}

describe("an SSO session", () => {
  it("lets a second authorize skip the sign-in form", async () => {
    const sid = await sessionFor(server.id, client, person);
    const params = codeParams(client);
    expect(redirectParams(await authorize(server.id, params, { cookies: [sid] }))).toEqual({ code: expect.any(String), state: params.state });
  });

  it("signs the person in to another client too", async () => {
    const sid = await sessionFor(server.id, client, person);
    const second = await appFor(person);
    expect(redirectParams(await authorize(server.id, codeParams(second), { cookies: [sid] })).code).toBeTruthy();
  });

  it("is stored only as a digest of the cookie value", async () => {
    const sid = await sessionFor(server.id, client, person);
    const value = sid.split("=")[1]!;
    const rows = await env.DB.prepare("SELECT id_hash FROM sessions WHERE user_id = ?1").bind(person.id).all<{ id_hash: string }>();
    expect(rows.results.length).toBeGreaterThan(0);
    expect(rows.results.map((r) => r.id_hash)).not.toContain(value);
  });

  it("ignores a cookie that names no session", async () => {
    await expectSignInPage(await authorize(server.id, codeParams(client), { cookies: [`${SESSION_COOKIE}=${"x".repeat(43)}`] }));
  });

  it("ends after two hours", async () => {
    freezeClock();
    const sid = await sessionFor(server.id, client, person);
    advance(2 * 3600_000 + 1000);
    await expectSignInPage(await authorize(server.id, codeParams(client), { cookies: [sid] }));
  });

  it("ends when the person is deactivated", async () => {
    const someone = await createPerson();
    const app = await appFor(someone);
    const sid = await sessionFor(server.id, app, someone);
    await userLifecycle(someone.id, "deactivate");
    await expectSignInPage(await authorize(server.id, codeParams(app), { cookies: [sid] }));
    const params = codeParams(app, { prompt: "none" });
    expectRedirectError(await authorize(server.id, params, { cookies: [sid] }), "login_required", LOGIN_REQUIRED, { state: params.state });
  });

  it("ends when the person is suspended, and stays ended after unsuspending", async () => {
    const someone = await createPerson();
    const app = await appFor(someone);
    const sid = await sessionFor(server.id, app, someone);
    await userLifecycle(someone.id, "suspend");
    await expectSignInPage(await authorize(server.id, codeParams(app), { cookies: [sid] }));
    await userLifecycle(someone.id, "unsuspend");
    await expectSignInPage(await authorize(server.id, codeParams(app), { cookies: [sid] }));
  });
});

describe("prompt", () => {
  it("prompt=login shows the form despite a session, and the new sign-in counts", async () => {
    freezeClock();
    const sid = await sessionFor(server.id, client, person);
    const first = Math.floor(nowMs() / 1000);
    advance(60_000);
    const params = codeParams(client, { prompt: "login" });
    const page = await formPage(await authorize(server.id, params, { cookies: [sid] }));
    expect(isSignInPage(page.html)).toBe(true);
    const res = await submitSignIn(page, person.login, person.password, [sid]);
    expect(await authTimeOf(res, params)).toBe(first + 60);
  });

  it("prompt=none without a session is login_required at the redirect_uri", async () => {
    const params = codeParams(client, { prompt: "none" });
    expectRedirectError(await authorize(server.id, params), "login_required", LOGIN_REQUIRED, { state: params.state });
  });

  it("prompt=none without a session is login_required in the fragment for implicit requests", async () => {
    const app = await appFor(person, { grant_types: ["authorization_code", "implicit"], response_types: ["code", "id_token", "token"] });
    const params = codeParams(app, { prompt: "none", response_type: "id_token" });
    expectRedirectError(await authorize(server.id, params), "login_required", LOGIN_REQUIRED, { state: params.state, mode: "fragment" });
  });

  it("prompt=none with a session answers at once", async () => {
    const sid = await sessionFor(server.id, client, person);
    const params = codeParams(client, { prompt: "none" });
    expect(redirectParams(await authorize(server.id, params, { cookies: [sid] }))).toEqual({ code: expect.any(String), state: params.state });
  });
});

describe("max_age", () => {
  it("max_age=0 forces a sign-in even in the second the session began (OIDC Core 3.1.2.1: like prompt=login)", async () => {
    freezeClock();
    const sid = await sessionFor(server.id, client, person);
    await expectSignInPage(await authorize(server.id, codeParams(client, { max_age: "0" }), { cookies: [sid] }));
  });

  it("max_age=0 is satisfied by the sign-in it forced", async () => {
    freezeClock();
    const sid = await sessionFor(server.id, client, person);
    advance(5_000);
    const params = codeParams(client, { max_age: "0" });
    const page = await formPage(await authorize(server.id, params, { cookies: [sid] }));
    const res = await submitSignIn(page, person.login, person.password, [sid]);
    expect(redirectParams(res).code).toBeTruthy();
  });

  it("keeps a session younger than max_age, and the ID token reports its auth_time", async () => {
    freezeClock();
    const sid = await sessionFor(server.id, client, person);
    const began = Math.floor(nowMs() / 1000);
    advance(30_000);
    const params = codeParams(client, { max_age: "60" });
    expect(await authTimeOf(await authorize(server.id, params, { cookies: [sid] }), params)).toBe(began);
  });

  it("asks again when the session is older than max_age", async () => {
    freezeClock();
    const sid = await sessionFor(server.id, client, person);
    advance(61_000);
    await expectSignInPage(await authorize(server.id, codeParams(client, { max_age: "60" }), { cookies: [sid] }));
  });

  it("with prompt=none, a session older than max_age is login_required", async () => {
    freezeClock();
    const sid = await sessionFor(server.id, client, person);
    advance(61_000);
    const params = codeParams(client, { max_age: "60", prompt: "none" });
    expectRedirectError(await authorize(server.id, params, { cookies: [sid] }), "login_required", LOGIN_REQUIRED, { state: params.state });
  });
});

describe("sessions and sign-in", () => {
  it("signing in as someone else replaces the session the browser had", async () => {
    const sid = await sessionFor(server.id, client, person);
    const someone = await createPerson();
    await assignUser(client.id, someone.id);
    const params = codeParams(client, { prompt: "login" });
    const { res, sid: next } = await signIn(server.id, params, someone, { cookies: [sid] });
    expect(next).not.toBe(sid);
    const back = redirectParams(res);
    const tokens = await tokenBody(await redeem(server.id, client, { code: back.code!, verifier: "" }, { code_verifier: null }));
    expect((await verifyIdToken(server.id, tokens.id_token, client.clientId)).sub).toBe(someone.id);
  });
});
