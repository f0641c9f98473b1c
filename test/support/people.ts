import { exports } from "cloudflare:workers";
import { createLocalJWKSet, jwtVerify, type JWTPayload } from "jose";
import { expect } from "vitest";
import { admin, BASE, call, createServer } from "./admin";
import { asBasic, createPolicy, FORM, oauthPost, tokenBody, type Client, type Json } from "./clients";

/**
 * Builders for the browser side of the authorization code flow: people, their assignments, OIDC web apps, an
 * authorization server whose policy lets people through, and the steps a browser takes (authorize, the sign-in
 * form, cookies, the redirect back to the client).
 */

export const PASSWORD = "Correct-Horse-7-battery";
export const REDIRECT = "https://app.example/callback";
export const LOGOUT_REDIRECT = "https://app.example/bye";
/** The BUILT_IN Everyone group seeded by schema.sql. */
export const EVERYONE = "00geveryone000000000";
export const SESSION_COOKIE = "__Host-mg_sid";
export const CSRF_COOKIE = "__Host-mg_csrf";

/** The sign-in page's one generic error (it never says which part was wrong). */
export const SIGN_IN_FAILED = "Unable to sign in. Check your username and password and try again.";
export const FORM_EXPIRED = "This sign-in form has expired or was not sent by this browser. Go back to the application and start again.";
export const LOGIN_REQUIRED = "The client specified not to prompt, but the user is not logged in.";
export const NOT_ASSIGNED = "User is not assigned to the client application.";
export const INVALID_CODE = "The authorization code is invalid or has expired.";
export const INVALID_REFRESH = "The refresh token is invalid or expired.";

// ---------------------------------------------------------------------------------------------------------------
// People, groups, assignments

export interface Person {
  user: Json;
  id: string;
  login: string;
  password: string;
}

export interface PersonOptions {
  /** Extra profile attributes (or overrides of the defaults). */
  profile?: Json;
  /** false: created STAGED (Okta activate=false). */
  activate?: boolean;
  password?: string;
}

export async function createPerson(o: PersonOptions = {}): Promise<Person> {
  const login = `p-${crypto.randomUUID()}@example.com`;
  const password = o.password ?? PASSWORD;
  const profile = { login, email: login, firstName: "Ada", lastName: "Lovelace", ...o.profile };
  const res = await admin(`/users?activate=${o.activate ?? true}`, { method: "POST", json: { profile, credentials: { password: { value: password } } } });
  const user = (await res.json()) as Json;
  if (res.status !== 200) throw new Error(`user create failed: ${res.status} ${JSON.stringify(user)}`);
  return { user, id: user.id, login: user.profile.login, password };
}

export async function userLifecycle(userId: string, op: "activate" | "deactivate" | "suspend" | "unsuspend"): Promise<void> {
  const res = await admin(`/users/${userId}/lifecycle/${op}`, { method: "POST" });
  expect(res.status, await res.clone().text()).toBe(200);
}

export async function createGroup(): Promise<Json> {
  const res = await admin("/groups", { method: "POST", json: { profile: { name: `group-${crypto.randomUUID()}` } } });
  const group = (await res.json()) as Json;
  if (res.status !== 200) throw new Error(`group create failed: ${res.status} ${JSON.stringify(group)}`);
  return group;
}

export async function addMember(groupId: string, userId: string): Promise<void> {
  const res = await admin(`/groups/${groupId}/users/${userId}`, { method: "PUT" });
  expect(res.status, await res.clone().text()).toBe(204);
}

export async function removeMember(groupId: string, userId: string): Promise<void> {
  const res = await admin(`/groups/${groupId}/users/${userId}`, { method: "DELETE" });
  expect(res.status, await res.clone().text()).toBe(204);
}

export async function assignUser(appId: string, userId: string): Promise<void> {
  const res = await admin(`/apps/${appId}/users`, { method: "POST", json: { id: userId } });
  expect(res.status, await res.clone().text()).toBe(200);
}

export async function assignGroup(appId: string, groupId: string): Promise<void> {
  const res = await admin(`/apps/${appId}/groups/${groupId}`, { method: "PUT", json: {} });
  expect(res.status, await res.clone().text()).toBe(200);
}

// ---------------------------------------------------------------------------------------------------------------
// OIDC apps

export interface WebAppOptions {
  label?: string;
  application_type?: "web" | "native" | "browser";
  method?: "client_secret_basic" | "client_secret_post" | "none";
  grant_types?: string[];
  response_types?: string[];
  redirect_uris?: string[];
  post_logout_redirect_uris?: string[];
  consent_method?: "TRUSTED" | "REQUIRED";
  pkce_required?: boolean;
}

/** An OIDC app a person signs in to: a web app with a secret, code and refresh grants, unless told otherwise. */
export async function createWebApp(o: WebAppOptions = {}): Promise<Client> {
  const body = {
    name: "oidc_client",
    label: o.label ?? `web-${crypto.randomUUID()}`,
    signOnMode: "OPENID_CONNECT",
    credentials: {
      oauthClient: {
        token_endpoint_auth_method: o.method ?? "client_secret_basic",
        ...(o.pkce_required === undefined ? {} : { pkce_required: o.pkce_required }),
      },
    },
    settings: {
      oauthClient: {
        application_type: o.application_type ?? "web",
        redirect_uris: o.redirect_uris ?? [REDIRECT],
        post_logout_redirect_uris: o.post_logout_redirect_uris ?? [LOGOUT_REDIRECT],
        grant_types: o.grant_types ?? ["authorization_code", "refresh_token"],
        response_types: o.response_types ?? ["code"],
        ...(o.consent_method ? { consent_method: o.consent_method } : {}),
      },
    },
  };
  const res = await admin("/apps", { method: "POST", json: body });
  const app = (await res.json()) as Json;
  if (res.status !== 201) throw new Error(`app create failed: ${res.status} ${JSON.stringify(app)}`);
  return { app, id: app.id, clientId: app.credentials.oauthClient.client_id, secret: app.credentials.oauthClient.client_secret };
}

/** An app with `person` assigned to it directly. */
export async function appFor(person: Person, o: WebAppOptions = {}): Promise<Client> {
  const client = await createWebApp(o);
  await assignUser(client.id, person.id);
  return client;
}

// ---------------------------------------------------------------------------------------------------------------
// Authorization servers for people

export interface PeopleRuleOptions {
  grantTypes?: string[];
  scopes?: string[];
  people?: Json;
  accessTokenLifetimeMinutes?: number;
  refreshTokenLifetimeMinutes?: number;
  refreshTokenWindowMinutes?: number;
  priority?: number;
  name?: string;
}

export function peopleRuleBody(o: PeopleRuleOptions = {}): Json {
  const token = {
    ...(o.accessTokenLifetimeMinutes !== undefined ? { accessTokenLifetimeMinutes: o.accessTokenLifetimeMinutes } : {}),
    ...(o.refreshTokenLifetimeMinutes !== undefined ? { refreshTokenLifetimeMinutes: o.refreshTokenLifetimeMinutes } : {}),
    ...(o.refreshTokenWindowMinutes !== undefined ? { refreshTokenWindowMinutes: o.refreshTokenWindowMinutes } : {}),
  };
  return {
    type: "RESOURCE_ACCESS",
    name: o.name ?? `rule-${crypto.randomUUID()}`,
    ...(o.priority ? { priority: o.priority } : {}),
    conditions: {
      ...(o.people ? { people: o.people } : {}),
      grantTypes: { include: o.grantTypes ?? ["authorization_code", "implicit", "refresh_token"] },
      scopes: { include: o.scopes ?? ["*"] },
    },
    ...(Object.keys(token).length ? { actions: { token } } : {}),
  };
}

export async function createPeopleRule(serverId: string, policyId: string, o: PeopleRuleOptions = {}): Promise<Json> {
  const res = await admin(`/authorizationServers/${serverId}/policies/${policyId}/rules`, { method: "POST", json: peopleRuleBody(o) });
  const rule = (await res.json()) as Json;
  if (res.status !== 201) throw new Error(`rule create failed: ${res.status} ${JSON.stringify(rule)}`);
  return rule;
}

export interface PeopleServer {
  server: Json;
  id: string;
  issuer: string;
  audience: string;
  policy: Json;
  rule: Json;
}

/**
 * A fresh custom authorization server with its system scopes (openid, profile, …), any extra scopes, one policy
 * for ALL_CLIENTS and one rule for people (code, implicit, refresh; any scope) unless `rule` says otherwise.
 */
export async function peopleServer(o: { name?: string; scopes?: Json[]; rule?: PeopleRuleOptions } = {}): Promise<PeopleServer> {
  const audience = `api://${crypto.randomUUID()}`;
  const server = await createServer({ audiences: [audience], ...(o.name ? { name: o.name } : {}) });
  for (const scope of o.scopes ?? []) {
    const res = await admin(`/authorizationServers/${server.id}/scopes`, { method: "POST", json: scope });
    if (res.status !== 201) throw new Error(`scope create failed: ${res.status} ${await res.text()}`);
  }
  const policy = await createPolicy(server.id);
  const rule = await createPeopleRule(server.id, policy.id, o.rule);
  return { server, id: server.id, issuer: `${BASE}/oauth2/${server.id}`, audience, policy, rule };
}

// ---------------------------------------------------------------------------------------------------------------
// PKCE and token hashes

/** RFC 7636 4.2: BASE64URL(SHA256(ASCII(code_verifier))). */
export async function s256(verifier: string): Promise<string> {
  return b64url(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
}

/** OIDC Core 3.3.2.11: the left half of the SHA-256, base64url (at_hash, c_hash). */
export async function halfHash(value: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(value)));
  return b64url(digest.slice(0, 16));
}

function b64url(bytes: ArrayBuffer | Uint8Array): string {
  return btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export interface Pkce {
  verifier: string;
  challenge: string;
}

export async function pkce(): Promise<Pkce> {
  const verifier = `${crypto.randomUUID()}-${crypto.randomUUID()}`.slice(0, 64);
  return { verifier, challenge: await s256(verifier) };
}

// ---------------------------------------------------------------------------------------------------------------
// The browser: cookies, authorize, the sign-in form

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
  if (mode === "query") {
    expect(url.hash).toBe("");
    const own = new Set(base.searchParams.keys());
    return Object.fromEntries([...url.searchParams].filter(([k]) => !own.has(k)));
  }
  expect(url.search).toBe(base.search);
  return Object.fromEntries(new URLSearchParams(url.hash.slice(1)));
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

// ---------------------------------------------------------------------------------------------------------------
// Codes and tokens

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

export interface Authorized {
  code: string;
  verifier: string;
  params: Record<string, string>;
  sid: string;
}

/** Signs `person` in (or reuses `sid`) and returns a PKCE-bound code for `client`. */
export async function codeFor(serverId: string, client: Client, person: Person, o: { extra?: Record<string, string>; sid?: string } = {}): Promise<Authorized> {
  const { verifier, challenge } = await pkce();
  const params = codeParams(client, { code_challenge: challenge, code_challenge_method: "S256", ...o.extra });
  let res: Response;
  let sid = o.sid;
  if (sid) {
    res = await authorize(serverId, params, { cookies: [sid] });
  } else {
    ({ res, sid } = await signIn(serverId, params, person));
  }
  const back = redirectParams(res);
  expect(back.state).toBe(params.state);
  expect(back.code, JSON.stringify(back)).toBeTruthy();
  return { code: back.code!, verifier, params, sid: sid! };
}

/** The client's authentication at the token endpoint: Basic for confidential clients, client_id for public ones. */
function clientAuth(client: Client): { headers: Record<string, string>; body: Record<string, string> } {
  return client.secret ? { headers: asBasic(client), body: {} } : { headers: {}, body: { client_id: client.clientId } };
}

/** Redeems a code (RFC 6749 4.1.3); absent options mean the matching values. */
export function redeem(serverId: string, client: Client, a: Pick<Authorized, "code" | "verifier">, o: { redirect_uri?: string | null; code_verifier?: string | null } = {}): Promise<Response> {
  const { headers, body } = clientAuth(client);
  const params: Record<string, string> = { grant_type: "authorization_code", code: a.code, ...body };
  const redirect = o.redirect_uri === undefined ? REDIRECT : o.redirect_uri;
  if (redirect !== null) params.redirect_uri = redirect;
  const verifier = o.code_verifier === undefined ? a.verifier : o.code_verifier;
  if (verifier !== null) params.code_verifier = verifier;
  return oauthPost(serverId, "token", params, headers);
}

export function refresh(serverId: string, client: Client, refreshToken: string, scope?: string): Promise<Response> {
  const { headers, body } = clientAuth(client);
  return oauthPost(serverId, "token", { grant_type: "refresh_token", refresh_token: refreshToken, ...(scope === undefined ? {} : { scope }), ...body }, headers);
}

/** Signs in and redeems the code: the token response of a whole code flow. */
export async function tokensFor(serverId: string, client: Client, person: Person, o: { extra?: Record<string, string>; sid?: string } = {}): Promise<Json & { sid: string }> {
  const a = await codeFor(serverId, client, person, o);
  return { ...(await tokenBody(await redeem(serverId, client, a))), sid: a.sid };
}

export async function verifyIdToken(serverId: string, idToken: string, clientId: string): Promise<JWTPayload> {
  const keys = createLocalJWKSet((await (await call(`/oauth2/${serverId}/v1/keys`)).json()) as never);
  const { payload } = await jwtVerify(idToken, keys, { issuer: `${BASE}/oauth2/${serverId}`, audience: clientId, algorithms: ["RS256"] });
  return payload;
}

export function userinfo(serverId: string, accessToken: string): Promise<Response> {
  return call(`/oauth2/${serverId}/v1/userinfo`, { headers: { Authorization: `Bearer ${accessToken}` } });
}
