import { decodeProtectedHeader } from "jose";
import { expect } from "vitest";
import { admin, BASE, call } from "./admin";
import { asBasic, assertionParams, clientAssertion, clientKeyPair, createApp, FORM, type Client, type Json, type KeyPair } from "./clients";
import { formPage, pkce, redirectParams, REDIRECT, submitSignIn, type Person } from "./people";

/**
 * Builders for the org authorization server (endpoints under /oauth2/v1, issuer = the org URL) and for OAuth 2.0
 * access to the admin API: service apps with private_key_jwt, their okta.* scope grants, and bearer calls.
 */

export type OrgEndpoint = "token" | "introspect" | "revoke";

export const orgUrl = (endpoint: OrgEndpoint) => `${BASE}/oauth2/v1/${endpoint}`;

/** A form POST to one of the org server's endpoints. */
export function orgPost(endpoint: OrgEndpoint, params: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  return call(`/oauth2/v1/${endpoint}`, { method: "POST", headers: { "Content-Type": FORM, ...headers }, body: new URLSearchParams(params).toString() });
}

/** POST /api/v1/apps/{appId}/grants: grants an okta.* scope of the org server to the app. */
export function grantScope(appId: string, scopeId: string, issuer = BASE): Promise<Response> {
  return admin(`/apps/${appId}/grants`, { method: "POST", json: { issuer, scopeId } });
}

export async function grantScopes(appId: string, scopes: string[]): Promise<Json[]> {
  const grants: Json[] = [];
  for (const scopeId of scopes) {
    const res = await grantScope(appId, scopeId);
    const body = (await res.json()) as Json;
    expect(res.status, JSON.stringify(body)).toBe(201);
    grants.push(body);
  }
  return grants;
}

export interface ServiceApp extends Client {
  key: KeyPair;
}

/** A service app (client_credentials, private_key_jwt with one RSA key) granted these okta.* scopes. */
export async function serviceApp(scopes: string[] = []): Promise<ServiceApp> {
  const key = await clientKeyPair("RS256");
  const client = await createApp({ method: "private_key_jwt", application_type: "service", grant_types: ["client_credentials"], jwks: { keys: [key.publicJwk] } });
  await grantScopes(client.id, scopes);
  return { ...client, key };
}

/** The client_assertion form parameters for `app` at one of the org server's endpoints. */
export async function orgAssertion(app: ServiceApp, endpoint: OrgEndpoint): Promise<Record<string, string>> {
  return assertionParams(await clientAssertion(app.key.privateKey, { clientId: app.clientId, aud: orgUrl(endpoint), alg: app.key.alg, kid: app.key.kid }));
}

/** client_credentials at the org server, authenticated with a fresh private_key_jwt assertion. */
export async function orgClientCredentials(app: ServiceApp, scope: string): Promise<Response> {
  return orgPost("token", { grant_type: "client_credentials", scope, ...(await orgAssertion(app, "token")) });
}

/** An org access token for `app` with these scopes, after checking the token response. */
export async function orgToken(app: ServiceApp, scope: string): Promise<string> {
  const res = await orgClientCredentials(app, scope);
  const body = (await res.json()) as Json;
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body.access_token;
}

/** An admin API request (path under /api/v1) with `Authorization: Bearer <token>`. */
export function asBearer(token: string, path: string, init: RequestInit & { json?: unknown } = {}): Promise<Response> {
  return admin(path, { ...init, headers: { ...Object.fromEntries(new Headers(init.headers)), Authorization: `Bearer ${token}` } });
}

/** The org server's RFC 6750 challenge for a bad token on the admin API. */
export const INVALID_TOKEN_CHALLENGE =
  `Bearer authorization_uri="${BASE}/oauth2/v1/authorize", realm="${BASE}", error="invalid_token", error_description="The access token is invalid."`;

/** The org server's RFC 6750 challenge for a token without the scope a route needs. */
export const insufficientScope = (scope: string) =>
  `Bearer authorization_uri="${BASE}/oauth2/v1/authorize", realm="${BASE}", scope="${scope}", error="insufficient_scope", error_description="The access token provided does not contain the required scopes."`;

/** The kid in a JWT's protected header. */
export const kidOf = (jwt: string) => decodeProtectedHeader(jwt).kid;

/** The kids the org server publishes at /oauth2/v1/keys. */
export async function orgKids(): Promise<string[]> {
  const res = await call("/oauth2/v1/keys");
  expect(res.status).toBe(200);
  return ((await res.json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);
}

/**
 * A person's authorization code flow at the org server: GET /oauth2/v1/authorize, the sign-in form (posted to
 * /oauth2/v1/authorize/signin), then the code redeemed at /oauth2/v1/token with PKCE. Returns the token response.
 */
export async function orgTokensFor(client: Client, person: Person, scope: string): Promise<Json> {
  const { verifier, challenge } = await pkce();
  const params = {
    client_id: client.clientId,
    redirect_uri: REDIRECT,
    response_type: "code",
    scope,
    state: `st-${crypto.randomUUID().slice(0, 8)}`,
    nonce: `n-${crypto.randomUUID().slice(0, 8)}`,
    code_challenge: challenge,
    code_challenge_method: "S256",
  };
  const page = await formPage(await call(`/oauth2/v1/authorize?${new URLSearchParams(params)}`));
  expect(page.action).toBe("/oauth2/v1/authorize/signin");
  const back = redirectParams(await submitSignIn(page, person.login, person.password));
  expect(back.state).toBe(params.state);
  expect(back.code, JSON.stringify(back)).toBeTruthy();
  const res = await orgPost("token", { grant_type: "authorization_code", code: back.code!, redirect_uri: REDIRECT, code_verifier: verifier }, asBasic(client));
  const body = (await res.json()) as Json;
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body;
}
