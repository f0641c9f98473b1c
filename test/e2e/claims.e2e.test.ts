import OktaJwtVerifier from "@okta/jwt-verifier";
import type { AuthorizationServer, AuthorizationServerPolicy, AuthorizationServerPolicyRuleRequest, OAuth2Claim, OpenIdConnectApplication } from "@okta/okta-sdk-nodejs";
import * as client from "openid-client";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchChromium, startStaticServer, type RunningBrowser, type StaticServer } from "./support/browser";
import { oktaClient, rejection, serverBody, uniqueName } from "./support/okta";
import { serviceAppBody } from "./support/service-apps";
import { createdJson, openidCodeRequest, signInAt } from "./support/sign-in";

// The custom-claims issue's done-criterion, end to end against wrangler dev: an admin defines claims with Okta's
// management SDK, a person signs in on the hosted page in a real browser, openid-client gets the tokens, and a
// resource server validates the access token with Okta's own verifier library.
const baseUrl = inject("baseUrl");
const { client: okta, api } = oktaClient();
const PASSWORD = "Correct-Horse-7-battery";
const EMAIL_LOCAL = 'String.substringBefore(user.email, "@")';
// The local server speaks plain http; openid-client refuses it unless told otherwise.
const insecure = { execute: [client.allowInsecureRequests] };
const TEST_MS = 30_000;

/**
 * Claims Okta's own model carries: the base claims of access tokens (REFERENCE 7.1) and ID tokens (7.2), and the
 * standard claims of the profile and email scopes. What remains of a token is its custom claims.
 */
const BUILT_IN = new Set([
  "ver", "jti", "iss", "aud", "sub", "iat", "exp", "cid", "uid", "scp", "auth_time", "amr", "idp", "nonce", "at_hash", "c_hash",
  "name", "preferred_username", "given_name", "family_name", "zoneinfo", "locale", "updated_at", "email", "email_verified",
]);
const custom = (claims: Record<string, unknown>) => Object.fromEntries(Object.entries(claims).filter(([k]) => !BUILT_IN.has(k)));

describe("custom claims: defined with Okta's SDK, carried in real tokens", () => {
  const tag = crypto.randomUUID().slice(0, 8);
  const audience = `api://e2e/claims-${tag}`;
  const email = `lin.${tag}@example.com`;
  const engA = `eng-a-${tag}`;
  const engB = `eng-b-${tag}`;
  const ops = `ops-${tag}`;
  let server: AuthorizationServer;
  let issuer: string;
  let callback: StaticServer;
  let browser: RunningBrowser | undefined;
  let web: { clientId: string; clientSecret: string };
  let service: { clientId: string; clientSecret: string };
  let claims: OAuth2Claim[];
  let user: any;

  beforeAll(async () => {
    callback = await startStaticServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" });
      res.end('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Callback received</title></head><body></body></html>');
    });
    server = await api.createAuthorizationServer({ authorizationServer: serverBody(`claims-${tag}`, { audiences: [audience] }) });
    issuer = server.issuer!;
    const authServerId = server.id!;
    await api.createOAuth2Scope({ authServerId, oAuth2Scope: { name: "reports:read", consent: "IMPLICIT" } });
    const policy = await api.createAuthorizationServerPolicy({
      authServerId,
      policy: {
        type: "OAUTH_AUTHORIZATION_POLICY",
        name: "All clients",
        description: "Every client of the reports API",
        priority: 1,
        conditions: { clients: { include: ["ALL_CLIENTS"] } },
      } as AuthorizationServerPolicy,
    });
    await api.createAuthorizationServerPolicyRule({
      authServerId,
      policyId: policy.id!,
      policyRule: {
        type: "RESOURCE_ACCESS",
        name: "People and services",
        priority: 1,
        conditions: {
          people: { groups: { include: ["EVERYONE"] } },
          grantTypes: { include: ["authorization_code", "client_credentials"] },
          scopes: { include: ["*"] },
        },
      } as AuthorizationServerPolicyRuleRequest,
    });
    // The claims, through the SDK's createOAuth2Claim, as an admin would define them.
    const define = (oAuth2Claim: OAuth2Claim) => api.createOAuth2Claim({ authServerId, oAuth2Claim });
    claims = await Promise.all([
      define({ name: "email_local", status: "ACTIVE", claimType: "RESOURCE", valueType: "EXPRESSION", value: EMAIL_LOCAL, conditions: { scopes: [] } }),
      define({ name: "groups", status: "ACTIVE", claimType: "RESOURCE", valueType: "GROUPS", group_filter_type: "STARTS_WITH", value: "eng", conditions: { scopes: [] } }),
      define({ name: "app_client", status: "ACTIVE", claimType: "RESOURCE", valueType: "EXPRESSION", value: "app.clientId", conditions: { scopes: [] } }),
      define({
        name: "groups",
        status: "ACTIVE",
        claimType: "IDENTITY",
        valueType: "GROUPS",
        group_filter_type: "STARTS_WITH",
        value: "eng",
        alwaysIncludeInToken: true,
        conditions: { scopes: [] },
      }),
    ] as OAuth2Claim[]);

    // The directory and the apps: a person in eng-a, eng-b and ops, a web app they are assigned to, a service app.
    const [person, groupA, groupB, groupOps, webApp, serviceApp] = await Promise.all([
      createdJson("/users?activate=true", { profile: { login: email, email, firstName: "Lin", lastName: "Chen" }, credentials: { password: { value: PASSWORD } } }),
      createdJson("/groups", { profile: { name: engA } }),
      createdJson("/groups", { profile: { name: engB } }),
      createdJson("/groups", { profile: { name: ops } }),
      okta.applicationApi.createApplication({
        application: {
          name: "oidc_client",
          label: uniqueName("claims web"),
          signOnMode: "OPENID_CONNECT",
          credentials: { oauthClient: { token_endpoint_auth_method: "client_secret_basic" } },
          settings: {
            oauthClient: { application_type: "web", redirect_uris: [`${callback.origin}/callback`], grant_types: ["authorization_code"], response_types: ["code"] },
          },
        } as unknown as OpenIdConnectApplication,
      }) as Promise<OpenIdConnectApplication>,
      okta.applicationApi.createApplication({ application: serviceAppBody("claims service", "client_secret_basic") }) as Promise<OpenIdConnectApplication>,
    ]);
    user = person;
    for (const group of [groupA, groupB, groupOps]) await createdJson(`/groups/${group.id}/users/${user.id}`, undefined, "PUT");
    await createdJson(`/apps/${webApp.id}/users`, { id: user.id });
    web = { clientId: webApp.credentials.oauthClient!.client_id!, clientSecret: webApp.credentials.oauthClient!.client_secret! };
    service = { clientId: serviceApp.credentials.oauthClient!.client_id!, clientSecret: serviceApp.credentials.oauthClient!.client_secret! };
  });

  afterAll(async () => {
    await Promise.allSettled([browser?.close(), callback?.close()]);
  });

  it("returns the claims as Okta's OAuth2Claim objects and lists them", async () => {
    expect(issuer).toBe(`${baseUrl}/oauth2/${server.id}`);
    expect(claims.map((c) => [c.name, c.claimType, c.valueType, c.value, c.group_filter_type])).toEqual([
      ["email_local", "RESOURCE", "EXPRESSION", EMAIL_LOCAL, undefined],
      ["groups", "RESOURCE", "GROUPS", "eng", "STARTS_WITH"],
      ["app_client", "RESOURCE", "EXPRESSION", "app.clientId", undefined],
      ["groups", "IDENTITY", "GROUPS", "eng", "STARTS_WITH"],
    ]);
    for (const c of claims) expect(c).toMatchObject({ id: expect.any(String), status: "ACTIVE", system: false, alwaysIncludeInToken: true, conditions: { scopes: [] } });
    const listed: OAuth2Claim[] = [];
    for await (const c of await api.listOAuth2Claims({ authServerId: server.id! })) listed.push(c!);
    expect(listed.map((c) => c.id).sort()).toEqual(claims.map((c) => c.id).sort());
  });

  it(
    "a person signs in in a browser; openid-client gets tokens; Okta's verifier finds the claims in the access token, and the ID token has the groups",
    async () => {
      const config = await client.discovery(new URL(issuer), web.clientId, undefined, client.ClientSecretBasic(web.clientSecret), insecure);
      const redirectUri = `${callback.origin}/callback`;
      const { url, codeVerifier, state, nonce } = await openidCodeRequest(config, redirectUri, "openid profile email");

      browser = await launchChromium();
      const page = browser.context.pages()[0] ?? (await browser.context.newPage());
      const landed = await signInAt(page, url.href, redirectUri, email, PASSWORD);
      const tokens = await client.authorizationCodeGrant(config, landed, { pkceCodeVerifier: codeVerifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true });

      // A resource server that requires an eng-a member, as Okta's verifier library expresses it.
      const verifier = new OktaJwtVerifier({ issuer, assertClaims: { "groups.includes": [engA] }, testing: { disableHttpsCheck: true } });
      const { claims: access } = await verifier.verifyAccessToken(tokens.access_token, audience);
      expect(access).toMatchObject({ iss: issuer, aud: audience, sub: email, uid: user.id, cid: web.clientId, scp: ["openid", "profile", "email"] });
      expect(custom(access)).toEqual({ email_local: `lin.${tag}`, groups: [engA, engB], app_client: web.clientId });

      const id = tokens.claims()!;
      expect(id).toMatchObject({ iss: issuer, aud: web.clientId, sub: user.id, nonce, email });
      expect(custom(id)).toEqual({ groups: [engA, engB] });

      const userinfo = await client.fetchUserInfo(config, tokens.access_token, id.sub);
      expect(custom(userinfo)).toEqual({ groups: [engA, engB] });
    },
    TEST_MS,
  );

  it("a client_credentials token carries the app claim and none of the person's", async () => {
    const config = await client.discovery(new URL(issuer), service.clientId, service.clientSecret, client.ClientSecretBasic(service.clientSecret), insecure);
    const { access_token } = await client.clientCredentialsGrant(config, { scope: "reports:read" });
    const verifier = new OktaJwtVerifier({ issuer, testing: { disableHttpsCheck: true } });
    const { claims: access } = await verifier.verifyAccessToken(access_token, audience);
    expect(access).toMatchObject({ iss: issuer, aud: audience, sub: service.clientId, cid: service.clientId, scp: ["reports:read"] });
    expect(access.uid).toBeUndefined();
    expect(custom(access)).toEqual({ app_client: service.clientId });
    // The resource server that requires an eng-a member turns the service's token away.
    const members = new OktaJwtVerifier({ issuer, assertClaims: { "groups.includes": [engA] }, testing: { disableHttpsCheck: true } });
    const refused = (await rejection(members.verifyAccessToken(access_token, audience))) as Error;
    expect(refused.message).toContain(`claim 'groups' value 'undefined' does not include expected value '${engA}'`);
  });
});
