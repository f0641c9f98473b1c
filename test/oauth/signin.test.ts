import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { freezeTime, advanceTime, restoreTime } from "../support/clock";
import { admin, call } from "../support/admin";
import { FORM, type Client } from "../support/clients";
import {
  appFor,
  authorize,
  authorizePath,
  codeParams,
  cookieFrom,
  createPerson,
  CSRF_COOKIE,
  esc,
  expectErrorPage,
  expectPageHeaders,
  fetchAt,
  FORM_EXPIRED,
  formPage,
  isSignInPage,
  peopleServer,
  postForm,
  redirectParams,
  SESSION_COOKIE,
  setCookieOf,
  SIGN_IN_FAILED,
  submitSignIn,
  tamper,
  userLifecycle,
  type FormPage,
  type PeopleServer,
  type Person,
} from "../support/people";

const SERVER_NAME = `Acme & "Partners" <${crypto.randomUUID().slice(0, 8)}>`;

let server: PeopleServer;
let other: PeopleServer;
let person: Person;
let client: Client;

beforeAll(async () => {
  server = await peopleServer({ name: SERVER_NAME });
  other = await peopleServer();
  person = await createPerson();
  client = await appFor(person);
});

afterEach(() => {
  restoreTime();
});

const openPage = async (extra: Record<string, string> = {}, cookies: string[] = []) =>
  formPage(await authorize(server.id, codeParams(client, extra), { cookies }));

/** The error paragraph of a sign-in page, or null. */
const errorOf = (html: string) => /<p class="error" role="alert" id="signin-error">([^<]*)<\/p>/.exec(html)?.[1] ?? null;

describe("the sign-in page", () => {
  it("is sent with security headers: no framing, no referrer, no caching, no script", async () => {
    const res = await authorize(server.id, codeParams(client));
    expect(res.status).toBe(200);
    expectPageHeaders(res);
    const csp = res.headers.get("Content-Security-Policy")!;
    expect(csp).toContain("script-src 'none'");
    expect(csp).toContain("base-uri 'none'");
  });

  it("has labelled username and password fields and posts to the server's sign-in endpoint", async () => {
    const page = await openPage();
    expect(page.action).toBe(`/oauth2/${server.id}/v1/authorize/signin`);
    expect(page.html).toContain('<label for="username">Username</label>');
    expect(page.html).toContain('<input id="username" name="username" type="text" autocomplete="username"');
    expect(page.html).toContain('<label for="password">Password</label>');
    expect(page.html).toContain('<input id="password" name="password" type="password" autocomplete="current-password" required>');
    expect(errorOf(page.html)).toBeNull();
  });

  it("names the authorization server, escaped", async () => {
    const page = await openPage();
    expect(page.html).toContain(`<title>Sign in · ${esc(SERVER_NAME)}</title>`);
    expect(page.html).toContain(`to continue to ${esc(SERVER_NAME)}`);
    expect(page.html).not.toContain(SERVER_NAME);
  });

  it("fills the username from login_hint", async () => {
    const page = await openPage({ login_hint: person.login });
    expect(page.html).toContain(`name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${person.login}"`);
  });

  it("escapes a login_hint that tries to inject markup", async () => {
    const hint = `"><script>alert(1)</script><input value="`;
    const page = await openPage({ login_hint: hint });
    expect(page.html).toContain(`value="${esc(hint)}"`);
    expect(page.html).not.toContain("<script>");
  });

  it("sets a CSRF cookie bound to the form, and reuses it for a second tab", async () => {
    const first = await authorize(server.id, codeParams(client));
    const page1 = await formPage(first.clone());
    expect(setCookieOf(first, CSRF_COOKIE)).toBe(`${CSRF_COOKIE}=${page1.csrf}; Path=/; HttpOnly; SameSite=Lax; Max-Age=1800; Secure`);
    const page2 = await openPage({}, [page1.csrfCookie]);
    expect(page2.csrf).toBe(page1.csrf);
    expect(page2.tx).not.toBe(page1.tx);
    // Both tabs' forms work.
    expect((await submitSignIn(page1, person.login, person.password)).status).toBe(302);
    expect((await submitSignIn(page2, person.login, person.password)).status).toBe(302);
  });

  it("replaces a CSRF cookie that is not one of ours", async () => {
    const page = await openPage({}, [`${CSRF_COOKIE}=short`]);
    expect(page.csrf).toMatch(/^[0-9A-Za-z]{32}$/);
    expect(page.csrfCookie).toBe(`${CSRF_COOKIE}=${page.csrf}`);
  });
});

describe("signing in", () => {
  it("redirects to the client with a code and starts a session (HttpOnly, SameSite=Lax, Path=/, Secure)", async () => {
    const params = codeParams(client);
    const page = await formPage(await authorize(server.id, params));
    const res = await submitSignIn(page, person.login, person.password);
    const back = redirectParams(res);
    expect(back).toEqual({ code: expect.any(String), state: params.state });
    const cookie = setCookieOf(res, SESSION_COOKIE)!;
    expect(cookie).toMatch(/^mg_sid=[0-9A-Za-z]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=7200; Secure$/);
  });

  it("accepts the login in another letter case and with surrounding spaces", async () => {
    const page = await openPage();
    const res = await submitSignIn(page, `  ${person.login.toUpperCase()} `, person.password);
    expect(redirectParams(res).code).toBeTruthy();
  });

  it("records the sign-in as the person's lastLogin", async () => {
    const someone = await createPerson();
    const app = await appFor(someone);
    const page = await formPage(await authorize(server.id, codeParams(app)));
    expect((await submitSignIn(page, someone.login, someone.password)).status).toBe(302);
    const user = (await (await admin(`/users/${someone.id}`)).json()) as { lastLogin: string | null };
    expect(user.lastLogin).toEqual(expect.any(String));
  });
});

describe("a failed sign-in says the same thing whatever was wrong", () => {
  const cases: Array<[string, () => Promise<{ username: string; password: string }>]> = [
    ["a wrong password", async () => ({ username: person.login, password: "Wrong-Horse-8-battery" })],
    ["an unknown username", async () => ({ username: `nobody-${crypto.randomUUID()}@example.com`, password: person.password })],
    ["an empty username", async () => ({ username: "", password: person.password })],
    ["an empty password", async () => ({ username: person.login, password: "" })],
    ["a username longer than any login", async () => ({ username: `${"x".repeat(101)}@example.com`, password: person.password })],
    [
      "a suspended person",
      async () => {
        const p = await createPerson();
        await userLifecycle(p.id, "suspend");
        return { username: p.login, password: p.password };
      },
    ],
    [
      "a deactivated (deprovisioned) person",
      async () => {
        const p = await createPerson();
        await userLifecycle(p.id, "deactivate");
        return { username: p.login, password: p.password };
      },
    ],
    [
      "a staged person",
      async () => {
        const p = await createPerson({ activate: false });
        return { username: p.login, password: p.password };
      },
    ],
  ];

  it.each(cases)("%s: 401, the generic message, the username kept, no session", async (_name, credentials) => {
    const { username, password } = await credentials();
    const page = await openPage();
    const res = await submitSignIn(page, username, password);
    expect(res.status).toBe(401);
    expectPageHeaders(res);
    expect(setCookieOf(res, SESSION_COOKIE)).toBeUndefined();
    const html = await res.text();
    expect(errorOf(html)).toBe(SIGN_IN_FAILED);
    expect(html).toContain(`value="${esc(username.trim())}" aria-describedby="signin-error"`);
    if (password) expect(html).not.toContain(password);
  });

  it("offers a fresh form that signs in on the second try", async () => {
    const page = await openPage();
    const failed = await submitSignIn(page, person.login, "Wrong-Horse-8-battery");
    const retry = await formPage(failed, 401);
    expect(retry.tx).not.toBe(page.tx);
    const res = await submitSignIn(retry, person.login, person.password);
    expect(redirectParams(res).code).toBeTruthy();
  });
});

describe("the sign-in form's CSRF protection", () => {
  type Attack = (page: FormPage) => Promise<{ path?: string; fields: Record<string, string>; cookies: string[] }>;
  const valid = (page: FormPage) => ({ tx: page.tx, csrf: page.csrf, username: person.login, password: person.password });

  const attacks: Array<[string, Attack]> = [
    ["no CSRF cookie", async (page) => ({ fields: valid(page), cookies: [] })],
    ["another browser's CSRF cookie", async (page) => ({ fields: valid(page), cookies: [(await openPage()).csrfCookie] })],
    ["a csrf field that differs from the cookie", async (page) => ({ fields: { ...valid(page), csrf: "A".repeat(32) }, cookies: [`${CSRF_COOKIE}=${"A".repeat(32)}`] })],
    ["no csrf field", async (page) => ({ fields: { tx: page.tx, username: person.login, password: person.password }, cookies: [page.csrfCookie] })],
    ["no tx field", async (page) => ({ fields: { csrf: page.csrf, username: person.login, password: person.password }, cookies: [page.csrfCookie] })],
    [
      "a tampered tx",
      async (page) => ({ fields: { ...valid(page), tx: tamper(page.tx) }, cookies: [page.csrfCookie] }),
    ],
    [
      "a tx from another browser's form, sent with this browser's cookie",
      async (page) => {
        const theirs = await openPage();
        return { fields: { ...valid(page), tx: theirs.tx }, cookies: [page.csrfCookie] };
      },
    ],
    ["a tx sealed for another authorization server", async (page) => ({ path: `/oauth2/${other.id}/v1/authorize/signin`, fields: valid(page), cookies: [page.csrfCookie] })],
  ];

  it.each(attacks)("refuses %s with a 400 page and no session", async (_name, attack) => {
    const page = await openPage();
    const { path, fields, cookies } = await attack(page);
    const res = await postForm(path ?? page.action, fields, cookies);
    await expectErrorPage(res, "invalid_request", FORM_EXPIRED);
  });

  it("refuses a form older than 15 minutes", async () => {
    freezeTime();
    const page = await openPage();
    advanceTime(15 * 60_000 + 1_000);
    await expectErrorPage(await submitSignIn(page, person.login, person.password), "invalid_request", FORM_EXPIRED);
  });

  it("accepts a form 14 minutes old", async () => {
    freezeTime();
    const page = await openPage();
    advanceTime(14 * 60_000);
    expect(redirectParams(await submitSignIn(page, person.login, person.password)).code).toBeTruthy();
  });

  it("refuses a sign-in body that is not form-urlencoded", async () => {
    const page = await openPage();
    const res = await call(page.action, {
      method: "POST",
      headers: { Cookie: page.csrfCookie },
      json: { tx: page.tx, csrf: page.csrf, username: person.login, password: person.password },
    });
    await expectErrorPage(res, "invalid_request", "The request must use the 'application/x-www-form-urlencoded' content type.");
  });

  it("refuses a duplicated field", async () => {
    const page = await openPage();
    const body = `${new URLSearchParams({ tx: page.tx, csrf: page.csrf, username: person.login, password: person.password })}&password=x`;
    const res = await call(page.action, { method: "POST", headers: { Cookie: page.csrfCookie, "Content-Type": FORM }, body });
    await expectErrorPage(res, "invalid_request", "The 'password' parameter was included more than once.");
  });
});

describe("cookies are Secure except on local http", () => {
  const path = () => authorizePath(server.id, codeParams(client));

  it.each(["http://localhost", "http://127.0.0.1", "http://localhost:8787"])("leaves Secure off at %s", async (origin) => {
    const res = await fetchAt(`${origin}${path()}`);
    expect(res.status).toBe(200);
    expect(setCookieOf(res, CSRF_COOKIE)).toMatch(/^mg_csrf=[0-9A-Za-z]{32}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=1800$/);
  });

  it.each(["http://mintgate.test", "https://mintgate.test", "https://localhost", "http://localhost.mintgate.test"])("sets Secure at %s", async (origin) => {
    const res = await fetchAt(`${origin}${path()}`);
    expect(res.status).toBe(200);
    expect(setCookieOf(res, CSRF_COOKIE)).toMatch(/; Secure$/);
  });

  it("starts a session without Secure on http://localhost", async () => {
    const page = await formPage(await fetchAt(`http://localhost${path()}`));
    const res = await fetchAt(`http://localhost${page.action}`, {
      method: "POST",
      headers: { "Content-Type": FORM, Cookie: page.csrfCookie },
      body: new URLSearchParams({ tx: page.tx, csrf: page.csrf, username: person.login, password: person.password }).toString(),
    });
    expect(res.status).toBe(302);
    expect(setCookieOf(res, SESSION_COOKIE)).toMatch(/^mg_sid=[0-9A-Za-z]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=7200$/);
    expect(cookieFrom(res, SESSION_COOKIE)).toBeTruthy();
  });
});

describe("the sign-in page after a refused sign-in", () => {
  it("is still a sign-in page with the same security headers", async () => {
    const page = await openPage();
    const res = await submitSignIn(page, person.login, "nope");
    expectPageHeaders(res);
    expect(isSignInPage(await res.text())).toBe(true);
  });
});
