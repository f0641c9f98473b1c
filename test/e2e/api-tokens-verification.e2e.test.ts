import OktaJwtVerifier from "@okta/jwt-verifier";
import type { AuthorizationServer, OAuth2Scope } from "@okta/okta-sdk-nodejs";
import { createRemoteJWKSet, decodeProtectedHeader, errors as joseErrors, jwtVerify } from "jose";
import * as oauth from "oauth4webapi";
import * as client from "openid-client";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { rejection } from "./support/okta";
import { rotateClientSecret } from "./support/service-apps";
import { api, AUDIENCE, insecure, oauthErrorOf, oktaVerifier, ordersApi, secretOf, type ServiceApp } from "./support/orders-api";

// "Tokens for APIs": an admin sets up an API with Okta's SDK, a service gets a token with openid-client, and a
// resource server validates it locally with Okta's own verifier library (and with jose).
const baseUrl = inject("baseUrl");

describe("tokens for an API: set up with Okta's SDK, obtained with openid-client, verified by the resource server", () => {
  let server: AuthorizationServer;
  let issuer: string;
  let service: ServiceApp; // client_secret_basic
  let rotating: ServiceApp; // client_secret_post
  let rotatingBasic: ServiceApp; // client_secret_basic, its secret rotated
  let config: client.Configuration;
  let verifier: OktaJwtVerifier;
  const kid = `orders-worker-${crypto.randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    ({ server, issuer, service, rotating, rotatingBasic, config, verifier } = await ordersApi(kid));
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
