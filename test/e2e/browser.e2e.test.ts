import { mkdirSync } from "node:fs";
import { join } from "node:path";
import * as client from "openid-client";
import type { Page, Response as PwResponse } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchChromium, startSampleSpa, startStaticServer, watchNetwork, type RunningBrowser, type SampleSpa, type StaticServer } from "./support/browser";
import { adminJson, uniqueName } from "./support/okta";
import { LOG_DIR } from "./support/server";
import { openidCodeRequest } from "./support/sign-in";

// A person signs in with a real browser (Debian's Chromium through playwright-core): once through an authorization
// URL built by openid-client, once through the sample SPA, which uses Okta's own browser SDK (okta-auth-js).
const baseUrl = inject("baseUrl");
const issuer = `${baseUrl}/oauth2/default`;
const PASSWORD = "Correct-Horse-7-battery";
const SIGN_IN_FAILED = "Unable to sign in. Check your username and password and try again.";
// The local server speaks plain http; openid-client refuses it unless told otherwise.
const insecure = { execute: [client.allowInsecureRequests] };
const BROWSER_TEST_MS = 90_000;

async function created(path: string, body: unknown): Promise<any> {
  const r = await adminJson(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  if (r.status < 200 || r.status > 299) throw new Error(`POST ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** The hosted sign-in form: fills it and presses "Sign in"; resolves with the form's POST response. */
async function submitSignIn(page: Page, username: string, password: string): Promise<PwResponse> {
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/oauth2/default/v1/authorize/signin"),
    page.getByRole("button", { name: "Sign in" }).click(),
  ]);
  return response;
}

/** A claims table of the sample SPA, as { claim: shown value }. */
const claimsTable = (page: Page, id: string): Promise<Record<string, string>> =>
  page.$$eval(`#${id} tbody tr`, (rows) => Object.fromEntries(rows.map((r) => [r.querySelector("th")!.textContent!, r.querySelector("td")!.textContent!])));

/** Waits until the SPA settles (its status line says so) and returns that status. */
async function settledStatus(page: Page): Promise<string> {
  await page.waitForFunction(() => /^(Signed in\.|Signed in, but userinfo failed\.|Signed out\.|Sign-out failed\.)$/.test(document.getElementById("status")?.textContent ?? ""), null, {
    timeout: 20_000,
  });
  return (await page.locator("#status").textContent())!;
}

const spaError = async (page: Page) => ((await page.locator("#error").isVisible()) ? await page.locator("#error").textContent() : null);

describe("signing in with a real browser", () => {
  let user: any;
  let email: string;
  let callback: StaticServer; // the web app's redirect URI, and a page on an origin Mintgate does not trust
  let spa: SampleSpa;
  let spaClientId: string;
  let web: { clientId: string; clientSecret: string };
  let trustedOriginId: string | undefined;
  const browsers: RunningBrowser[] = [];

  const openPage = async (): Promise<Page> => {
    const b = await launchChromium();
    browsers.push(b);
    return b.context.pages()[0] ?? (await b.context.newPage());
  };

  beforeAll(async () => {
    callback = await startStaticServer((req, res) => {
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" });
      const title = req.url?.startsWith("/callback") ? "Callback received" : "Another site";
      res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1></body></html>`);
    });
    // Okta lets an admin choose the client_id, so the SPA can start (on a port of its own choosing) before its app exists.
    spaClientId = `spa-e2e-${crypto.randomUUID().slice(0, 8)}`;
    spa = await startSampleSpa({ issuer, clientId: spaClientId });

    const tag = crypto.randomUUID().slice(0, 8);
    email = `grace.${tag}@example.com`;
    user = await created("/users?activate=true", {
      profile: { login: email, email, firstName: "Grace", lastName: "Hopper" },
      credentials: { password: { value: PASSWORD } },
    });
    const webApp = await created("/apps", {
      name: "oidc_client",
      label: uniqueName("browser web"),
      signOnMode: "OPENID_CONNECT",
      credentials: { oauthClient: { token_endpoint_auth_method: "client_secret_basic" } },
      settings: {
        oauthClient: {
          application_type: "web",
          redirect_uris: [`${callback.origin}/callback`],
          grant_types: ["authorization_code"],
          response_types: ["code"],
        },
      },
    });
    web = { clientId: webApp.credentials.oauthClient.client_id, clientSecret: webApp.credentials.oauthClient.client_secret };
    const spaApp = await created("/apps", {
      name: "oidc_client",
      label: uniqueName("sample spa"),
      signOnMode: "OPENID_CONNECT",
      credentials: { oauthClient: { client_id: spaClientId, token_endpoint_auth_method: "none" } },
      settings: {
        oauthClient: {
          application_type: "browser",
          redirect_uris: [`${spa.origin}/login/callback`],
          post_logout_redirect_uris: [`${spa.origin}/`],
          grant_types: ["authorization_code", "refresh_token"],
          response_types: ["code"],
        },
      },
    });
    expect(spaApp.credentials.oauthClient.client_id).toBe(spaClientId);
    await created(`/apps/${webApp.id}/users`, { id: user.id });
    await created(`/apps/${spaApp.id}/users`, { id: user.id });
    const origin = await created("/trustedOrigins", { name: uniqueName("sample spa"), origin: spa.origin, scopes: [{ type: "CORS" }, { type: "REDIRECT" }] });
    trustedOriginId = origin.id;
    // An isolate that already cached the trusted origins sees the new one within CACHE_STALENESS_SECONDS (30).
    const discovery = `${issuer}/.well-known/openid-configuration`;
    for (const deadline = Date.now() + 40_000; ; ) {
      const res = await fetch(discovery, { headers: { Origin: spa.origin } });
      await res.arrayBuffer();
      if (res.headers.get("access-control-allow-origin") === spa.origin) break;
      if (Date.now() > deadline) throw new Error(`${discovery} still has no CORS header for the trusted origin ${spa.origin}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  });

  afterAll(async () => {
    await Promise.allSettled([...browsers.map((b) => b.close()), spa?.stop(), callback?.close()]);
    // The SPA's port is free again; its origin should not stay trusted on the shared server.
    if (trustedOriginId) await adminJson(`/trustedOrigins/${trustedOriginId}`, { method: "DELETE" }).catch(() => {});
  });

  it(
    "signs in at the authorization URL openid-client builds (PKCE), after a wrong password gets only the generic error",
    async () => {
      const config = await client.discovery(new URL(issuer), web.clientId, undefined, client.ClientSecretBasic(web.clientSecret), insecure);
      const redirectUri = `${callback.origin}/callback`;
      const { url, codeVerifier, state, nonce } = await openidCodeRequest(config, redirectUri, "openid profile email");
      expect(url.href.startsWith(`${issuer}/v1/authorize?`)).toBe(true);

      const page = await openPage();
      const first = await page.goto(url.href);
      expect(first?.status()).toBe(200);
      await expect(page.title()).resolves.toMatch(/^Sign in/);
      await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Sign in");
      mkdirSync(LOG_DIR, { recursive: true });
      await page.screenshot({ path: join(LOG_DIR, "signin.png"), fullPage: true });

      // A known login with a wrong password, and an unknown login: the same 401 page, word for word.
      const wrongPassword = await submitSignIn(page, email, "Wrong-Horse-8-battery");
      expect(wrongPassword.status()).toBe(401);
      await expect(page.getByRole("alert").textContent()).resolves.toBe(SIGN_IN_FAILED);
      await expect(page.getByLabel("Username").inputValue()).resolves.toBe(email);
      await expect(page.getByLabel("Password").inputValue()).resolves.toBe("");
      const afterWrongPassword = await page.locator("main").innerText();

      const unknownLogin = await submitSignIn(page, `nobody.${crypto.randomUUID().slice(0, 8)}@example.com`, PASSWORD);
      expect(unknownLogin.status()).toBe(401);
      await expect(page.getByRole("alert").textContent()).resolves.toBe(SIGN_IN_FAILED);
      expect(await page.locator("main").innerText()).toBe(afterWrongPassword);
      expect(afterWrongPassword).not.toMatch(/incorrect|not found|unknown|no such|does not exist|invalid password|locked/i);

      // The right password: Mintgate redirects the browser to the client's callback with the code.
      const signedIn = await submitSignIn(page, email, PASSWORD);
      expect(signedIn.status()).toBe(302);
      await page.waitForURL((u) => u.href.startsWith(`${redirectUri}?`));
      await expect(page.title()).resolves.toBe("Callback received");
      const callbackUrl = new URL(page.url());
      expect(callbackUrl.searchParams.get("state")).toBe(state);
      const sessionCookies = (await page.context().cookies(baseUrl)).filter((c) => c.name === "__Host-mg_sid");
      expect(sessionCookies).toHaveLength(1);
      expect(sessionCookies[0]).toMatchObject({ httpOnly: true, sameSite: "Lax" });

      // openid-client redeems the code in Node: state, PKCE verifier, ID token signature, iss, aud and nonce.
      const tokens = await client.authorizationCodeGrant(config, callbackUrl, { pkceCodeVerifier: codeVerifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true });
      const claims = tokens.claims()!;
      expect(claims).toMatchObject({ iss: issuer, aud: web.clientId, sub: user.id, nonce, email, amr: ["pwd"] });
      expect(tokens.token_type.toLowerCase()).toBe("bearer");
      const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
      expect(userinfo).toMatchObject({ sub: user.id, email, given_name: "Grace", family_name: "Hopper", preferred_username: email });
    },
    BROWSER_TEST_MS,
  );

  it(
    "signs in to the sample SPA with okta-auth-js, shows the ID token claims and userinfo, and signs out",
    async () => {
      const page = await openPage();
      const fromIssuer: { method: string; path: string; status: number; acao: string | undefined }[] = [];
      page.on("response", (r) => {
        if (r.url().startsWith(`${baseUrl}/`) && r.request().resourceType() === "fetch") {
          fromIssuer.push({ method: r.request().method(), path: new URL(r.url()).pathname, status: r.status(), acao: r.headers()["access-control-allow-origin"] });
        }
      });
      const pageErrors: string[] = [];
      page.on("pageerror", (e) => pageErrors.push(String(e)));
      const consoleLines: string[] = [];
      page.on("console", (m) => consoleLines.push(`${m.type()}: ${m.text()}`));

      await page.goto(`${spa.origin}/`);
      expect(await settledStatus(page)).toBe("Signed out.");
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL((u) => u.href.startsWith(`${issuer}/v1/authorize?`));
      const authorize = new URL(page.url());
      expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
        client_id: spaClientId,
        redirect_uri: `${spa.origin}/login/callback`,
        response_type: "code",
        scope: "openid profile email offline_access",
        code_challenge_method: "S256",
      });
      expect((await submitSignIn(page, email, PASSWORD)).status()).toBe(302);

      // Back on the SPA: okta-auth-js exchanged the code (CORS), verified the ID token with /v1/keys (CORS) and
      // read /v1/userinfo (CORS, with a preflight for the Authorization header).
      const status = await settledStatus(page);
      expect(status, `${await spaError(page)} ${pageErrors.join(" ")} ${JSON.stringify(fromIssuer)} ${consoleLines.join("\n")}`).toBe("Signed in.");
      expect(new URL(page.url()).pathname).toBe("/");
      await expect(page.getByRole("heading", { level: 2 }).first().textContent()).resolves.toBe(`Signed in as ${email}`);
      const idClaims = await claimsTable(page, "id-token-claims");
      expect(idClaims).toMatchObject({ iss: issuer, aud: spaClientId, sub: user.id, email, preferred_username: email });
      const userinfo = await claimsTable(page, "userinfo");
      expect(userinfo).toMatchObject({ sub: user.id, email, given_name: "Grace", family_name: "Hopper" });
      expect(userinfo).not.toHaveProperty("headers");
      expect(await page.locator("main").innerText()).toContain(email);
      await page.screenshot({ path: join(LOG_DIR, "spa-signed-in.png"), fullPage: true });
      const stored = await page.evaluate(() => JSON.parse(localStorage.getItem("okta-token-storage") ?? "{}"));
      expect(Object.keys(stored).sort()).toEqual(["accessToken", "idToken", "refreshToken"]);
      const accessToken: string = stored.accessToken.accessToken;
      const refreshToken: string = stored.refreshToken.refreshToken;

      for (const path of ["/oauth2/default/.well-known/openid-configuration", "/oauth2/default/v1/token", "/oauth2/default/v1/keys", "/oauth2/default/v1/userinfo"]) {
        const calls = fromIssuer.filter((c) => c.path === path);
        expect(calls.length, `${path} in ${JSON.stringify(fromIssuer)}`).toBeGreaterThan(0);
        for (const c of calls) expect(c, path).toMatchObject({ status: 200, acao: spa.origin });
      }

      // Sign out: okta-auth-js revokes the refresh and access tokens, then sends the browser to /v1/logout, which
      // ends the Mintgate session and redirects to the post-logout URI.
      await page.getByRole("button", { name: "Sign out" }).click();
      const afterSignOut = await settledStatus(page);
      expect(afterSignOut, `${await spaError(page)} ${JSON.stringify(fromIssuer.filter((c) => c.path.endsWith("/revoke")))}`).toBe("Signed out.");
      expect(page.url()).toBe(`${spa.origin}/`);
      for (const c of fromIssuer.filter((c) => c.path === "/oauth2/default/v1/revoke")) expect(c).toMatchObject({ status: 200, acao: spa.origin });
      expect((await page.context().cookies(baseUrl)).filter((c) => c.name === "__Host-mg_sid")).toEqual([]);
      expect(await page.evaluate(() => localStorage.getItem("okta-token-storage"))).toMatch(/^(\{\})?$|^null$/);
      // signOut revoked both tokens (RFC 7009): neither works any more.
      const afterUserinfo = await fetch(`${issuer}/v1/userinfo`, { headers: { Authorization: `Bearer ${accessToken}` } });
      expect(afterUserinfo.status).toBe(401);
      const refreshed = await fetch(`${issuer}/v1/token`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
        body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: refreshToken, client_id: spaClientId }),
      });
      expect({ status: refreshed.status, body: await refreshed.json() }).toMatchObject({ status: 400, body: { error: "invalid_grant" } });

      // The session is gone: signing in again shows the form instead of coming straight back.
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL((u) => u.href.startsWith(`${issuer}/v1/authorize?`));
      await expect(page.getByLabel("Password").isVisible()).resolves.toBe(true);
      expect(pageErrors).toEqual([]);
    },
    BROWSER_TEST_MS,
  );

  it(
    "answers a page on an untrusted origin without Access-Control-Allow-Origin, so the browser refuses it",
    async () => {
      const page = await openPage();
      type Init = { method?: string; headers?: Record<string, string>; body?: string };
      const read = (url: string, init?: Init) =>
        page.evaluate(
          async ([u, i]) => {
            try {
              const r = await fetch(u, i);
              return { ok: true, status: r.status, text: await r.text() };
            } catch (e) {
              return { ok: false, error: String(e) };
            }
          },
          [url, init ?? {}] as const,
        );
      const keys = `${issuer}/v1/keys`;

      const network = await watchNetwork(page);
      const seen = (url: string, method = "GET") => network.filter((e) => e.url === url && e.method === method);
      const refused = { ok: false, error: "TypeError: Failed to fetch" };

      await page.goto(`${callback.origin}/`);
      // The server answers, but without Access-Control-Allow-Origin, so Chromium keeps the answer from the page.
      expect(await read(keys)).toEqual(refused);
      // CDP reports the failure a moment after the page sees it.
      await expect.poll(() => seen(keys)).toEqual([expect.objectContaining({ status: 200, corsError: "MissingAllowOriginHeader" })]);
      expect(seen(keys)[0]!.headers).not.toHaveProperty("access-control-allow-origin");
      // A simple cross-origin POST reaches the server too; its answer stays unreadable.
      const token = `${issuer}/v1/token`;
      const form = { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "grant_type=authorization_code&code=x" };
      expect(await read(token, form)).toEqual(refused);
      await expect.poll(() => seen(token, "POST")).toEqual([expect.objectContaining({ status: expect.any(Number), corsError: "MissingAllowOriginHeader" })]);
      expect(seen(token, "POST")[0]!.headers).not.toHaveProperty("access-control-allow-origin");
      // With an Authorization header the preflight itself is refused, so the GET is never sent.
      const userinfo = `${issuer}/v1/userinfo`;
      expect(await read(userinfo, { headers: { Authorization: "Bearer x" } })).toEqual(refused);
      await expect.poll(() => seen(userinfo).map((e) => e.corsError)).toEqual([expect.stringMatching(/^Preflight/)]);

      // The same reads from the trusted SPA origin succeed.
      await page.goto(`${spa.origin}/`);
      network.length = 0;
      const allowed = await read(keys);
      expect(allowed).toMatchObject({ ok: true, status: 200 });
      expect(JSON.parse((allowed as { text: string }).text).keys.length).toBeGreaterThan(0);
      await expect.poll(() => seen(keys)).toEqual([expect.objectContaining({ status: 200, headers: expect.objectContaining({ "access-control-allow-origin": spa.origin }) })]);
      expect(await read(userinfo, { headers: { Authorization: "Bearer x" } })).toMatchObject({ ok: true, status: 401 });
    },
    BROWSER_TEST_MS,
  );
});
