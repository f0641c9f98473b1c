import { exports } from "cloudflare:workers";
import { expect } from "vitest";
import { BASE, call } from "./admin";
import { FORM, type Client } from "./clients";
import { CSRF_COOKIE, REDIRECT, SESSION_COOKIE } from "./people-constants";
import type { Person } from "./people";

/**
 * The steps a browser takes in the authorization code flow: authorize, the sign-in and consent forms, cookies,
 * and the redirect back to the client (or the error page shown instead).
 */

/** The `name=value` part of a Set-Cookie the response sends for `name`. */
export function cookieFrom(res: Response, name: string): string | undefined {
  return setCookieOf(res, name)?.split(";")[0];
}

/** The whole Set-Cookie header the response sends for `name`. */
export function setCookieOf(res: Response, name: string): string | undefined {
  return res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`));
}

const cookieHeader = (cookies: Array<string | undefined>) => cookies.filter(Boolean).join("; ");

export interface BrowserOptions {
  cookies?: Array<string | undefined>;
  method?: "GET" | "POST";
  headers?: Record<string, string>;
}

export const authorizePath = (serverId: string, params: Record<string, string> | string) =>
  `/oauth2/${serverId}/v1/authorize?${typeof params === "string" ? params : new URLSearchParams(params)}`;

/** GET (query) or POST (form body) /authorize, as a browser would send it. */
export function authorize(serverId: string, params: Record<string, string> | string, o: BrowserOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { ...o.headers };
  const cookie = cookieHeader(o.cookies ?? []);
  if (cookie) headers.Cookie = cookie;
  if (o.method === "POST") {
    const body = typeof params === "string" ? params : new URLSearchParams(params).toString();
    return call(`/oauth2/${serverId}/v1/authorize`, { method: "POST", headers: { ...headers, "Content-Type": FORM }, body });
  }
  return call(authorizePath(serverId, params), { headers });
}

/** A request to the Worker at any origin (for cookie rules that depend on the host). */
export function fetchAt(url: string, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(new Request(url, { redirect: "manual", ...init }));
}

export interface FormPage {
  html: string;
  tx: string;
  csrf: string;
  /** The __Host-mg_csrf cookie the page set, as `__Host-mg_csrf=value`. */
  csrfCookie: string;
  action: string;
}

/** The hidden fields of a sign-in or consent page, after checking it is one. */
export async function formPage(res: Response, status = 200): Promise<FormPage> {
  const html = await res.text();
  expect(res.status, html).toBe(status);
  expect(res.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
  const tx = /name="tx" value="([^"]+)"/.exec(html)?.[1];
  const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  const csrfCookie = cookieFrom(res, CSRF_COOKIE);
  expect({ tx: !!tx, csrf: !!csrf, action: !!action, csrfCookie: !!csrfCookie }).toEqual({ tx: true, csrf: true, action: true, csrfCookie: true });
  return { html, tx: tx!, csrf: csrf!, action: action!, csrfCookie: csrfCookie! };
}

/** The sealed value with one character in the middle changed. */
export function tamper(sealed: string): string {
  const i = Math.floor(sealed.length / 2);
  return sealed.slice(0, i) + (sealed[i] === "A" ? "B" : "A") + sealed.slice(i + 1);
}

export const isSignInPage = (html: string) => html.includes('<input id="password" name="password" type="password"');
export const isConsentPage = (html: string) => html.includes('name="decision" value="allow"');

/** POSTs a form (sign-in or consent) with the given cookies. */
export function postForm(path: string, fields: Record<string, string>, cookies: Array<string | undefined>): Promise<Response> {
  const headers: Record<string, string> = { "Content-Type": FORM };
  const cookie = cookieHeader(cookies);
  if (cookie) headers.Cookie = cookie;
  return call(path, { method: "POST", headers, body: new URLSearchParams(fields).toString() });
}

/** Submits the sign-in page's form with these credentials, as the browser that loaded it. */
export function submitSignIn(page: FormPage, username: string, password: string, cookies: Array<string | undefined> = []): Promise<Response> {
  return postForm(page.action, { tx: page.tx, csrf: page.csrf, username, password }, [page.csrfCookie, ...cookies]);
}

export function submitConsent(page: FormPage, decision: "allow" | "deny", cookies: Array<string | undefined>): Promise<Response> {
  return postForm(page.action, { tx: page.tx, csrf: page.csrf, decision }, [page.csrfCookie, ...cookies]);
}

export interface SignedIn {
  /** The response to the sign-in form (a redirect to the client, a consent page, …). */
  res: Response;
  /** The session cookie, as `__Host-mg_sid=value`. */
  sid: string;
}

/** Authorize without a session, then sign in on the page: the browser's first visit. */
export async function signIn(serverId: string, params: Record<string, string>, person: Person, o: BrowserOptions = {}): Promise<SignedIn> {
  const page = await formPage(await authorize(serverId, params, o));
  const res = await submitSignIn(page, person.login, person.password, o.cookies ?? []);
  const sid = cookieFrom(res, SESSION_COOKIE);
  expect(sid, `${res.status} ${res.headers.get("Location")}`).toBeTruthy();
  return { res, sid: sid! };
}

/** A session for `person`, through any client and server they can sign in to. */
export async function sessionFor(serverId: string, client: Client, person: Person): Promise<string> {
  const { res, sid } = await signIn(serverId, codeParams(client, { scope: "openid" }), person);
  expect(res.status).toBe(302);
  return sid;
}

// ---------------------------------------------------------------------------------------------------------------
// The redirect back to the client

/** The parameters of a redirect to `redirectUri`, from the query or the fragment, after checking it is one. */
export function redirectParams(res: Response, mode: "query" | "fragment" = "query", redirectUri = REDIRECT): Record<string, string> {
  const location = res.headers.get("Location");
  expect(res.status, `${res.status} ${location}`).toBe(302);
  expect(res.headers.get("Referrer-Policy")).toBe("no-referrer");
  expect(res.headers.get("Cache-Control")).toBe("no-store");
  const url = new URL(location!);
  const base = new URL(redirectUri);
  expect(`${url.origin}${url.pathname}`).toBe(`${base.origin}${base.pathname}`);
  let params: Record<string, string>;
  if (mode === "query") {
    expect(url.hash).toBe("");
    const own = new Set(base.searchParams.keys());
    params = Object.fromEntries([...url.searchParams].filter(([k]) => !own.has(k)));
  } else {
    expect(url.search).toBe(base.search);
    params = Object.fromEntries(new URLSearchParams(url.hash.slice(1)));
  }
  return withoutIss(params);
}

/**
 * RFC 9207 2: every authorization response, success or error, names its issuer. Checked here for every redirect
 * the tests read (test/oauth/iss.test.ts checks the exact value per server), and set aside so that assertions
 * about the rest of the response stay as they were.
 */
export function withoutIss(params: Record<string, string>): Record<string, string> {
  const { iss, ...rest } = params;
  expect(iss, `no iss in ${JSON.stringify(params)}`).toMatch(new RegExp(`^${BASE.replace(/\./g, "\\.")}(/oauth2/[A-Za-z0-9]+)?$`));
  return rest;
}

/** Asserts an authorization error response redirected to the client: exactly error, error_description and state. */
export function expectRedirectError(
  res: Response,
  error: string,
  description: string,
  o: { state?: string; mode?: "query" | "fragment"; redirectUri?: string } = {},
): void {
  const params = redirectParams(res, o.mode ?? "query", o.redirectUri);
  expect(params).toEqual({ error, error_description: description, ...(o.state === undefined ? {} : { state: o.state }) });
}

/** Escapes like the server's pages do, to look for text in them. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!);
}

/** The security headers every hosted page carries (sign-in, consent, errors, signed out). */
export function expectPageHeaders(res: Response): void {
  expect(res.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
  const csp = res.headers.get("Content-Security-Policy") ?? "";
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("default-src 'none'");
  expect(res.headers.get("X-Frame-Options")).toBe("DENY");
  expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
  expect(res.headers.get("Referrer-Policy")).toBe("no-referrer");
  expect(res.headers.get("Cache-Control")).toBe("no-store");
}

/**
 * Asserts an error that is shown to the person rather than redirected (RFC 6749 4.1.2.1: the client or its
 * redirect_uri cannot be trusted): a 400 HTML page with the error and its description, no redirect, no session.
 */
export async function expectErrorPage(res: Response, error: string, description: string, title = "Sign-in error"): Promise<string> {
  const html = await res.text();
  expect({ status: res.status, location: res.headers.get("Location") }).toEqual({ status: 400, location: null });
  expectPageHeaders(res);
  expect(html).toContain(`<title>${esc(title)}</title>`);
  expect(html).toContain(`<div class="card"><h1>${esc(title)}</h1><p class="error" role="alert"><code>${esc(error)}</code>: ${esc(description)}</p></div>`);
  expect(setCookieOf(res, SESSION_COOKIE)).toBeUndefined();
  return html;
}


/** Parameters of a code request for `client` with openid and a nonce; PKCE only when given. */
export function codeParams(client: Client, extra: Record<string, string> = {}): Record<string, string> {
  return {
    client_id: client.clientId,
    redirect_uri: REDIRECT,
    response_type: "code",
    scope: "openid profile email offline_access",
    state: `st-${crypto.randomUUID().slice(0, 8)}`,
    nonce: `n-${crypto.randomUUID().slice(0, 8)}`,
    ...extra,
  };
}

export interface FormPost {
  action: string;
  fields: Record<string, string>;
  html: string;
}

/** OAuth 2.0 Form Post Response Mode: an auto-submitting page whose only script runs by its CSP nonce. */
export async function formPost(res: Response): Promise<FormPost> {
  const html = await res.text();
  expect({ status: res.status, location: res.headers.get("Location") }).toEqual({ status: 200, location: null });
  expectPageHeaders(res);
  const nonce = /script-src 'nonce-([0-9A-Za-z]+)'/.exec(res.headers.get("Content-Security-Policy") ?? "")?.[1];
  expect(nonce).toBeTruthy();
  expect(html).toContain(`<script nonce="${nonce}">document.getElementById("f").submit()</script>`);
  expect(html.match(/<script/g)).toHaveLength(1);
  const action = /<form method="post" action="([^"]+)" id="f">/.exec(html)?.[1];
  const fields = Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, m[2]!]));
  return { action: action!, fields: withoutIss(fields), html };
}
