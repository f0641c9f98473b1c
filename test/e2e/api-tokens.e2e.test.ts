import OktaJwtVerifier from "@okta/jwt-verifier";
import type {
  AuthorizationServer,
  AuthorizationServerPolicy,
  AuthorizationServerPolicyRule,
  AuthorizationServerPolicyRuleRequest,
  OAuth2Scope,
  OpenIdConnectApplication,
} from "@okta/okta-sdk-nodejs";
import { createRemoteJWKSet, decodeProtectedHeader, errors as joseErrors, exportJWK, generateKeyPair, jwtVerify } from "jose";
import * as oauth from "oauth4webapi";
import * as client from "openid-client";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { all, oktaClient, rejection, serverBody } from "./support/okta";
import { rotateClientSecret, serviceAppBody } from "./support/service-apps";

// "Tokens for APIs": an admin sets up an API with Okta's SDK, a service gets a token with openid-client, and a
// resource server validates it locally with Okta's own verifier library (and with jose).
const baseUrl = inject("baseUrl");
const { client: okta, api } = oktaClient();
const AUDIENCE = "api://orders";
// The local server speaks plain http; both OAuth libraries refuse it unless told otherwise.
const insecure = { execute: [client.allowInsecureRequests] };

interface ServiceApp {
  app: OpenIdConnectApplication;
  clientId: string;
}

const createServiceApp = async (...args: Parameters<typeof serviceAppBody>): Promise<ServiceApp> => {
  const app = (await okta.applicationApi.createApplication({ application: serviceAppBody(...args) })) as OpenIdConnectApplication;
  return { app, clientId: app.credentials.oauthClient!.client_id! };
};
const secretOf = (s: ServiceApp) => s.app.credentials.oauthClient!.client_secret!;

/**
 * A resource server's verifier trusting `issuer`, kept for the whole file as a resource server keeps it (with its
 * JWKS cache). The testing flag is the library's own switch for http issuers; it warns once per verifier.
 */
const oktaVerifier = (issuer: string) => new OktaJwtVerifier({ issuer, testing: { disableHttpsCheck: true } });

/** What openid-client surfaces for an OAuth error response: a ResponseBodyError carrying the parsed body. */
async function oauthErrorOf(p: Promise<unknown>) {
  const err = await rejection(p);
  expect(err).toBeInstanceOf(client.ResponseBodyError);
  const e = err as client.ResponseBodyError;
  return { status: e.status, error: e.error, body: e.cause, cacheControl: e.response.headers.get("cache-control") };
}

describe("tokens for an API: set up with Okta's SDK, obtained with openid-client, verified by the resource server", () => {
  let server: AuthorizationServer;
  let issuer: string;
  let readScope: OAuth2Scope;
  let writeScope: OAuth2Scope;
  let service: ServiceApp; // client_secret_basic
  let keyed: ServiceApp; // private_key_jwt
  let rotating: ServiceApp; // client_secret_post
  let rotatingBasic: ServiceApp; // client_secret_basic, its secret rotated
  let privateKey: CryptoKey;
  const kid = `orders-worker-${crypto.randomUUID().slice(0, 8)}`;
  let policy: AuthorizationServerPolicy;
  let rule: AuthorizationServerPolicyRule;
  let config: client.Configuration;
  let verifier: OktaJwtVerifier;

  beforeAll(async () => {
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
  });

  describe("the admin's setup through Okta's management SDK", () => {
    it("creates an authorization server for the API with audience api://orders and reads it back", async () => {
      expect(server).toMatchObject({ audiences: [AUDIENCE], issuer: `${baseUrl}/oauth2/${server.id}`, status: "ACTIVE" });
      expect(await api.getAuthorizationServer({ authServerId: server.id! })).toEqual(server);
    });

    it("creates the orders:read and orders:write scopes and lists and gets them back", async () => {
      for (const [scope, name] of [[readScope, "orders:read"], [writeScope, "orders:write"]] as const) {
        // The SDK's OAuth2Scope model names the wire's `default` field `_default`.
        expect(scope).toMatchObject({ name, system: false, _default: false, consent: "IMPLICIT" });
        expect(await api.getOAuth2Scope({ authServerId: server.id!, scopeId: scope.id! })).toEqual(scope);
      }
      const listed = await all<OAuth2Scope>(await api.listOAuth2Scopes({ authServerId: server.id!, q: "orders:" }));
      expect(listed.map((s) => s.name).sort()).toEqual(["orders:read", "orders:write"]);
    });

    it("creates service apps as OpenIdConnectApplications, returning the secret once, and gets them back without it", async () => {
      expect(service.app).toMatchObject({
        name: "oidc_client",
        signOnMode: "OPENID_CONNECT",
        status: "ACTIVE",
        credentials: { oauthClient: { token_endpoint_auth_method: "client_secret_basic" } },
        settings: { oauthClient: { application_type: "service", grant_types: ["client_credentials"] } },
      });
      expect(secretOf(service)).toMatch(/^[\x21-\x7e]{14,100}$/);
      const fetched = (await okta.applicationApi.getApplication({ appId: service.app.id! })) as OpenIdConnectApplication;
      expect(fetched.credentials.oauthClient).toMatchObject({ client_id: service.clientId, token_endpoint_auth_method: "client_secret_basic" });
      expect(fetched.credentials.oauthClient!.client_secret).toBeUndefined();

      const worker = (await okta.applicationApi.getApplication({ appId: keyed.app.id! })) as OpenIdConnectApplication;
      expect(worker.credentials.oauthClient).toMatchObject({ client_id: keyed.clientId, token_endpoint_auth_method: "private_key_jwt" });
      expect(worker.credentials.oauthClient!.client_secret).toBeUndefined();
      expect(worker.settings.oauthClient!.jwks!.keys!.map((k) => (k as { kid?: string }).kid)).toEqual([kid]);
    });

    it("creates a policy for the service clients and a client_credentials rule for orders:read, and reads both back", async () => {
      expect(policy).toMatchObject({ type: "OAUTH_AUTHORIZATION_POLICY", status: "ACTIVE", name: "Orders services", priority: 1 });
      expect(policy.conditions!.clients!.include).toEqual([service.clientId, keyed.clientId, rotating.clientId, rotatingBasic.clientId]);
      expect(await api.getAuthorizationServerPolicy({ authServerId: server.id!, policyId: policy.id! })).toEqual(policy);
      const policies = await all<AuthorizationServerPolicy>(await api.listAuthorizationServerPolicies({ authServerId: server.id! }));
      expect(policies.map((p) => p.id)).toEqual([policy.id]);

      expect(rule).toMatchObject({
        type: "RESOURCE_ACCESS",
        status: "ACTIVE",
        name: "Services may read orders",
        conditions: { grantTypes: { include: ["client_credentials"] }, scopes: { include: ["orders:read"] } },
        actions: { token: { accessTokenLifetimeMinutes: 15 } },
      });
      expect(await api.getAuthorizationServerPolicyRule({ authServerId: server.id!, policyId: policy.id!, ruleId: rule.id! })).toEqual(rule);
      const rules = await all<AuthorizationServerPolicyRule>(
        await api.listAuthorizationServerPolicyRules({ authServerId: server.id!, policyId: policy.id! }),
      );
      expect(rules.map((r) => r.id)).toEqual([rule.id]);
    });
  });

  describe("a service getting tokens with openid-client", () => {
    it("discovers the API's server under its issuer", () => {
      const meta = config.serverMetadata();
      expect(meta.issuer).toBe(issuer);
      expect(meta.token_endpoint).toBe(`${issuer}/v1/token`);
      expect(meta.jwks_uri).toBe(`${issuer}/v1/keys`);
      expect(meta.introspection_endpoint).toBe(`${issuer}/v1/introspect`);
      expect(meta.revocation_endpoint).toBe(`${issuer}/v1/revoke`);
    });

    it("gets an orders:read access token with client_secret_basic, living the rule's 15 minutes", async () => {
      const tokens = await client.clientCredentialsGrant(config, { scope: "orders:read" });
      expect(tokens.token_type).toBe("bearer"); // openid-client lower-cases it
      expect(tokens.expires_in).toBe(900);
      expect(tokens.expiresIn()).toBeGreaterThan(890);
      expect(tokens.scope).toBe("orders:read");
      expect(tokens.refresh_token).toBeUndefined();
      expect(tokens.id_token).toBeUndefined();
      expect(decodeProtectedHeader(tokens.access_token)).toMatchObject({ alg: "RS256", kid: server.credentials!.signing!.kid });
    });

    it("introspects the token as active with its scope, client_id and exp, and as inactive once revoked", async () => {
      const { access_token } = await client.clientCredentialsGrant(config, { scope: "orders:read" });
      const active = await client.tokenIntrospection(config, access_token);
      const now = Math.floor(Date.now() / 1000);
      expect(active).toMatchObject({
        active: true,
        token_type: "Bearer",
        scope: "orders:read",
        client_id: service.clientId,
        sub: service.clientId,
        iss: issuer,
        aud: AUDIENCE,
        jti: expect.stringMatching(/^AT\./),
      });
      expect(active.exp! - active.iat!).toBe(900);
      expect(active.exp!).toBeGreaterThan(now);

      await client.tokenRevocation(config, access_token, { token_type_hint: "access_token" });
      expect(await client.tokenIntrospection(config, access_token)).toEqual({ active: false });
    });

    it("refuses orders:write, which the policy's rule does not grant, with access_denied", async () => {
      expect(await oauthErrorOf(client.clientCredentialsGrant(config, { scope: "orders:write" }))).toEqual({
        status: 400,
        error: "access_denied",
        body: { error: "access_denied", error_description: "Policy evaluation failed for this request, please check the policy configurations." },
        cacheControl: "no-store",
      });
    });

    it("refuses a scope the server does not define with invalid_scope", async () => {
      expect(await oauthErrorOf(client.clientCredentialsGrant(config, { scope: "orders:delete" }))).toEqual({
        status: 400,
        error: "invalid_scope",
        body: { error: "invalid_scope", error_description: "One or more scopes are not configured for the authorization server resource." },
        cacheControl: "no-store",
      });
    });

    it("gets a token with private_key_jwt through openid-client's PrivateKeyJwt, the assertion addressed to the token endpoint", async () => {
      const tokenEndpoint = config.serverMetadata().token_endpoint!;
      // Okta: a client assertion's aud is the endpoint invoked; openid-client addresses it to the issuer by default.
      const auth = client.PrivateKeyJwt(
        { key: privateKey, kid },
        { [client.modifyAssertion]: (_header, payload) => void (payload.aud = tokenEndpoint) },
      );
      const worker = await client.discovery(new URL(issuer), keyed.clientId, undefined, auth, insecure);
      const tokens = await client.clientCredentialsGrant(worker, { scope: "orders:read" });
      expect(tokens).toMatchObject({ token_type: "bearer", expires_in: 900, scope: "orders:read" });
      const { claims } = await verifier.verifyAccessToken(tokens.access_token, AUDIENCE);
      expect(claims).toMatchObject({ cid: keyed.clientId, sub: keyed.clientId, scp: ["orders:read"] });
    });

    it("refuses a private_key_jwt assertion addressed to the issuer rather than the endpoint with invalid_client", async () => {
      const worker = await client.discovery(new URL(issuer), keyed.clientId, undefined, client.PrivateKeyJwt({ key: privateKey, kid }), insecure);
      expect(await oauthErrorOf(client.clientCredentialsGrant(worker, { scope: "orders:read" }))).toEqual({
        status: 401,
        error: "invalid_client",
        body: { error: "invalid_client", error_description: "The audience claim for client_assertion must be the endpoint invoked for the request." },
        cacheControl: "no-store",
      });
    });
  });

  describe("a resource server validating tokens locally", () => {
    let token: string;
    let defaultToken: string;

    beforeAll(async () => {
      ({ access_token: token } = await client.clientCredentialsGrant(config, { scope: "orders:read" }));
      // The same service also gets a token from the `default` server (its shipped policy allows every client).
      const onDefault = await api.createOAuth2Scope({
        authServerId: "default",
        oAuth2Scope: { name: `e2e:orders:${crypto.randomUUID().slice(0, 8)}`, consent: "IMPLICIT", metadataPublish: "NO_CLIENTS" } as OAuth2Scope,
      });
      const defaultConfig = await client.discovery(
        new URL(`${baseUrl}/oauth2/default`),
        service.clientId,
        secretOf(service),
        client.ClientSecretBasic(secretOf(service)),
        insecure,
      );
      ({ access_token: defaultToken } = await client.clientCredentialsGrant(defaultConfig, { scope: onDefault.name! }));
    });

    it("verifies the token with Okta's @okta/jwt-verifier and exposes scp, cid and sub", async () => {
      const jwt = await verifier.verifyAccessToken(token, AUDIENCE);
      expect(jwt.header).toMatchObject({ alg: "RS256", kid: server.credentials!.signing!.kid });
      expect(jwt.claims).toMatchObject({
        ver: 1,
        iss: issuer,
        aud: AUDIENCE,
        scp: ["orders:read"],
        cid: service.clientId,
        sub: service.clientId,
        jti: expect.stringMatching(/^AT\./),
      });
      expect(jwt.claims.uid).toBeUndefined();
      expect(jwt.claims.exp - jwt.claims.iat!).toBe(900);
      expect(jwt.isExpired()).toBe(false);
    });

    it("verifies the token with jose against the jwks_uri from discovery, for the issuer and the audience", async () => {
      const jwks = createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri!));
      const { payload, protectedHeader } = await jwtVerify(token, jwks, { issuer, audience: AUDIENCE, algorithms: ["RS256"] });
      expect(protectedHeader.kid).toBe(server.credentials!.signing!.kid);
      expect(payload).toMatchObject({ scp: ["orders:read"], cid: service.clientId, sub: service.clientId });
      expect(payload.exp! - payload.iat!).toBe(900);
    });

    it("rejects a token of the default server with Okta's verifier configured for the API's server", async () => {
      // The default server's own verifier accepts it, so the refusal below is about which server issued it.
      const fromDefault = await oktaVerifier(`${baseUrl}/oauth2/default`).verifyAccessToken(defaultToken, "api://default");
      expect(fromDefault.claims).toMatchObject({ iss: `${baseUrl}/oauth2/default`, cid: service.clientId });
      // The API's JWKS has no key with that kid (servers never share keys), so njwt's key resolver fails.
      const err = await rejection(verifier.verifyAccessToken(defaultToken, AUDIENCE));
      expect(err.message).toBe(`Error while resolving signing key for kid "${decodeProtectedHeader(defaultToken).kid}"`);
      expect(err.innerError.name).toBe("SigningKeyNotFoundError");
    });

    it("rejects a token of the default server with jose configured for the API's server", async () => {
      const ours = createRemoteJWKSet(new URL(`${issuer}/v1/keys`));
      await expect(jwtVerify(defaultToken, ours, { issuer, audience: AUDIENCE })).rejects.toBeInstanceOf(joseErrors.JWKSNoMatchingKey);
      // Even with the default server's keys, it is not a token of this issuer for this audience.
      const theirs = createRemoteJWKSet(new URL(`${baseUrl}/oauth2/default/v1/keys`));
      const err = await rejection(jwtVerify(defaultToken, theirs, { issuer, audience: AUDIENCE }));
      expect(err).toBeInstanceOf(joseErrors.JWTClaimValidationFailed);
      expect((err as joseErrors.JWTClaimValidationFailed).claim).toBe("iss");
    });

    it("introspects the default server's token as inactive at the API's server", async () => {
      expect(await client.tokenIntrospection(config, defaultToken)).toEqual({ active: false });
    });
  });

  describe("client secret rotation", () => {
    /** A client configuration on the already discovered metadata, with the given secret and client auth method. */
    const withSecret = (app: ServiceApp, secret: string, auth: (secret: string) => client.ClientAuth) => {
      const cfg = new client.Configuration(config.serverMetadata(), app.clientId, secret, auth(secret));
      client.allowInsecureRequests(cfg);
      return cfg;
    };
    const postConfig = (secret: string) => withSecret(rotating, secret, client.ClientSecretPost);
    const basicConfig = (secret: string) => withSecret(rotatingBasic, secret, client.ClientSecretBasic);

    it("makes the old secret fail with invalid_client and the new one work after newSecret", async () => {
      const oldSecret = secretOf(rotating);
      await client.clientCredentialsGrant(postConfig(oldSecret), { scope: "orders:read" });

      const rotated = await rotateClientSecret(rotating.clientId);
      expect(rotated.status).toBe(200);
      expect(rotated.headers.get("cache-control")).toBe("no-store");
      expect(rotated.body).toMatchObject({
        client_id: rotating.clientId,
        client_secret: expect.stringMatching(/^[\x21-\x7e]{14,100}$/),
        client_secret_expires_at: 0,
        token_endpoint_auth_method: "client_secret_post",
        grant_types: ["client_credentials"],
      });
      const newSecret = rotated.body.client_secret as string;
      expect(newSecret).not.toBe(oldSecret);

      expect(await oauthErrorOf(client.clientCredentialsGrant(postConfig(oldSecret), { scope: "orders:read" }))).toEqual({
        status: 401,
        error: "invalid_client",
        body: { error: "invalid_client", error_description: "Client authentication failed. Either the client or the client credentials are invalid." },
        cacheControl: "no-store",
      });
      const tokens = await client.clientCredentialsGrant(postConfig(newSecret), { scope: "orders:read" });
      expect(tokens.scope).toBe("orders:read");
    });

    it("answers an old client_secret_basic secret with a Basic challenge that openid-client surfaces, the body saying invalid_client", async () => {
      const scope = "orders:read";
      const oldConfig = basicConfig(secretOf(rotatingBasic));
      await client.clientCredentialsGrant(oldConfig, { scope });

      const rotated = await rotateClientSecret(rotatingBasic.clientId);
      expect(rotated.status).toBe(200);

      // RFC 6749 5.2: a client that authenticated with the Authorization header gets a 401 with WWW-Authenticate,
      // which openid-client reports as a challenge before it reads the body.
      const err = await rejection(client.clientCredentialsGrant(oldConfig, { scope }));
      expect(err).toBeInstanceOf(client.WWWAuthenticateChallengeError);
      const challenge = err as client.WWWAuthenticateChallengeError;
      expect(challenge.status).toBe(401);
      expect(challenge.cause.map((c) => c.scheme)).toEqual(["basic"]);
      expect(await challenge.response.json()).toEqual({
        error: "invalid_client",
        error_description: "Client authentication failed. Either the client or the client credentials are invalid.",
      });
      await expect(client.clientCredentialsGrant(basicConfig(rotated.body.client_secret), { scope })).resolves.toMatchObject({ scope });
    });
  });

  describe("a second, independent client library: oauth4webapi", () => {
    it("gets and processes a client_credentials token against the discovery document", async () => {
      const issuerUrl = new URL(issuer);
      const options = { [oauth.allowInsecureRequests]: true };
      const as = await oauth.processDiscoveryResponse(issuerUrl, await oauth.discoveryRequest(issuerUrl, options));
      const oauthClient: oauth.Client = { client_id: service.clientId };
      const response = await oauth.clientCredentialsGrantRequest(
        as,
        oauthClient,
        oauth.ClientSecretBasic(secretOf(service)),
        new URLSearchParams({ scope: "orders:read" }),
        options,
      );
      const result = await oauth.processClientCredentialsResponse(as, oauthClient, response);
      expect(result).toMatchObject({ token_type: "bearer", expires_in: 900, scope: "orders:read" });
      const { claims } = await verifier.verifyAccessToken(result.access_token, AUDIENCE);
      expect(claims).toMatchObject({ cid: service.clientId, scp: ["orders:read"] });
    });
  });
});
