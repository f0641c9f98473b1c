import { decodeJwt } from "jose";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { freezeTime, advanceTime, restoreTime } from "../support/clock";
import { tokenBody, type Client } from "../support/clients";
import {
  appFor,
  assignUser,
  authorize,
  codeParams,
  createPerson,
  esc,
  expectErrorPage,
  expectPageHeaders,
  expectRedirectError,
  formPage,
  isConsentPage,
  isSignInPage,
  peopleServer,
  postForm,
  redeem,
  redirectParams,
  sessionFor,
  signIn,
  submitConsent,
  submitSignIn,
  tamper,
  type FormPage,
  type PeopleServer,
  type Person,
} from "../support/people";

const DENIED = "The resource owner or authorization server denied the request.";
const CONSENT_FORM_EXPIRED = "This consent form has expired or was not sent by this browser. Go back to the application and start again.";
const SCOPES = "openid orders:read catalog:read";

let server: PeopleServer;

beforeAll(async () => {
  server = await peopleServer({
    scopes: [
      { name: "orders:read", displayName: "Read your orders", description: "See the orders you placed & their status.", consent: "REQUIRED" },
      { name: "orders:write", displayName: "Place orders", consent: "REQUIRED" },
      { name: "catalog:read", displayName: "Browse the catalogue", consent: "IMPLICIT" },
      { name: "reports:read", consent: "REQUIRED" },
    ],
  });
});

afterEach(() => {
  restoreTime();
});

interface Setup {
  person: Person;
  client: Client;
  sid: string;
}

/** A person with a session and a fresh REQUIRED-consent client assigned to them (no consent given yet). */
async function setup(o: { consent_method?: "REQUIRED" | "TRUSTED"; label?: string } = {}): Promise<Setup> {
  const person = await createPerson();
  const client = await appFor(person, { consent_method: o.consent_method ?? "REQUIRED", ...(o.label ? { label: o.label } : {}) });
  // The session comes from a TRUSTED client, so no consent is given on the way.
  const sid = await sessionFor(server.id, await appFor(person), person);
  return { person, client, sid };
}

/** The listed scope names of a consent page, in order. */
const listed = (html: string) => [...html.matchAll(/<li><strong>([^<]*)<\/strong>/g)].map((m) => m[1]);

async function consentPage(s: Setup, params: Record<string, string>): Promise<FormPage> {
  const res = await authorize(server.id, params, { cookies: [s.sid] });
  expectPageHeaders(res);
  const page = await formPage(res);
  expect(isConsentPage(page.html)).toBe(true);
  return page;
}

describe("the consent page", () => {
  it("lists the display names of the scopes that need consent, not IMPLICIT ones", async () => {
    const s = await setup({ label: "Orders <Portal>" });
    const page = await consentPage(s, codeParams(s.client, { scope: "openid orders:read catalog:read reports:read" }));
    expect(page.action).toBe(`/oauth2/${server.id}/v1/authorize/consent`);
    expect(listed(page.html)).toEqual(["Read your orders", "reports:read"]);
    expect(page.html).toContain(`— ${esc("See the orders you placed & their status.")}`);
    expect(page.html).toContain(`<h1>${esc("Orders <Portal>")}</h1>`);
    expect(page.html).not.toContain("Browse the catalogue");
    expect(page.html).toContain('<button type="submit" name="decision" value="allow">Allow access</button>');
    expect(page.html).toContain('<button type="submit" name="decision" value="deny" class="secondary">Don\'t allow</button>');
  });

  it("comes right after signing in, with the session cookie set", async () => {
    const person = await createPerson();
    const client = await appFor(person, { consent_method: "REQUIRED" });
    const params = codeParams(client, { scope: SCOPES });
    const { res, sid } = await signIn(server.id, params, person);
    const page = await formPage(res);
    expect(isConsentPage(page.html)).toBe(true);
    const back = redirectParams(await submitConsent(page, "allow", [sid]));
    expect(back).toEqual({ code: expect.any(String), state: params.state });
  });
});

describe("answering", () => {
  it("Allow sends a code whose tokens carry the scopes", async () => {
    const s = await setup();
    const params = codeParams(s.client, { scope: SCOPES });
    const page = await consentPage(s, params);
    const back = redirectParams(await submitConsent(page, "allow", [s.sid]));
    expect(back.state).toBe(params.state);
    const tokens = await tokenBody(await redeem(server.id, s.client, { code: back.code!, verifier: "" }, { code_verifier: null }));
    expect(decodeJwt(tokens.access_token).scp).toEqual(["openid", "orders:read", "catalog:read"]);
  });

  it("is remembered: the next request for the same scopes gets a code without the page", async () => {
    const s = await setup();
    const params = codeParams(s.client, { scope: SCOPES });
    await submitConsent(await consentPage(s, params), "allow", [s.sid]);
    expect(redirectParams(await authorize(server.id, codeParams(s.client, { scope: SCOPES }), { cookies: [s.sid] })).code).toBeTruthy();
    // A subset of what was allowed needs no new consent either.
    expect(redirectParams(await authorize(server.id, codeParams(s.client, { scope: "openid orders:read" }), { cookies: [s.sid] })).code).toBeTruthy();
  });

  it("asks only for the scopes not consented to yet", async () => {
    const s = await setup();
    await submitConsent(await consentPage(s, codeParams(s.client, { scope: SCOPES })), "allow", [s.sid]);
    const page = await consentPage(s, codeParams(s.client, { scope: "openid orders:read orders:write" }));
    expect(listed(page.html)).toEqual(["Place orders"]);
  });

  it("Deny sends access_denied with the state, and nothing is remembered", async () => {
    const s = await setup();
    const params = codeParams(s.client, { scope: SCOPES });
    const res = await submitConsent(await consentPage(s, params), "deny", [s.sid]);
    expectRedirectError(res, "access_denied", DENIED, { state: params.state });
    await consentPage(s, codeParams(s.client, { scope: SCOPES }));
  });

  it("Deny on an implicit request is sent in the fragment", async () => {
    const person = await createPerson();
    const client = await appFor(person, { consent_method: "REQUIRED", grant_types: ["authorization_code", "implicit"], response_types: ["code", "token", "id_token"] });
    const sid = await sessionFor(server.id, await appFor(person), person);
    const params = codeParams(client, { scope: SCOPES, response_type: "id_token token" });
    const res = await submitConsent(await consentPage({ person, client, sid }, params), "deny", [sid]);
    expectRedirectError(res, "access_denied", DENIED, { state: params.state, mode: "fragment" });
  });

  it("Allow on an implicit request sends the tokens in the fragment", async () => {
    const person = await createPerson();
    const client = await appFor(person, { consent_method: "REQUIRED", grant_types: ["authorization_code", "implicit"], response_types: ["code", "token", "id_token"] });
    const sid = await sessionFor(server.id, await appFor(person), person);
    const params = codeParams(client, { scope: SCOPES, response_type: "token" });
    const back = redirectParams(await submitConsent(await consentPage({ person, client, sid }, params), "allow", [sid]), "fragment");
    expect(back.scope).toBe(SCOPES);
  });

  it("is per client and per person", async () => {
    const s = await setup();
    await submitConsent(await consentPage(s, codeParams(s.client, { scope: SCOPES })), "allow", [s.sid]);
    const otherClient = await appFor(s.person, { consent_method: "REQUIRED" });
    await consentPage({ ...s, client: otherClient }, codeParams(otherClient, { scope: SCOPES }));
    const someone = await createPerson();
    await assignUser(s.client.id, someone.id);
    const sid = await sessionFor(server.id, await appFor(someone), someone);
    await consentPage({ person: someone, client: s.client, sid }, codeParams(s.client, { scope: SCOPES }));
  });
});

describe("when consent is and is not asked", () => {
  it("prompt=none when consent is needed is consent_required", async () => {
    const s = await setup();
    const params = codeParams(s.client, { scope: "openid orders:read orders:write catalog:read", prompt: "none" });
    expectRedirectError(await authorize(server.id, params, { cookies: [s.sid] }), "consent_required", "The following scopes require user consent: [orders:read, orders:write].", {
      state: params.state,
    });
  });

  it("prompt=none after consent was given answers with a code", async () => {
    const s = await setup();
    await submitConsent(await consentPage(s, codeParams(s.client, { scope: SCOPES })), "allow", [s.sid]);
    expect(redirectParams(await authorize(server.id, codeParams(s.client, { scope: SCOPES, prompt: "none" }), { cookies: [s.sid] })).code).toBeTruthy();
  });

  it("prompt=consent asks again for everything that is not IMPLICIT", async () => {
    const s = await setup();
    await submitConsent(await consentPage(s, codeParams(s.client, { scope: SCOPES })), "allow", [s.sid]);
    const page = await consentPage(s, codeParams(s.client, { scope: SCOPES, prompt: "consent" }));
    expect(listed(page.html)).toEqual(["Read your orders"]);
    expect(redirectParams(await submitConsent(page, "allow", [s.sid])).code).toBeTruthy();
  });

  it("never asks for IMPLICIT scopes", async () => {
    const s = await setup();
    const params = codeParams(s.client, { scope: "openid profile email offline_access catalog:read" });
    expect(redirectParams(await authorize(server.id, params, { cookies: [s.sid] })).code).toBeTruthy();
  });

  it("does not ask a TRUSTED client's user, even for REQUIRED scopes", async () => {
    const s = await setup({ consent_method: "TRUSTED" });
    expect(redirectParams(await authorize(server.id, codeParams(s.client, { scope: SCOPES }), { cookies: [s.sid] })).code).toBeTruthy();
  });

  it("asks a TRUSTED client's user on prompt=consent", async () => {
    const s = await setup({ consent_method: "TRUSTED" });
    const page = await consentPage(s, codeParams(s.client, { scope: SCOPES, prompt: "consent" }));
    expect(listed(page.html)).toEqual(["Read your orders"]);
  });

  it("prompt=login with a consent-required client asks for the password once, then consent, then sends the code", async () => {
    const s = await setup();
    const params = codeParams(s.client, { scope: SCOPES, prompt: "login" });
    const signInPage = await formPage(await authorize(server.id, params, { cookies: [s.sid] }));
    expect(isSignInPage(signInPage.html)).toBe(true);
    const consent = await formPage(await submitSignIn(signInPage, s.person.login, s.person.password, [s.sid]));
    expect(isConsentPage(consent.html)).toBe(true);
    const res = await submitConsent(consent, "allow", [s.sid]);
    expect(redirectParams(res)).toEqual({ code: expect.any(String), state: params.state });
  });

  it("prompt=login consent asks for each once, then sends the code", async () => {
    const s = await setup();
    const params = codeParams(s.client, { scope: SCOPES, prompt: "login consent" });
    const signInPage = await formPage(await authorize(server.id, params, { cookies: [s.sid] }));
    const consent = await formPage(await submitSignIn(signInPage, s.person.login, s.person.password, [s.sid]));
    expect(isConsentPage(consent.html)).toBe(true);
    expect(redirectParams(await submitConsent(consent, "allow", [s.sid]))).toEqual({ code: expect.any(String), state: params.state });
  });
  it("max_age=0 with a consent-required client asks for the password once, then consent, then sends the code", async () => {
    const s = await setup();
    const params = codeParams(s.client, { scope: SCOPES, max_age: "0", prompt: "consent" });
    const signInPage = await formPage(await authorize(server.id, params, { cookies: [s.sid] }));
    expect(isSignInPage(signInPage.html)).toBe(true);
    const consent = await formPage(await submitSignIn(signInPage, s.person.login, s.person.password, [s.sid]));
    expect(isConsentPage(consent.html)).toBe(true);
    expect(redirectParams(await submitConsent(consent, "allow", [s.sid]))).toEqual({ code: expect.any(String), state: params.state });
  });
});

describe("the consent form's CSRF protection", () => {
  it.each([
    ["no session cookie", (p: FormPage, _s: Setup) => ({ fields: { tx: p.tx, csrf: p.csrf, decision: "allow" }, cookies: [p.csrfCookie] })],
    ["no CSRF cookie", (p: FormPage, s: Setup) => ({ fields: { tx: p.tx, csrf: p.csrf, decision: "allow" }, cookies: [s.sid] })],
    ["a csrf field that differs from the cookie", (p: FormPage, s: Setup) => ({ fields: { tx: p.tx, csrf: "B".repeat(32), decision: "allow" }, cookies: [`mg_csrf=${"B".repeat(32)}`, s.sid] })],
    ["a tampered tx", (p: FormPage, s: Setup) => ({ fields: { tx: tamper(p.tx), csrf: p.csrf, decision: "allow" }, cookies: [p.csrfCookie, s.sid] })],
  ])("refuses %s with a 400 page", async (_name, attack) => {
    const s = await setup();
    const page = await consentPage(s, codeParams(s.client, { scope: SCOPES }));
    const { fields, cookies } = attack(page, s);
    const res = await postForm(page.action, fields, cookies);
    await expectErrorPage(res, "invalid_request", CONSENT_FORM_EXPIRED);
    // Nothing was remembered.
    await consentPage(s, codeParams(s.client, { scope: SCOPES }));
  });

  it("refuses a consent form older than 15 minutes", async () => {
    freezeTime();
    const s = await setup();
    const page = await consentPage(s, codeParams(s.client, { scope: SCOPES }));
    advanceTime(16 * 60_000);
    await expectErrorPage(await submitConsent(page, "allow", [s.sid]), "invalid_request", CONSENT_FORM_EXPIRED);
  });
});
