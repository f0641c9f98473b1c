import { Client, type OpenIdConnectApplication } from "@okta/okta-sdk-nodejs";
import { exportJWK, exportPKCS8, generateKeyPair, SignJWT, type JWK } from "jose";
import { expect, inject } from "vitest";
import { adminJson } from "./okta";
import { serviceAppBody } from "./service-apps";

/**
 * OAuth 2.0 for Okta's admin API, end to end: a private_key_jwt service app created and granted okta.* scopes
 * with the admin's API token, and Okta's management SDK in its PrivateKey authorization mode.
 */

export interface KeyedServiceApp {
  id: string;
  clientId: string;
  kid: string;
  privateKey: CryptoKey;
  /** The private key as the SDK takes it: a JWK (with kid and alg), or a PKCS#8 PEM. */
  privateJwk: JWK;
  privatePem: string;
}

const json = (body: unknown): RequestInit => ({ method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });

/** POST /api/v1/apps/{appId}/grants for each scope, with the admin's SSWS token. */
export async function grantScopes(appId: string, scopes: string[]): Promise<void> {
  for (const scopeId of scopes) {
    const res = await adminJson(`/apps/${appId}/grants`, json({ issuer: inject("baseUrl"), scopeId }));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }
}

/** A service app (client_credentials, private_key_jwt with a fresh RSA key) granted these okta.* scopes. */
export async function keyedServiceApp(label: string, scopes: string[]): Promise<KeyedServiceApp> {
  const kid = `${label}-${crypto.randomUUID().slice(0, 8)}`;
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" };
  const res = await adminJson("/apps", json(serviceAppBody(label, "private_key_jwt", { keys: [publicJwk] })));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const app = res.body as OpenIdConnectApplication;
  await grantScopes(app.id!, scopes);
  return {
    id: app.id!,
    clientId: app.credentials.oauthClient!.client_id!,
    kid,
    privateKey,
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: "RS256" },
    privatePem: await exportPKCS8(privateKey),
  };
}

/** A service app with a client secret (client_secret_basic), e.g. a resource server that introspects tokens. */
export async function secretServiceApp(label: string): Promise<{ clientId: string; secret: string }> {
  const res = await adminJson("/apps", json(serviceAppBody(label, "client_secret_basic")));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const app = res.body as OpenIdConnectApplication;
  return { clientId: app.credentials.oauthClient!.client_id!, secret: app.credentials.oauthClient!.client_secret! };
}

export interface SentRequest {
  method: string;
  url: string;
  /** The Authorization scheme the SDK sent ("Bearer", "SSWS", …), or null. */
  scheme: string | null;
}

/**
 * Okta's management SDK in PrivateKey mode for `app`: it signs a client assertion, gets an org access token with
 * client_credentials at /oauth2/v1/token and sends it as a Bearer token. Every request it sends is recorded.
 */
export function oauthOktaClient(app: KeyedServiceApp, scopes: string[], key: "jwk" | "pem" = "jwk") {
  const client = new Client({
    orgUrl: inject("baseUrl"),
    authorizationMode: "PrivateKey",
    clientId: app.clientId,
    scopes,
    // The SDK takes a JWK (object or JSON string) or a PEM; with a PEM the kid comes from keyId.
    privateKey: key === "jwk" ? (app.privateJwk as Record<string, unknown>) : app.privatePem,
    keyId: app.kid,
  });
  const requests: SentRequest[] = [];
  client.requestExecutor.on("request", (r: { method?: string; url: string; headers?: Record<string, string> }) => {
    const auth = r.headers?.Authorization ?? r.headers?.authorization;
    requests.push({ method: (r.method ?? "GET").toUpperCase(), url: r.url, scheme: auth ? auth.split(" ")[0]! : null });
  });
  return { client, api: client.authorizationServerApi, requests };
}

/** A private_key_jwt client assertion for `app`, addressed to one of the org server's endpoints (Okta). */
export async function orgAssertion(app: KeyedServiceApp, endpoint: "token" | "introspect" | "revoke"): Promise<Record<string, string>> {
  const assertion = await new SignJWT({ jti: crypto.randomUUID() })
    .setProtectedHeader({ alg: "RS256", kid: app.kid })
    .setIssuer(app.clientId)
    .setSubject(app.clientId)
    .setAudience(`${inject("baseUrl")}/oauth2/v1/${endpoint}`)
    .setIssuedAt()
    .setExpirationTime("5m")
    .sign(app.privateKey);
  return { client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", client_assertion: assertion };
}

/** A form POST to one of the org server's endpoints. */
export async function orgForm(endpoint: "token" | "introspect" | "revoke", params: Record<string, string>): Promise<{ status: number; headers: Headers; body: any }> {
  const res = await fetch(`${inject("baseUrl")}/oauth2/v1/${endpoint}`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
    body: new URLSearchParams(params).toString(),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}
