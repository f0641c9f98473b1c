import * as client from "openid-client";
import type { Page } from "playwright-core";
import { adminJson } from "./okta";

/** An admin API write with SSWS (a POST unless told otherwise) that must succeed; its body (null when empty). */
export async function createdJson(path: string, body: unknown, method = "POST"): Promise<any> {
  const init: RequestInit = body === undefined ? { method } : { method, headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
  const r = await adminJson(path, init);
  if (r.status < 200 || r.status > 299) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/**
 * A person's first visit: the browser opens the authorization URL, Mintgate shows its hosted sign-in page, the
 * person types their credentials and presses "Sign in", and the browser lands on the client's redirect URI.
 * Returns the URL it landed on (with the code and state), as the client's callback sees it.
 */
export async function signInAt(page: Page, authorizationUrl: string, redirectUri: string, username: string, password: string): Promise<URL> {
  const first = await page.goto(authorizationUrl);
  if (first?.status() !== 200) throw new Error(`the authorization URL answered ${first?.status()}, not the sign-in page`);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await Promise.all([page.waitForURL((u) => u.href.startsWith(`${redirectUri}?`)), page.getByRole("button", { name: "Sign in" }).click()]);
  return new URL(page.url());
}

/** What openid-client's authorization code flow with PKCE, state and nonce needs to start and to finish. */
export interface CodeRequest {
  url: URL;
  codeVerifier: string;
  state: string;
  nonce: string;
}

/** An authorization URL built by openid-client itself (PKCE S256, state, nonce), as a real web app would. */
export async function openidCodeRequest(config: client.Configuration, redirectUri: string, scope: string): Promise<CodeRequest> {
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope,
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: "S256",
    state,
    nonce,
  });
  return { url, codeVerifier, state, nonce };
}
