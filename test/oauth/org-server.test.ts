import { createLocalJWKSet, decodeJwt, errors as joseErrors, jwtVerify } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { admin, BASE, call } from "../support/admin";
import {
  asBasic,
  assertionParams,
  BASIC_CHALLENGE,
  clientAssertion,
  createApp,
  createScope,
  endpointUrl,
  expectOAuthError,
  introspect,
  mintToken,
  oauthPost,
  type Client,
  type Json,
} from "../support/clients";
import { expectOktaError } from "../support/fixtures";
import { grantScopes, kidOf, orgAssertion, orgClientCredentials, orgKids, orgPost, orgToken, orgTokensFor, serviceApp, type ServiceApp } from "../support/org";
import { assignUser, createPerson, createWebApp, expectRedirectError, formPage, pkce, REDIRECT, submitSignIn } from "../support/people";

const NOT_GRANTED = (scopes: string) => `The following scopes are not granted to the client application: [${scopes}].`;
const NOT_CONFIGURED = "One or more scopes are not configured for the authorization server resource.";

describe("admin API scopes at the org authorization server", () => {
  let app: ServiceApp;

  beforeAll(async () => {
    app = await serviceApp(["okta.users.read", "okta.apps.read"]);
  });

  it("issues the granted okta.* scopes to a private_key_jwt service app", async () => {
    const res = await orgClientCredentials(app, "okta.users.read okta.apps.read");
    const body = (await res.json()) as Json;
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect(body).toEqual({ token_type: "Bearer", expires_in: 3600, access_token: expect.any(String), scope: "okta.users.read okta.apps.read" });
  });

  it("refuses an okta.* scope that was not granted to the app", async () => {
    await expectOAuthError(await orgClientCredentials(app, "okta.users.read okta.groups.read"), 400, "invalid_scope", NOT_GRANTED("okta.groups.read"));
  });

  const PKJ_ONLY = "Client Credentials requests to the Org Authorization Server must use the private_key_jwt token_endpoint_auth_method.";

  it("refuses okta.* scopes to a client_secret_basic client, with the Basic challenge (private_key_jwt only)", async () => {
    const secretApp = await createApp({ method: "client_secret_basic" });
    await grantScopes(secretApp.id, ["okta.users.read"]);
    // RFC 6749 5.2: an invalid_client answer to a client that used the Authorization header carries its challenge.
    await expectOAuthError(await orgPost("token", { grant_type: "client_credentials", scope: "okta.users.read" }, asBasic(secretApp)), 401, "invalid_client", PKJ_ONLY, {
      wwwAuthenticate: BASIC_CHALLENGE,
    });
  });

  it("refuses okta.* scopes to a client_secret_post client (private_key_jwt only)", async () => {
    const secretApp = await createApp({ method: "client_secret_post" });
    await grantScopes(secretApp.id, ["okta.users.read"]);
    const params = { grant_type: "client_credentials", scope: "okta.users.read", client_id: secretApp.clientId, client_secret: secretApp.secret };
    await expectOAuthError(await orgPost("token", params), 401, "invalid_client", PKJ_ONLY);
  });

  it.each([["openid"], ["openid okta.users.read"], ["profile"]])("refuses %s with client credentials, in Okta's words", async (scope) => {
    const first = scope.split(" ")[0];
    await expectOAuthError(await orgClientCredentials(app, scope), 400, "invalid_scope", `Cannot request '${first}' scopes using client credentials.`);
  });

  it("refuses a scope the org server does not have", async () => {
    await expectOAuthError(await orgClientCredentials(app, "orders:read"), 400, "invalid_scope", NOT_CONFIGURED);
  });

  it("refuses okta.* scopes at a custom authorization server (default), granted or not", async () => {
    const assertion = await clientAssertion(app.key.privateKey, { clientId: app.clientId, aud: endpointUrl("default", "token"), alg: app.key.alg, kid: app.key.kid });
    await expectOAuthError(
      await oauthPost("default", "token", { grant_type: "client_credentials", scope: "okta.users.read", ...assertionParams(assertion) }),
      400,
      "invalid_scope",
      NOT_CONFIGURED,
    );
  });

  it("does not let an admin create a custom scope named okta.*", async () => {
    await expectOktaError(await admin("/authorizationServers/default/scopes", { method: "POST", json: { name: "okta.x" } }), 400, "E0000001", "Api validation failed: OAuth2Scope", [
      "name: A scope name cannot start with 'okta.' or 'okta:'",
    ]);
  });

  it("redirects an authorize request for an ungranted okta.* scope back with invalid_scope", async () => {
    const person = await createPerson();
    const web = await createWebApp();
    await assignUser(web.id, person.id);
    await grantScopes(web.id, ["okta.users.read"]);
    const { challenge } = await pkce();
    const params = { client_id: web.clientId, redirect_uri: REDIRECT, response_type: "code", scope: "openid okta.users.manage", state: "st-org", nonce: "n-org", code_challenge: challenge, code_challenge_method: "S256" };
    // The scope check follows sign-in: it depends on the client, not on the person.
    const page = await formPage(await call(`/oauth2/v1/authorize?${new URLSearchParams(params)}`));
    const res = await submitSignIn(page, person.login, person.password);
    expectRedirectError(res, "invalid_scope", NOT_GRANTED("okta.users.manage"), { state: "st-org" });
  });
});

describe("the org server's keys", () => {
  let app: ServiceApp;
  let accessToken: string;
  let idToken: string;
  let web: Client;

  beforeAll(async () => {
    app = await serviceApp(["okta.users.read"]);
    accessToken = await orgToken(app, "okta.users.read");
    const person = await createPerson();
    web = await createWebApp();
    await assignUser(web.id, person.id);
    idToken = (await orgTokensFor(web, person, "openid profile")).id_token;
  });

  it("signs access tokens with a key it never publishes at /oauth2/v1/keys", async () => {
    const kid = kidOf(accessToken);
    expect(kid).toBeTruthy();
    expect(await orgKids()).not.toContain(kid);
    const jwks = createLocalJWKSet((await (await call("/oauth2/v1/keys")).json()) as never);
    await expect(jwtVerify(accessToken, jwks, { issuer: BASE, audience: BASE })).rejects.toBeInstanceOf(joseErrors.JWKSNoMatchingKey);
  });

  it("signs ID tokens with a published key, so clients verify them from /oauth2/v1/keys", async () => {
    expect(await orgKids()).toContain(kidOf(idToken));
    const jwks = createLocalJWKSet((await (await call("/oauth2/v1/keys")).json()) as never);
    const { payload } = await jwtVerify(idToken, jwks, { issuer: BASE, audience: web.clientId, algorithms: ["RS256"] });
    expect(payload.iss).toBe(BASE);
  });

  it("keeps the access-token key apart from every custom server's keys", async () => {
    const res = await call("/oauth2/default/v1/keys");
    const kids = ((await res.json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);
    expect(kids).not.toContain(kidOf(accessToken));
  });
});

describe("introspecting org access tokens", () => {
  let app: ServiceApp;
  let token: string;
  let secretClient: Client;

  beforeAll(async () => {
    app = await serviceApp(["okta.users.read"]);
    token = await orgToken(app, "okta.users.read");
    secretClient = await createApp();
  });

  it("describes an org access token at /oauth2/v1/introspect", async () => {
    const res = await orgPost("introspect", { token, token_type_hint: "access_token", ...(await orgAssertion(app, "introspect")) });
    const body = (await res.json()) as Json;
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    const claims = decodeJwt(token);
    expect(body).toEqual({
      active: true,
      token_type: "Bearer",
      scope: "okta.users.read",
      client_id: app.clientId,
      username: app.clientId,
      sub: app.clientId,
      iss: BASE,
      aud: BASE,
      exp: claims.exp,
      iat: claims.iat,
      jti: claims.jti,
      ver: claims.ver,
    });
  });

  it("describes it to any authenticated client of the org, not only the one it was issued to", async () => {
    const res = await orgPost("introspect", { token }, asBasic(secretClient));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ active: true, client_id: app.clientId, scope: "okta.users.read" });
  });

  it("is inactive at a custom server's introspection endpoint (default)", async () => {
    expect(await introspect("default", secretClient, token)).toEqual({ active: false });
  });

  it("says a custom server's token is inactive at the org server", async () => {
    const scope = `test:${crypto.randomUUID()}`;
    await createScope("default", { name: scope });
    const custom = await mintToken("default", secretClient, scope);
    const res = await orgPost("introspect", { token: custom }, asBasic(secretClient));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ active: false });
  });

  it("is inactive once revoked at /oauth2/v1/revoke", async () => {
    const own = await orgToken(app, "okta.users.read");
    const revoked = await orgPost("revoke", { token: own, ...(await orgAssertion(app, "revoke")) });
    expect(revoked.status).toBe(200);
    expect(await revoked.text()).toBe("");
    const res = await orgPost("introspect", { token: own }, asBasic(secretClient));
    expect(await res.json()).toEqual({ active: false });
  });
});

describe("the org server's discovery documents", () => {
  it.each(["openid-configuration", "oauth-authorization-server"])("/.well-known/%s: issuer = the org URL, every endpoint under /oauth2/v1", async (kind) => {
    const res = await call(`/.well-known/${kind}`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Json;
    expect(doc.issuer).toBe(BASE);
    const endpoints = Object.entries(doc).filter(([k]) => k.endsWith("_endpoint") || k === "jwks_uri");
    const expected = ["authorization_endpoint", "token_endpoint", "jwks_uri", "introspection_endpoint", "revocation_endpoint", "end_session_endpoint", "pushed_authorization_request_endpoint", "device_authorization_endpoint", "registration_endpoint"];
    if (kind === "openid-configuration") expected.push("userinfo_endpoint");
    expect(endpoints.map(([k]) => k).sort()).toEqual(expected.sort());
    for (const [field, url] of endpoints) expect(url, field).toMatch(new RegExp(`^${BASE.replace(/\./g, "\\.")}/oauth2/v1/[a-z/]+$`));
    expect(doc.scopes_supported).toEqual(expect.arrayContaining(["openid", "profile", "okta.users.read", "okta.users.manage", "okta.authorizationServers.manage"]));
  });
});

describe("the org server's groups scope (Okta)", () => {
  it("puts the names of the person's groups in the ID token and userinfo; without the scope, none", async () => {
    const person = await createPerson();
    const group = (await (await admin("/groups", { method: "POST", json: { profile: { name: `eng-${crypto.randomUUID().slice(0, 6)}` } } })).json()) as any;
    expect((await admin(`/groups/${group.id}/users/${person.id}`, { method: "PUT" })).status).toBe(204);
    const web = await createWebApp();
    await assignUser(web.id, person.id);
    const withGroups = await orgTokensFor(web, person, "openid groups");
    expect(decodeJwt(withGroups.id_token).groups).toEqual(["Everyone", group.profile.name]);
    const info = await call("/oauth2/v1/userinfo", { headers: { Authorization: `Bearer ${withGroups.access_token}` } });
    expect(((await info.json()) as any).groups).toEqual(["Everyone", group.profile.name]);
    const without = await orgTokensFor(web, person, "openid");
    expect(decodeJwt(without.id_token)).not.toHaveProperty("groups");
  });
});
