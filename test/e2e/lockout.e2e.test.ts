import * as client from "openid-client";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchChromium, startStaticServer, type RunningBrowser, type StaticServer } from "./support/browser";
import { adminJson, uniqueName } from "./support/okta";
import { createdJson, openidCodeRequest } from "./support/sign-in";

// Okta's password policy lockout, driven through the hosted sign-in page in Chromium: ten wrong passwords lock the
// account (LOCKED_OUT in the admin API, the right password refused with the generic message), the admin API's
// unlock restores it, and the right password then signs in.
const baseUrl = inject("baseUrl");
const issuer = `${baseUrl}/oauth2/default`;
const PASSWORD = "Correct-Horse-7-battery";
const SIGN_IN_FAILED = "Unable to sign in. Check your username and password and try again.";
const insecure = { execute: [client.allowInsecureRequests] };

async function submit(page: Page, username: string, password: string): Promise<number> {
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/oauth2/default/v1/authorize/signin"),
    page.getByRole("button", { name: "Sign in" }).click(),
  ]);
  return response.status();
}

describe("lockout in a real browser", () => {
  let browser: RunningBrowser;
  let callback: StaticServer;
  let user: any;
  let login: string;
  let web: { clientId: string; clientSecret: string };

  beforeAll(async () => {
    callback = await startStaticServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
      res.end("<!doctype html><title>Callback received</title><h1>Callback received</h1>");
    });
    login = `lock.${crypto.randomUUID().slice(0, 8)}@example.com`;
    user = await createdJson("/users?activate=true", { profile: { login, email: login, firstName: "Lock", lastName: "Out" }, credentials: { password: { value: PASSWORD } } });
    const app = await createdJson("/apps", {
      name: "oidc_client",
      label: uniqueName("lockout web"),
      signOnMode: "OPENID_CONNECT",
      credentials: { oauthClient: { token_endpoint_auth_method: "client_secret_basic" } },
      settings: { oauthClient: { application_type: "web", redirect_uris: [`${callback.origin}/callback`], grant_types: ["authorization_code"], response_types: ["code"] } },
    });
    web = { clientId: app.credentials.oauthClient.client_id, clientSecret: app.credentials.oauthClient.client_secret };
    await createdJson(`/apps/${app.id}/users`, { id: user.id });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await Promise.allSettled([browser?.close(), callback?.close()]);
  });

  it("locks after ten wrong passwords, refuses the right one alike, and signs in after an admin unlocks", { timeout: 120_000 }, async () => {
    const config = await client.discovery(new URL(issuer), web.clientId, undefined, client.ClientSecretBasic(web.clientSecret), insecure);
    const redirectUri = `${callback.origin}/callback`;
    const request = await openidCodeRequest(config, redirectUri, "openid");
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    expect((await page.goto(request.url.href))?.status()).toBe(200);

    // The cookies the page set are __Host- and Secure, and Chromium kept them on http://127.0.0.1 (finding 5).
    const cookies = await browser.context.cookies(baseUrl);
    expect(cookies.map((c) => ({ name: c.name, secure: c.secure, httpOnly: c.httpOnly }))).toEqual([{ name: "__Host-mg_csrf", secure: true, httpOnly: true }]);

    for (let i = 0; i < 10; i++) {
      expect(await submit(page, login, `Wrong-password-${i}`)).toBe(401);
      expect(await page.locator("#signin-error").textContent()).toBe(SIGN_IN_FAILED);
    }
    const locked = await adminJson(`/users/${user.id}`);
    expect(locked.body.status).toBe("LOCKED_OUT");
    expect(locked.body._links.unlock.href).toBe(`${baseUrl}/api/v1/users/${user.id}/lifecycle/unlock`);

    expect(await submit(page, login, PASSWORD)).toBe(401);
    expect(await page.locator("#signin-error").textContent()).toBe(SIGN_IN_FAILED);

    const unlocked = await adminJson(`/users/${user.id}/lifecycle/unlock`, { method: "POST" });
    expect(unlocked.status).toBe(200);
    expect((await adminJson(`/users/${user.id}`)).body.status).toBe("ACTIVE");

    await page.getByLabel("Username").fill(login);
    await page.getByLabel("Password").fill(PASSWORD);
    await Promise.all([page.waitForURL((u) => u.href.startsWith(`${redirectUri}?`)), page.getByRole("button", { name: "Sign in" }).click()]);
    const landed = new URL(page.url());
    expect(landed.searchParams.get("state")).toBe(request.state);
    const tokens = await client.authorizationCodeGrant(config, landed, { pkceCodeVerifier: request.codeVerifier, expectedState: request.state, expectedNonce: request.nonce });
    expect(tokens.claims()?.sub).toBe(user.id);
  });
});
