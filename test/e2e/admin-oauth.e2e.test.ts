import { OktaApiError, type AuthorizationServer, type User } from "@okta/okta-sdk-nodejs";
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, errors as joseErrors, jwtVerify } from "jose";
import * as client from "openid-client";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { keyedServiceApp, oauthOktaClient, orgAssertion, orgForm, secretServiceApp, type KeyedServiceApp } from "./support/admin-oauth";
import { all, rejection, serverBody } from "./support/okta";

// "OAuth 2.0 for Okta's admin API": an admin grants a service app okta.* scopes with an API token; from then on
// the service manages authorization servers with Okta's own SDK in PrivateKey mode, holding only its private key.
const baseUrl = inject("baseUrl");
const READ = "okta.authorizationServers.read";
const MANAGE = "okta.authorizationServers.manage";
const FORBIDDEN = "You do not have permission to perform the requested action";
const insecure = { execute: [client.allowInsecureRequests] };

function expectOktaError(err: unknown, status: number, errorCode: string, errorSummary: string, causes: string[] = []): OktaApiError {
  expect(err).toBeInstanceOf(OktaApiError);
  const e = err as OktaApiError;
  expect({ status: e.status, errorCode: e.errorCode, errorSummary: e.errorSummary, errorLink: e.errorLink, errorCauses: e.errorCauses }).toEqual({
    status,
    errorCode,
    errorSummary,
    errorLink: errorCode,
    errorCauses: causes.map((errorSummary) => ({ errorSummary })),
  });
  expect(e.errorId).toMatch(/^oae[0-9A-Za-z]{22}$/);
  return e;
}

/** RFC 6750 3: the challenge for a token without the scope a route needs. */
const insufficientScope = (scope: string) =>
  `Bearer authorization_uri="${baseUrl}/oauth2/v1/authorize", realm="${baseUrl}", scope="${scope}", error="insufficient_scope", error_description="The access token provided does not contain the required scopes."`;

describe("Okta's management SDK with OAuth 2.0 (authorizationMode PrivateKey)", () => {
  let app: KeyedServiceApp;
  let sdk: ReturnType<typeof oauthOktaClient>;

  beforeAll(async () => {
    app = await keyedServiceApp("sdk-admin", [READ, MANAGE]);
    sdk = oauthOktaClient(app, [READ, MANAGE]);
  });

  it("creates, lists, updates, deactivates, activates and deletes an authorization server", async () => {
    const { api, requests } = sdk;
    const created = await api.createAuthorizationServer({ authorizationServer: serverBody("oauth-sdk") });
    expect(created).toMatchObject({ name: expect.stringContaining("oauth-sdk"), status: "ACTIVE", issuer: `${baseUrl}/oauth2/${created.id}` });
    const authServerId = created.id!;

    const listed = await all<AuthorizationServer>(await api.listAuthorizationServers({ q: created.name! }));
    expect(listed.map((s) => s.id)).toEqual([authServerId]);

    const replaced = await api.replaceAuthorizationServer({
      authServerId,
      authorizationServer: { name: created.name!, description: "managed with an OAuth token", audiences: ["api://e2e/oauth-sdk-v2"] } as AuthorizationServer,
    });
    expect(replaced).toMatchObject({ id: authServerId, description: "managed with an OAuth token", audiences: ["api://e2e/oauth-sdk-v2"] });

    await api.deactivateAuthorizationServer({ authServerId });
    expect((await api.getAuthorizationServer({ authServerId })).status).toBe("INACTIVE");
    await api.activateAuthorizationServer({ authServerId });
    expect((await api.getAuthorizationServer({ authServerId })).status).toBe("ACTIVE");

    await api.deactivateAuthorizationServer({ authServerId });
    await api.deleteAuthorizationServer({ authServerId });
    expectOktaError(await rejection(api.getAuthorizationServer({ authServerId })), 404, "E0000007", `Not found: Resource not found: ${authServerId} (AuthorizationServer)`);

    // One token request (client_credentials with a client assertion), then every admin call with that Bearer token.
    expect(requests[0]).toEqual({ method: "POST", url: `${baseUrl}/oauth2/v1/token`, scheme: null });
    expect(requests.filter((r) => r.url.endsWith("/oauth2/v1/token"))).toHaveLength(1);
    const apiCalls = requests.filter((r) => r.url.startsWith(`${baseUrl}/api/v1/`));
    expect(apiCalls.length).toBeGreaterThanOrEqual(9);
    expect(new Set(apiCalls.map((r) => r.scheme))).toEqual(new Set(["Bearer"]));
  });

  it("holds an org access token with exactly the scopes it asked for", async () => {
    const { access_token, scope, token_type } = await sdk.client.oauth.getAccessToken();
    expect({ scope, token_type }).toEqual({ scope: `${READ} ${MANAGE}`, token_type: "Bearer" });
    expect(decodeJwt(access_token)).toMatchObject({ iss: baseUrl, aud: baseUrl, sub: app.clientId, cid: app.clientId, scp: [READ, MANAGE] });
  });

  it("cannot list users: its token lacks okta.users.read (403 E0000006, insufficient_scope)", async () => {
    const err = expectOktaError(await rejection((async () => all<User>(await sdk.client.userApi.listUsers()))()), 403, "E0000006", FORBIDDEN);
    expect(err.headers.get("www-authenticate")).toBe(insufficientScope("okta.users.read"));
  });

  it("cannot change the org authorization server, even with okta.authorizationServers.manage", async () => {
    expectOktaError(await rejection(sdk.api.deleteAuthorizationServer({ authServerId: "org" })), 403, "E0000006", FORBIDDEN, [
      "The org authorization server cannot be customized: it has no custom audience, scopes, claims or policies.",
    ]);
  });

  it("works as well with the private key as a PKCS#8 PEM and keyId", async () => {
    const pem = oauthOktaClient(app, [READ], "pem");
    const servers = await all<AuthorizationServer>(await pem.api.listAuthorizationServers({ q: "default" }));
    expect(servers.map((s) => s.id)).toContain("default");
    expect((await pem.client.oauth.getAccessToken()).scope).toBe(READ);
  });

  it("gets no token when it asks for a scope the app was not granted, so its calls fail with 401 E0000011", async () => {
    const greedy = oauthOktaClient(app, [READ, "okta.users.read"]);
    const err = expectOktaError(await rejection(greedy.api.getAuthorizationServer({ authServerId: "default" })), 401, "E0000011", "Invalid token provided");
    expect(err.url).toBe(`${baseUrl}/api/v1/authorizationServers/default`);
    // SDK v8.1.0 does not surface token endpoint errors (oauth.js calls an undefined Http.errorFilter): it keeps the
    // error body as its "token", sends the call anyway, and after the 401 tries once more before giving up.
    expect(greedy.requests.map((r) => `${r.method} ${r.url.replace(baseUrl, "")}`)).toEqual([
      "POST /oauth2/v1/token",
      "GET /api/v1/authorizationServers/default",
      "POST /oauth2/v1/token",
      "GET /api/v1/authorizationServers/default",
    ]);
    // The token endpoint's own answer, in OAuth's dialect.
    const res = await orgForm("token", { grant_type: "client_credentials", scope: `${READ} okta.users.read`, ...(await orgAssertion(app, "token")) });
    expect({ status: res.status, body: res.body, cacheControl: res.headers.get("cache-control") }).toEqual({
      status: 400,
      body: { error: "invalid_scope", error_description: "The following scopes are not granted to the client application: [okta.users.read]." },
      cacheControl: "no-store",
    });
  });
});

describe("a resource server validating an org access token", () => {
  let app: KeyedServiceApp;
  let token: string;
  let resourceServer: client.Configuration;

  beforeAll(async () => {
    app = await keyedServiceApp("sdk-validated", [READ]);
    // The token the SDK itself obtained and sends.
    token = (await oauthOktaClient(app, [READ]).client.oauth.getAccessToken()).access_token;
    const rs = await secretServiceApp("org-introspector");
    resourceServer = await client.discovery(new URL(baseUrl), rs.clientId, rs.secret, client.ClientSecretBasic(rs.secret), insecure);
  });

  it("introspects it at the org server's /oauth2/v1/introspect: active, with its scope and client_id", async () => {
    expect(resourceServer.serverMetadata().introspection_endpoint).toBe(`${baseUrl}/oauth2/v1/introspect`);
    const info = await client.tokenIntrospection(resourceServer, token);
    const claims = decodeJwt(token);
    expect(info).toMatchObject({ active: true, token_type: "Bearer", scope: READ, client_id: app.clientId, sub: app.clientId, iss: baseUrl, aud: baseUrl, exp: claims.exp, jti: claims.jti });
  });

  it("cannot verify it locally: its kid is not in the org's published JWKS", async () => {
    const jwksUri = resourceServer.serverMetadata().jwks_uri!;
    expect(jwksUri).toBe(`${baseUrl}/oauth2/v1/keys`);
    const keys = (await (await fetch(jwksUri)).json()) as { keys: { kid: string }[] };
    const kid = decodeProtectedHeader(token).kid;
    expect(kid).toBeTruthy();
    expect(keys.keys.length).toBeGreaterThan(0);
    expect(keys.keys.map((k) => k.kid)).not.toContain(kid);
    const err = await rejection(jwtVerify(token, createRemoteJWKSet(new URL(jwksUri)), { issuer: baseUrl, audience: baseUrl }));
    expect(err).toBeInstanceOf(joseErrors.JWKSNoMatchingKey);
  });

  it("is inactive at a custom server's introspection endpoint (default)", async () => {
    const rs = await secretServiceApp("default-introspector");
    const atDefault = await client.discovery(new URL(`${baseUrl}/oauth2/default`), rs.clientId, rs.secret, client.ClientSecretBasic(rs.secret), insecure);
    expect(await client.tokenIntrospection(atDefault, token)).toEqual({ active: false });
  });

  it("is inactive once its client revokes it, and the SDK then gets a fresh token by itself", async () => {
    const sdk = oauthOktaClient(app, [READ]);
    const first = (await sdk.client.oauth.getAccessToken()).access_token;
    const revoked = await orgForm("revoke", { token: first, token_type_hint: "access_token", ...(await orgAssertion(app, "revoke")) });
    expect(revoked.status).toBe(200);
    expect(await client.tokenIntrospection(resourceServer, first)).toEqual({ active: false });

    // The SDK's cached token now gets 401 E0000011; it drops it, asks for a new one and retries once.
    const s = await sdk.api.getAuthorizationServer({ authServerId: "default" });
    expect(s.id).toBe("default");
    const second = (await sdk.client.oauth.getAccessToken()).access_token;
    expect(second).not.toBe(first);
    expect(sdk.requests.map((r) => `${r.method} ${r.url.replace(baseUrl, "")} ${r.scheme}`)).toEqual([
      "POST /oauth2/v1/token null",
      "GET /api/v1/authorizationServers/default Bearer",
      "POST /oauth2/v1/token null",
      "GET /api/v1/authorizationServers/default Bearer",
    ]);
  });
});
