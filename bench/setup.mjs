// Mintgate's side of the bench, set up as an operator and a person would: the admin API (SSWS) for servers,
// scopes, policies, rules, apps and a user; the hosted sign-in page once; then the real authorization code flow
// for every one-time credential a scenario consumes.
import { createHash, randomBytes } from "node:crypto";

export const REDIRECT_URI = "https://bench.example/callback";
export const SCOPE = "bench:read";
const PASSWORD = "Correct-Horse-7-battery";
const FORM = "application/x-www-form-urlencoded";

export const basic = (id, secret) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString("base64")}`;
const s256 = (v) => createHash("sha256").update(v).digest("base64url");

function adminApi(base, token) {
  return async (method, path, body) => {
    const res = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: { Authorization: `SSWS ${token}`, Accept: "application/json", ...(body ? { "Content-Type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} /api/v1${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
}

/** An authorization server with one scope, one policy for all clients and one rule for the given grants. */
async function benchServer(api, name, grantTypes, signing) {
  const audience = `api://${name}`;
  const server = await api("POST", "/authorizationServers", {
    name,
    description: "bench",
    audiences: [audience],
    ...(signing ? { credentials: { signing } } : {}),
  });
  await api("POST", `/authorizationServers/${server.id}/scopes`, { name: SCOPE });
  const policy = await api("POST", `/authorizationServers/${server.id}/policies`, {
    type: "OAUTH_AUTHORIZATION_POLICY",
    name: "bench",
    description: "bench",
    conditions: { clients: { include: ["ALL_CLIENTS"] } },
  });
  await api("POST", `/authorizationServers/${server.id}/policies/${policy.id}/rules`, {
    type: "RESOURCE_ACCESS",
    name: "bench",
    conditions: { grantTypes: { include: grantTypes }, scopes: { include: ["*"] } },
  });
  return { id: server.id, audience };
}

async function oidcApp(api, label, settings) {
  const app = await api("POST", "/apps", {
    name: "oidc_client",
    label,
    signOnMode: "OPENID_CONNECT",
    credentials: { oauthClient: { token_endpoint_auth_method: "client_secret_basic" } },
    settings: { oauthClient: settings },
  });
  return { id: app.id, clientId: app.credentials.oauthClient.client_id, secret: app.credentials.oauthClient.client_secret };
}

export async function token(base, serverId, client, params) {
  const res = await fetch(`${base}/oauth2/${serverId}/v1/token`, {
    method: "POST",
    headers: { "Content-Type": FORM, Authorization: basic(client.clientId, client.secret) },
    body: new URLSearchParams(params).toString(),
  });
  const body = await res.json();
  if (res.status !== 200) throw new Error(`token (${params.grant_type}) on ${serverId}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

/**
 * The servers and clients: `rs` on default settings (RS256) and `es` with ES256 for client_credentials; `rs`
 * also serves the person's web app (authorization_code, refresh_token). Returns what the scenarios need.
 */
export async function setupMintgate(base, adminToken) {
  const api = adminApi(base, adminToken);
  const rs = await benchServer(api, "bench-rs256", ["client_credentials", "authorization_code", "refresh_token"]);
  const es = await benchServer(api, "bench-es256", ["client_credentials"], { alg: "ES256" });
  const service = await oidcApp(api, "bench-service", { application_type: "service", grant_types: ["client_credentials"] });
  // Okta's dpop_bound_access_tokens: every token request must carry a DPoP proof (RFC 9449).
  const dpopService = await oidcApp(api, "bench-dpop-service", { application_type: "service", grant_types: ["client_credentials"], dpop_bound_access_tokens: true });
  const web = await oidcApp(api, "bench-web", {
    application_type: "web",
    redirect_uris: [REDIRECT_URI],
    grant_types: ["authorization_code", "refresh_token"],
    response_types: ["code"],
  });
  const login = "bench.user@example.com";
  const user = await api("POST", "/users?activate=true", {
    profile: { login, email: login, firstName: "Bench", lastName: "User" },
    credentials: { password: { value: PASSWORD } },
  });
  await api("POST", `/apps/${web.id}/users`, { id: user.id });
  // A JWT access token for the introspection scenario (60 minutes: it outlives the run).
  // The first token of a new server is a cold path: its key snapshot comes from its Durable Object.
  const firstTokenMs = {};
  let t = performance.now();
  const introspectToken = (await token(base, rs.id, service, { grant_type: "client_credentials", scope: SCOPE })).access_token;
  firstTokenMs.rs256 = performance.now() - t;
  t = performance.now();
  await token(base, es.id, service, { grant_type: "client_credentials", scope: SCOPE });
  firstTokenMs.es256 = performance.now() - t;
  const verifier = randomBytes(48).toString("base64url");
  const people = { serverId: rs.id, web, user: { login, password: PASSWORD }, verifier, challenge: s256(verifier) };
  people.sessionCookie = await signIn(base, people);
  return { rs, es, service, dpopService, web, introspectToken, people, firstTokenMs, signatures: await signaturesPerResponse(base, people) };
}

export function authorizeUrl(base, p) {
  const q = new URLSearchParams({
    client_id: p.web.clientId,
    redirect_uri: REDIRECT_URI,
    response_type: "code",
    scope: `openid profile offline_access ${SCOPE}`,
    state: "bench",
    nonce: "bench",
    code_challenge: p.challenge,
    code_challenge_method: "S256",
  });
  return `${base}/oauth2/${p.serverId}/v1/authorize?${q}`;
}

export const cookiePair = (res, name) => res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`))?.split(";")[0];

export function codeFrom(res) {
  const location = res.headers.get("Location");
  const code = location && new URL(location).searchParams.get("code");
  if (res.status !== 302 || !code) throw new Error(`authorize did not redirect with a code: ${res.status} ${location}`);
  return code;
}

/** The hosted sign-in page, once: the form's transaction and CSRF token, the password, the session cookie. */
async function signIn(base, p) {
  const page = await fetch(authorizeUrl(base, p), { redirect: "manual" });
  const html = await page.text();
  const tx = /name="tx" value="([^"]+)"/.exec(html)?.[1];
  const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
  // __Host- since issue 11 (security finding 5); the plain names for a bundle built before it (BENCH_SCRIPT).
  const csrfCookie = cookiePair(page, "__Host-mg_csrf") ?? cookiePair(page, "mg_csrf");
  if (page.status !== 200 || !tx || !csrf || !csrfCookie) throw new Error(`no sign-in form: ${page.status} ${html.slice(0, 300)}`);
  const res = await fetch(`${base}/oauth2/${p.serverId}/v1/authorize/signin`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": FORM, Cookie: csrfCookie },
    body: new URLSearchParams({ tx, csrf, username: p.user.login, password: p.user.password }).toString(),
  });
  codeFrom(res);
  const sid = cookiePair(res, "__Host-mg_sid") ?? cookiePair(res, "mg_sid");
  if (!sid) throw new Error("sign-in set no session cookie");
  return sid;
}

const JWS = /^[\w-]+\.[\w-]+\.[\w-]+$/;
const jwtCount = (body) => ["access_token", "id_token"].filter((k) => JWS.test(body[k] ?? "")).length;

/** How many JWTs one code redemption and one refresh answer carry: each is one signature on the hot path. */
async function signaturesPerResponse(base, p) {
  const [code] = await mintCodes(base, p, 1);
  const first = await token(base, p.serverId, p.web, { grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI, code_verifier: p.verifier });
  const next = await token(base, p.serverId, p.web, { grant_type: "refresh_token", refresh_token: first.refresh_token });
  return { auth_code: jwtCount(first), refresh: jwtCount(next) };
}

/** Runs `n` tasks with at most `concurrency` in flight. */
async function pool(n, concurrency, task) {
  const out = new Array(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await task(i);
      }
    }),
  );
  return out;
}

/** `n` authorization codes: the signed-in browser's authorize request, answered at once with a redirect. */
export function mintCodes(base, p, n, concurrency = 16) {
  return pool(n, concurrency, async () => codeFrom(await fetch(authorizeUrl(base, p), { redirect: "manual", headers: { Cookie: p.sessionCookie } })));
}

/** The body of the token request that redeems `code`, as the web app sends it (PKCE, client_secret_basic). */
export const codeRedemptionParams = (p) => ({ suffix: `&redirect_uri=${encodeURIComponent(REDIRECT_URI)}&code_verifier=${p.verifier}` });

/** `n` refresh tokens, each the start of its own rotation chain: a code flow with offline_access per token. */
export async function mintRefreshTokens(base, p, n, concurrency = 8) {
  const codes = await mintCodes(base, p, n, concurrency);
  return pool(n, concurrency, async (i) => {
    const t = await token(base, p.serverId, p.web, { grant_type: "authorization_code", code: codes[i], redirect_uri: REDIRECT_URI, code_verifier: p.verifier });
    if (!t.refresh_token) throw new Error("no refresh token: is offline_access granted?");
    return t.refresh_token;
  });
}
