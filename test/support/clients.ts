import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from "jose";
import { expect } from "vitest";
import { admin, BASE, call, createServer } from "./admin";

/** Builders for OAuth clients (OIDC apps), access policies and token-endpoint requests. */

export const FORM = "application/x-www-form-urlencoded";
export const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/** Okta's invalid_client wording when the client or its credentials are wrong (REFERENCE 7.6). */
export const CLIENT_AUTH_FAILED = "Client authentication failed. Either the client or the client credentials are invalid.";
/** Okta's access_denied wording when no policy rule matches (REFERENCE 7.6). */
export const POLICY_FAILED = "Policy evaluation failed for this request, please check the policy configurations.";
export const BASIC_CHALLENGE = 'Basic realm="Mintgate"';

export type Json = Record<string, any>;
export type Method = "client_secret_basic" | "client_secret_post" | "client_secret_jwt" | "private_key_jwt" | "none";

export interface AppOptions {
  label?: string;
  application_type?: "web" | "native" | "browser" | "service";
  grant_types?: string[];
  redirect_uris?: string[];
  method?: Method;
  client_id?: string;
  client_secret?: string;
  jwks?: { keys: JWK[] };
}

/** An OpenIdConnectApplication request body; a service app with client_credentials unless told otherwise. */
export function appBody(o: AppOptions = {}): Json {
  return {
    name: "oidc_client",
    label: o.label ?? `client-${crypto.randomUUID()}`,
    signOnMode: "OPENID_CONNECT",
    credentials: {
      oauthClient: {
        token_endpoint_auth_method: o.method ?? "client_secret_basic",
        ...(o.client_id ? { client_id: o.client_id } : {}),
        ...(o.client_secret ? { client_secret: o.client_secret } : {}),
      },
    },
    settings: {
      oauthClient: {
        application_type: o.application_type ?? "service",
        grant_types: o.grant_types ?? ["client_credentials"],
        ...(o.redirect_uris ? { redirect_uris: o.redirect_uris } : {}),
        ...(o.jwks ? { jwks: o.jwks } : {}),
      },
    },
  };
}

export interface Client {
  app: Json;
  id: string;
  clientId: string;
  /** Only for the secret methods: the secret from the create response. */
  secret: string;
}

export async function createApp(o: AppOptions = {}): Promise<Client> {
  const res = await admin("/apps", { method: "POST", json: appBody(o) });
  const app = (await res.json()) as Json;
  if (res.status !== 201) throw new Error(`app create failed: ${res.status} ${JSON.stringify(app)}`);
  return { app, id: app.id, clientId: app.credentials.oauthClient.client_id, secret: app.credentials.oauthClient.client_secret };
}

export const appLifecycle = (id: string, op: "activate" | "deactivate") => admin(`/apps/${id}/lifecycle/${op}`, { method: "POST" });

/** RFC 6749 2.3.1: client_id and client_secret are each form-urlencoded, joined by ':' and base64-encoded. */
export function basicAuth(clientId: string, secret: string): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, "+");
  return `Basic ${btoa(`${enc(clientId)}:${enc(secret)}`)}`;
}

export type Endpoint = "token" | "introspect" | "revoke";

/** A form POST to one of a server's OAuth endpoints. */
export function oauthPost(
  serverId: string,
  endpoint: Endpoint,
  params: Record<string, string> | string,
  headers: Record<string, string> = {},
): Promise<Response> {
  const body = typeof params === "string" ? params : new URLSearchParams(params).toString();
  return call(`/oauth2/${serverId}/v1/${endpoint}`, { method: "POST", headers: { "Content-Type": FORM, ...headers }, body });
}

/** A request authenticated as `client` with client_secret_basic. */
export const asBasic = (client: Pick<Client, "clientId" | "secret">) => ({ Authorization: basicAuth(client.clientId, client.secret) });

export const endpointUrl = (serverId: string, endpoint: Endpoint) => `${BASE}/oauth2/${serverId}/v1/${endpoint}`;

/** client_credentials with client_secret_basic. */
export function clientCredentials(serverId: string, client: Pick<Client, "clientId" | "secret">, scope?: string): Promise<Response> {
  return oauthPost(serverId, "token", { grant_type: "client_credentials", ...(scope === undefined ? {} : { scope }) }, asBasic(client));
}

/** A successful token response's body, after checking the status. */
export async function tokenBody(res: Response): Promise<Json> {
  const body = (await res.json()) as Json;
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body;
}

export async function mintToken(serverId: string, client: Pick<Client, "clientId" | "secret">, scope?: string): Promise<string> {
  return (await tokenBody(await clientCredentials(serverId, client, scope))).access_token;
}

/** Asserts an RFC 6749 5.2 error: status, the whole body, no-store headers and the WWW-Authenticate challenge (or its absence). */
export async function expectOAuthError(
  res: Response,
  status: number,
  error: string,
  description: string,
  opts: { wwwAuthenticate?: string } = {},
): Promise<void> {
  const body = await res.json();
  expect({ status: res.status, body }).toEqual({ status, body: { error, error_description: description } });
  expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
  expect(res.headers.get("Cache-Control")).toBe("no-store");
  expect(res.headers.get("Pragma")).toBe("no-cache");
  expect(res.headers.get("WWW-Authenticate")).toBe(opts.wwwAuthenticate ?? null);
}

async function created(res: Response, what: string): Promise<Json> {
  const body = (await res.json()) as Json;
  if (res.status !== 201) throw new Error(`${what} create failed: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

export async function createScope(serverId: string, body: Json): Promise<Json> {
  return created(await admin(`/authorizationServers/${serverId}/scopes`, { method: "POST", json: body }), "scope");
}

export interface PolicyOptions {
  clients?: string[];
  priority?: number;
  status?: "ACTIVE" | "INACTIVE";
  name?: string;
}

export async function createPolicy(serverId: string, o: PolicyOptions = {}): Promise<Json> {
  const name = o.name ?? `policy-${crypto.randomUUID()}`;
  const json = {
    type: "OAUTH_AUTHORIZATION_POLICY",
    name,
    description: name,
    ...(o.priority ? { priority: o.priority } : {}),
    ...(o.status ? { status: o.status } : {}),
    conditions: { clients: { include: o.clients ?? ["ALL_CLIENTS"] } },
  };
  return created(await admin(`/authorizationServers/${serverId}/policies`, { method: "POST", json }), "policy");
}

export interface RuleOptions {
  grantTypes?: string[];
  scopes?: string[];
  /** Absent: the rule's default (60 minutes). */
  accessTokenLifetimeMinutes?: number;
  priority?: number;
  status?: "ACTIVE" | "INACTIVE";
  name?: string;
}

export function ruleBody(o: RuleOptions = {}): Json {
  return {
    type: "RESOURCE_ACCESS",
    name: o.name ?? `rule-${crypto.randomUUID()}`,
    ...(o.priority ? { priority: o.priority } : {}),
    ...(o.status ? { status: o.status } : {}),
    conditions: { grantTypes: { include: o.grantTypes ?? ["client_credentials"] }, scopes: { include: o.scopes ?? ["*"] } },
    ...(o.accessTokenLifetimeMinutes ? { actions: { token: { accessTokenLifetimeMinutes: o.accessTokenLifetimeMinutes } } } : {}),
  };
}

export async function createRule(serverId: string, policyId: string, o: RuleOptions = {}): Promise<Json> {
  return created(await admin(`/authorizationServers/${serverId}/policies/${policyId}/rules`, { method: "POST", json: ruleBody(o) }), "rule");
}

export interface ReadyServer {
  server: Json;
  id: string;
  audience: string;
  policy: Json;
  rule: Json;
}

/**
 * A fresh authorization server that can mint client_credentials tokens: its own scopes, one policy for
 * ALL_CLIENTS and one rule for client_credentials and any scope.
 */
export async function readyServer(o: { scopes?: string[]; audience?: string; rule?: RuleOptions } = {}): Promise<ReadyServer> {
  const audience = o.audience ?? `api://${crypto.randomUUID()}`;
  const server = await createServer({ audiences: [audience] });
  for (const name of o.scopes ?? ["orders:read"]) await createScope(server.id, { name });
  const policy = await createPolicy(server.id);
  const rule = await createRule(server.id, policy.id, o.rule);
  return { server, id: server.id, audience, policy, rule };
}

/** The kid of the server's ACTIVE signing key, from the admin API. */
export async function activeKid(serverId: string): Promise<string> {
  const res = await admin(`/authorizationServers/${serverId}/credentials/keys`);
  const keys = (await res.json()) as Json[];
  return keys.find((k) => k.status === "ACTIVE")!.kid;
}

export async function introspect(serverId: string, client: Pick<Client, "clientId" | "secret">, token: string): Promise<Json> {
  const res = await oauthPost(serverId, "introspect", { token }, asBasic(client));
  const body = (await res.json()) as Json;
  expect(res.status, JSON.stringify(body)).toBe(200);
  expect(res.headers.get("Cache-Control")).toBe("no-store");
  return body;
}

export interface KeyPair {
  privateKey: CryptoKey;
  publicJwk: JWK;
  alg: string;
  kid: string;
}

/** A client key pair for private_key_jwt; the public JWK is what the client registers. */
export async function clientKeyPair(alg: "RS256" | "ES256", kid = `${alg}-${crypto.randomUUID()}`): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: "sig" }, alg, kid };
}

export interface AssertionOptions {
  clientId: string;
  aud: string;
  alg?: string;
  kid?: string;
  /** Seconds from now; ignored when exp is given. */
  expiresIn?: number;
  exp?: number;
  /** null: no jti claim. */
  jti?: string | number | null;
  iss?: string;
  sub?: string;
}

/** An RFC 7523 client assertion, signed with an HMAC secret (client_secret_jwt) or a private key (private_key_jwt). */
export async function clientAssertion(key: CryptoKey | string, o: AssertionOptions): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const payload: Json = {};
  if (o.jti !== null) payload.jti = o.jti ?? crypto.randomUUID();
  const jwt = new SignJWT(payload)
    .setProtectedHeader({ alg: o.alg ?? (typeof key === "string" ? "HS256" : "RS256"), ...(o.kid ? { kid: o.kid } : {}) })
    .setIssuer(o.iss ?? o.clientId)
    .setSubject(o.sub ?? o.clientId)
    .setAudience(o.aud)
    .setIssuedAt(now)
    .setExpirationTime(o.exp ?? now + (o.expiresIn ?? 300));
  return jwt.sign(typeof key === "string" ? new TextEncoder().encode(key) : key);
}

/** The form parameters that carry a client assertion. */
export const assertionParams = (assertion: string) => ({ client_assertion_type: JWT_BEARER, client_assertion: assertion });
