import { beforeAll, describe, expect, it } from "vitest";
import { admin } from "../support/admin";
import { tokenBody } from "../support/clients";
import { activate, deviceSetup, enterCode, entryPage, poll, signInToActivate, startDevice, type DeviceSetup } from "../support/devices";
import {
  CSRF_COOKIE,
  esc,
  expectErrorPage,
  expectPageHeaders,
  formPage,
  isSignInPage,
  postForm,
  sessionFor,
  appFor,
  peopleServer,
  SESSION_COOKIE,
  setCookieOf,
  submitConsent,
  submitSignIn,
  tamper,
} from "../support/people";

const TITLE = "Device activation error";
const INVALID_CODE = "The user code is invalid or has expired.";
const FORM_EXPIRED = "This activation form has expired or was not sent by this browser. Enter the code again.";

let s: DeviceSetup;

beforeAll(async () => {
  s = await deviceSetup();
});

/** A fresh client address, so each test has its own guessing budget. */
const address = () => ({ "CF-Connecting-IP": `198.51.100.${Math.floor(Math.random() * 250)}-${crypto.randomUUID()}` });

describe("GET /activate", () => {
  it("serves the code entry page, with the code prefilled from verification_uri_complete", async () => {
    const { html, res } = await entryPage("RGTCFDTL");
    expectPageHeaders(res);
    expect(html).toContain("<title>Activate your device</title>");
    expect(html).toContain('name="user_code" type="text"');
    expect(html).toContain('value="RGTCFDTL"');
    expect(setCookieOf(res, CSRF_COOKIE)).toMatch(/; HttpOnly; Secure; SameSite=Lax/);
  });

  it("escapes whatever the link prefills", async () => {
    const { html } = await entryPage('"><script>x</script>');
    expect(html).not.toContain("<script>x");
    expect(html).toContain(esc('"><script>x</script>'));
  });
});

describe("POST /activate", () => {
  it("asks a person without a session to sign in, then to allow the device, showing its code", async () => {
    const d = await startDevice(s.serverId, s.client);
    const { confirm, sid } = await signInToActivate(d.user_code, s.person);
    expect(sid).toMatch(/^__Host-mg_sid=/);
    expect(confirm.html).toContain(`<strong id="user-code">${d.user_code}</strong>`);
    expect(confirm.html).toContain(esc(s.client.app.label));
    expect(confirm.html).toContain('name="decision" value="deny"');
  });

  it("accepts the code in lower case and with a hyphen (RFC 8628 6.1)", async () => {
    const d = await startDevice(s.serverId, s.client);
    const typed = `${d.user_code.slice(0, 4)}-${d.user_code.slice(4)}`.toLowerCase();
    const page = await formPage(await enterCode(typed));
    expect(isSignInPage(page.html)).toBe(true);
  });

  it("goes straight to the confirmation with an SSO session", async () => {
    const server = await peopleServer();
    const web = await appFor(s.person);
    const sid = await sessionFor(server.id, web, s.person);
    const d = await startDevice(s.serverId, s.client);
    const confirm = await formPage(await enterCode(d.user_code, [sid]));
    expect(confirm.action).toBe("/activate/confirm");
    expect((await submitConsent(confirm, "allow", [sid])).status).toBe(200);
    await tokenBody(await poll(s.serverId, s.client, d.device_code));
  });

  it("ends with a page telling the person to return to the device", async () => {
    const d = await startDevice(s.serverId, s.client);
    const res = await activate(d.user_code, s.person);
    const html = await res.text();
    expect(res.status).toBe(200);
    expectPageHeaders(res);
    expect(html).toContain("<h1>Device activated</h1>");
    expect(html).toContain("You may now return to your device.");
  });

  it("ends with a page saying the request was denied when the person denies it", async () => {
    const d = await startDevice(s.serverId, s.client);
    const html = await (await activate(d.user_code, s.person, "deny")).text();
    expect(html).toContain("<h1>Device not activated</h1>");
  });

  it("shows the entry page again with Okta's error for a wrong code", async () => {
    const res = await enterCode("BBBBBBBB", [], address());
    const html = await res.text();
    expect(res.status).toBe(400);
    expectPageHeaders(res);
    expect(html).toContain(`<p class="error" role="alert" id="code-error">${INVALID_CODE}</p>`);
  });

  it("refuses a code that was already used", async () => {
    const d = await startDevice(s.serverId, s.client);
    await activate(d.user_code, s.person);
    expect((await enterCode(d.user_code, [], address())).status).toBe(400);
  });

  it("stops looking codes up after 10 wrong ones from one address (RFC 8628 5.1)", async () => {
    const from = address();
    for (let i = 0; i < 10; i++) expect((await enterCode("BBBBBBBB", [], from)).status).toBe(400);
    const d = await startDevice(s.serverId, s.client);
    const res = await enterCode(d.user_code, [], from);
    const html = await res.text();
    expect(res.status).toBe(429);
    expect(html).toContain(`<code>slow_down</code>: Too many invalid codes were entered. Please try again later.`);
    // Another address is not affected.
    expect((await enterCode(d.user_code, [], address())).status).toBe(200);
  });

  it("shows a page for a body over 64 KiB", async () => {
    const { csrf, csrfCookie } = await entryPage();
    const res = await postForm("/activate", { csrf, user_code: "BBBBBBBB", padding: "x".repeat(64 * 1024) }, [csrfCookie]);
    await expectErrorPage(res, "invalid_request", "The request body is too large.", TITLE);
  });

  it("shows a page for a form without its CSRF cookie", async () => {
    const { csrf } = await entryPage();
    await expectErrorPage(await postForm("/activate", { csrf, user_code: "BBBBBBBB" }, []), "invalid_request", FORM_EXPIRED, TITLE);
  });
});

describe("POST /activate/signin and /activate/confirm", () => {
  it("shows the sign-in page again with 401 for a wrong password, and keeps the device pending", async () => {
    const d = await startDevice(s.serverId, s.client);
    const signIn = await formPage(await enterCode(d.user_code));
    const res = await submitSignIn(signIn, s.person.login, "wrong-password-123");
    const html = await res.text();
    expect(res.status).toBe(401);
    expect(html).toContain("Unable to sign in. Check your username and password and try again.");
    expect(setCookieOf(res, SESSION_COOKIE)).toBeUndefined();
    expect((await poll(s.serverId, s.client, d.device_code)).status).toBe(400);
  });

  it("refuses a tampered transaction", async () => {
    const d = await startDevice(s.serverId, s.client);
    const signIn = await formPage(await enterCode(d.user_code));
    const res = await submitSignIn({ ...signIn, tx: tamper(signIn.tx) }, s.person.login, s.person.password);
    await expectErrorPage(res, "invalid_request", FORM_EXPIRED, TITLE);
  });

  it("refuses the confirmation without a session", async () => {
    const d = await startDevice(s.serverId, s.client);
    const { confirm } = await signInToActivate(d.user_code, s.person);
    await expectErrorPage(await submitConsent(confirm, "allow", []), "invalid_request", FORM_EXPIRED, TITLE);
  });

  it("refuses a second confirmation of the same code", async () => {
    const d = await startDevice(s.serverId, s.client);
    const { confirm, sid } = await signInToActivate(d.user_code, s.person);
    expect((await submitConsent(confirm, "allow", [sid])).status).toBe(200);
    await expectErrorPage(await submitConsent(confirm, "deny", [sid]), "invalid_user_code", INVALID_CODE, TITLE);
    await tokenBody(await poll(s.serverId, s.client, d.device_code));
  });

  it("records the consent of a client that requires it, for the scopes that are not IMPLICIT", async () => {
    const t = await deviceSetup({ consent_method: "REQUIRED" });
    await admin(`/authorizationServers/${t.serverId}/scopes`, { method: "POST", json: { name: "tv:watch", consent: "REQUIRED" } });
    const d = await startDevice(t.serverId, t.client, "openid tv:watch");
    await activate(d.user_code, t.person);
    await tokenBody(await poll(t.serverId, t.client, d.device_code));
    const grants = (await (await admin(`/users/${t.person.id}/grants`)).json()) as Array<Record<string, string>>;
    expect(grants.map((g) => [g.clientId, g.scopeId])).toEqual([[t.client.clientId, "tv:watch"]]);
  });
});
