import OktaJwtVerifier from "@okta/jwt-verifier";
import type { AuthorizationServer, AuthorizationServerPolicy, AuthorizationServerPolicyRule, OAuth2Scope, OpenIdConnectApplication } from "@okta/okta-sdk-nodejs";
import { decodeProtectedHeader } from "jose";
import * as client from "openid-client";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { all } from "./support/okta";
import { api, AUDIENCE, insecure, oauthErrorOf, okta, ordersApi, secretOf, type ServiceApp } from "./support/orders-api";

// "Tokens for APIs": an admin sets up an API with Okta's SDK, a service gets a token with openid-client, and a
// resource server validates it locally with Okta's own verifier library (and with jose).
const baseUrl = inject("baseUrl");

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
  let policy: AuthorizationServerPolicy;
  let rule: AuthorizationServerPolicyRule;
  let config: client.Configuration;
  let verifier: OktaJwtVerifier;
  const kid = `orders-worker-${crypto.randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    ({ server, issuer, readScope, writeScope, service, keyed, rotating, rotatingBasic, privateKey, policy, rule, config, verifier } = await ordersApi(kid));
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

});
