import OktaJwtVerifier from "@okta/jwt-verifier";
import type {
  AuthorizationServer,
  AuthorizationServerPolicy,
  AuthorizationServerPolicyRule,
  AuthorizationServerPolicyRuleRequest,
  OAuth2Scope,
  OpenIdConnectApplication,
} from "@okta/okta-sdk-nodejs";
import { exportJWK, generateKeyPair } from "jose";
import * as client from "openid-client";
import { expect } from "vitest";
import { oktaClient, rejection, serverBody } from "./okta";
import { serviceAppBody } from "./service-apps";

// "Tokens for APIs": the orders API an admin sets up with Okta's SDK, shared by the api-tokens e2e files.
export const { client: okta, api } = oktaClient();
export const AUDIENCE = "api://orders";
// The local server speaks plain http; both OAuth libraries refuse it unless told otherwise.
export const insecure = { execute: [client.allowInsecureRequests] };

export interface ServiceApp {
  app: OpenIdConnectApplication;
  clientId: string;
}

export const createServiceApp = async (...args: Parameters<typeof serviceAppBody>): Promise<ServiceApp> => {
  const app = (await okta.applicationApi.createApplication({ application: serviceAppBody(...args) })) as OpenIdConnectApplication;
  return { app, clientId: app.credentials.oauthClient!.client_id! };
};
export const secretOf = (s: ServiceApp) => s.app.credentials.oauthClient!.client_secret!;

/**
 * A resource server's verifier trusting `issuer`, kept for the whole file as a resource server keeps it (with its
 * JWKS cache). The testing flag is the library's own switch for http issuers; it warns once per verifier.
 */
export const oktaVerifier = (issuer: string) => new OktaJwtVerifier({ issuer, testing: { disableHttpsCheck: true } });

/** What openid-client surfaces for an OAuth error response: a ResponseBodyError carrying the parsed body. */
export async function oauthErrorOf(p: Promise<unknown>) {
  const err = await rejection(p);
  expect(err).toBeInstanceOf(client.ResponseBodyError);
  const e = err as client.ResponseBodyError;
  return { status: e.status, error: e.error, body: e.cause, cacheControl: e.response.headers.get("cache-control") };
}

export interface OrdersApi {
  server: AuthorizationServer;
  issuer: string;
  readScope: OAuth2Scope;
  writeScope: OAuth2Scope;
  /** client_secret_basic */
  service: ServiceApp;
  /** private_key_jwt, its public key registered under `kid` */
  keyed: ServiceApp;
  /** client_secret_post */
  rotating: ServiceApp;
  /** client_secret_basic, its secret rotated */
  rotatingBasic: ServiceApp;
  privateKey: CryptoKey;
  policy: AuthorizationServerPolicy;
  rule: AuthorizationServerPolicyRule;
  /** openid-client's discovery for `service` */
  config: client.Configuration;
  verifier: OktaJwtVerifier;
}

/**
 * The orders API: a server with audience api://orders, scopes orders:read and orders:write, four service apps,
 * and a policy for them whose one rule grants client_credentials for orders:read (15-minute tokens).
 */
export async function ordersApi(kid: string): Promise<OrdersApi> {
  let server: AuthorizationServer;
  let issuer: string;
  let readScope: OAuth2Scope;
  let writeScope: OAuth2Scope;
  let service: ServiceApp;
  let keyed: ServiceApp;
  let rotating: ServiceApp;
  let rotatingBasic: ServiceApp;
  let privateKey: CryptoKey;
  let policy: AuthorizationServerPolicy;
  let rule: AuthorizationServerPolicyRule;
  let config: client.Configuration;
  let verifier: OktaJwtVerifier;
  server = await api.createAuthorizationServer({ authorizationServer: serverBody("orders-api", { audiences: [AUDIENCE] }) });
  issuer = server.issuer!;
  const authServerId = server.id!;
  const keys = await generateKeyPair("RS256");
  privateKey = keys.privateKey;
  const jwk = { ...(await exportJWK(keys.publicKey)), kid, alg: "RS256", use: "sig" };
  [readScope, writeScope, service, keyed, rotating, rotatingBasic] = await Promise.all([
    api.createOAuth2Scope({ authServerId, oAuth2Scope: { name: "orders:read", description: "Read orders", consent: "IMPLICIT" } as OAuth2Scope }),
    api.createOAuth2Scope({ authServerId, oAuth2Scope: { name: "orders:write", description: "Write orders", consent: "IMPLICIT" } as OAuth2Scope }),
    createServiceApp("orders-service", "client_secret_basic"),
    createServiceApp("orders-worker", "private_key_jwt", { keys: [jwk] }),
    createServiceApp("orders-rotating", "client_secret_post"),
    createServiceApp("orders-rotating-basic", "client_secret_basic"),
  ]);
  policy = await api.createAuthorizationServerPolicy({
    authServerId,
    policy: {
      type: "OAUTH_AUTHORIZATION_POLICY",
      name: "Orders services",
      description: "Machine clients of the orders API",
      priority: 1,
      conditions: { clients: { include: [service.clientId, keyed.clientId, rotating.clientId, rotatingBasic.clientId] } },
    } as AuthorizationServerPolicy,
  });
  rule = await api.createAuthorizationServerPolicyRule({
    authServerId,
    policyId: policy.id!,
    policyRule: {
      type: "RESOURCE_ACCESS",
      name: "Services may read orders",
      priority: 1,
      conditions: {
        people: { groups: { include: ["EVERYONE"] } },
        grantTypes: { include: ["client_credentials"] },
        scopes: { include: ["orders:read"] },
      },
      actions: { token: { accessTokenLifetimeMinutes: 15, refreshTokenLifetimeMinutes: 0, refreshTokenWindowMinutes: 10080 } },
    } as AuthorizationServerPolicyRuleRequest,
  });
  config = await client.discovery(new URL(issuer), service.clientId, secretOf(service), client.ClientSecretBasic(secretOf(service)), insecure);
  verifier = oktaVerifier(issuer);
  return { server, issuer, readScope, writeScope, service, keyed, rotating, rotatingBasic, privateKey, policy, rule, config, verifier };
}
