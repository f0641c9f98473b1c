import type { AuthorizationServer, AuthorizationServerPolicy, AuthorizationServerPolicyRuleRequest, OAuth2RefreshToken } from "@okta/okta-sdk-nodejs";
import * as client from "openid-client";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { all, oktaClient, rejection, serverBody, uniqueName } from "./support/okta";
import { createdJson, openidCodeRequest } from "./support/sign-in";

// Issue 12 end to end against wrangler dev: a person signs in (the hosted form, posted over plain HTTP as a browser
// would), openid-client redeems and refreshes; an admin lists and revokes the tokens with Okta's management SDK
// (every endpoint here is in the SDK), and the next refresh fails while introspection calls the tokens inactive.
const baseUrl = inject("baseUrl");
const { client: okta, api } = oktaClient();
const PASSWORD = "Correct-Horse-7-battery";
const REDIRECT = "https://app.example/callback";
const insecure = { execute: [client.allowInsecureRequests] };

/** The hosted sign-in form, filled in and posted as a browser would: returns the redirect back and the session cookie. */
async function signIn(url: URL, login: string, cookies: string[] = []): Promise<{ location: URL; sid: string }> {
  const page = await fetch(url, { redirect: "manual", headers: cookies.length ? { Cookie: cookies.join("; ") } : {} });
  const html = await page.text();
  expect(page.status, html.slice(0, 200)).toBe(200);
  const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)![1]!;
  const action = /<form method="post" action="([^"]+)"/.exec(html)![1]!;
  const csrf = page.headers.getSetCookie().map((c) => c.split(";")[0]!).find((c) => c.startsWith("__Host-mg_csrf="))!;
  const res = await fetch(new URL(action, baseUrl), {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: [csrf, ...cookies].join("; ") },
    body: new URLSearchParams({ tx: field("tx"), csrf: field("csrf"), username: login, password: PASSWORD }),
  });
  expect(res.status, await res.clone().text()).toBe(302);
  const sid = res.headers.getSetCookie().map((c) => c.split(";")[0]!).find((c) => c.startsWith("__Host-mg_sid="))!;
  return { location: new URL(res.headers.get("Location")!), sid };
}

describe("token lifecycle: Okta's SDK manages the refresh tokens a real client holds", () => {
  const tag = crypto.randomUUID().slice(0, 8);
  let server: AuthorizationServer;
  let app: { id: string; clientId: string; secret: string };
  let user: { id: string; login: string };
  let config: client.Configuration;

  beforeAll(async () => {
    server = await api.createAuthorizationServer({ authorizationServer: serverBody(`lifecycle-${tag}`, { audiences: [`api://e2e/lifecycle-${tag}`] }) });
    const authServerId = server.id!;
    const policy = await api.createAuthorizationServerPolicy({
      authServerId,
      policy: { type: "OAUTH_AUTHORIZATION_POLICY", name: "All clients", description: "e2e", priority: 1, conditions: { clients: { include: ["ALL_CLIENTS"] } } } as AuthorizationServerPolicy,
    });
    await api.createAuthorizationServerPolicyRule({
      authServerId,
      policyId: policy.id!,
      policyRule: {
        type: "RESOURCE_ACCESS",
        name: "People",
        priority: 1,
        conditions: { people: { groups: { include: ["EVERYONE"] } }, grantTypes: { include: ["authorization_code"] }, scopes: { include: ["*"] } },
      } as AuthorizationServerPolicyRuleRequest,
    });
    const created = await createdJson("/apps", {
      name: "oidc_client",
      label: uniqueName("lifecycle"),
      signOnMode: "OPENID_CONNECT",
      credentials: { oauthClient: { token_endpoint_auth_method: "client_secret_basic" } },
      settings: { oauthClient: { application_type: "web", redirect_uris: [REDIRECT], grant_types: ["authorization_code", "refresh_token"], response_types: ["code"] } },
    });
    app = { id: created.id, clientId: created.credentials.oauthClient.client_id, secret: created.credentials.oauthClient.client_secret };
    const login = `lifecycle.${tag}@example.com`;
    const u = await okta.userApi.createUser({ body: { profile: { login, email: login, firstName: "Lin", lastName: "Lee" }, credentials: { password: { value: PASSWORD } } } as any });
    user = { id: u.id!, login };
    await okta.applicationApi.assignUserToApplication({ appId: app.id, appUser: { id: user.id } as any });
    config = await client.discovery(new URL(server.issuer!), app.clientId, undefined, client.ClientSecretBasic(app.secret), insecure);
  });

  async function tokens(): Promise<{ set: client.TokenEndpointResponse; sid: string }> {
    const req = await openidCodeRequest(config, REDIRECT, "openid profile offline_access");
    const { location, sid } = await signIn(req.url, user.login);
    const set = await client.authorizationCodeGrant(config, location, { pkceCodeVerifier: req.codeVerifier, expectedState: req.state, expectedNonce: req.nonce });
    return { set, sid };
  }

  const refreshFails = async (token: string) => {
    const err = await rejection(client.refreshTokenGrant(config, token));
    expect(err).toBeInstanceOf(client.ResponseBodyError);
    expect({ error: err.error, description: err.error_description }).toEqual({ error: "invalid_grant", description: "The refresh token is invalid or expired." });
  };
  const active = async (token: string) => (await client.tokenIntrospection(config, token)).active;

  it("lists the client and its refresh tokens (expand=scope), keeps the id across rotation, and revokes one with its access tokens", async () => {
    const first = await tokens();
    const clients = await all(await api.listOAuth2ClientsForAuthorizationServer({ authServerId: server.id! }));
    expect(clients.map((c) => c.client_id)).toEqual([app.clientId]);
    const listed = await all<OAuth2RefreshToken>(await api.listRefreshTokensForAuthorizationServerAndClient({ authServerId: server.id!, clientId: app.clientId, expand: "scope" }));
    expect(listed).toHaveLength(1);
    const t = listed[0]!;
    expect(t).toMatchObject({ status: "ACTIVE", issuer: server.issuer, clientId: app.clientId, userId: user.id, scopes: ["openid", "profile", "offline_access"] });
    expect(t.id).toMatch(/^oar/);
    expect(t.created).toBeInstanceOf(Date);
    expect((t._embedded as any).scopes.map((s: any) => s.name).sort()).toEqual(["offline_access", "openid", "profile"]);

    const rotated = await client.refreshTokenGrant(config, first.set.refresh_token!);
    const again = await api.getRefreshTokenForAuthorizationServerAndClient({ authServerId: server.id!, clientId: app.clientId, tokenId: t.id! });
    expect(again.id).toBe(t.id);
    await api.revokeRefreshTokenForAuthorizationServerAndClient({ authServerId: server.id!, clientId: app.clientId, tokenId: t.id! });
    await refreshFails(rotated.refresh_token!);
    expect(await active(first.set.access_token)).toBe(false);
    expect(await active(rotated.access_token)).toBe(false);

    const err = await rejection(api.getRefreshTokenForAuthorizationServerAndClient({ authServerId: server.id!, clientId: app.clientId, tokenId: t.id! }));
    expect({ status: err.status, errorCode: err.errorCode, errorSummary: err.errorSummary }).toEqual({
      status: 404,
      errorCode: "E0000007",
      errorSummary: `Not found: Resource not found: ${t.id} (OAuth2RefreshToken)`,
    });
  });

  it("the user's views: lists their clients and tokens, and revokes them all for a client", async () => {
    const a = await tokens();
    const b = await tokens();
    const clients = await all(await okta.userApi.listUserClients({ userId: user.id }));
    expect(clients.map((c) => c.client_id)).toContain(app.clientId);
    const listed = await all(await okta.userApi.listRefreshTokensForUserAndClient({ userId: user.id, clientId: app.clientId }));
    expect(listed.length).toBeGreaterThanOrEqual(2);
    await okta.userApi.revokeTokensForUserAndClient({ userId: user.id, clientId: app.clientId });
    for (const t of [a, b]) {
      await refreshFails(t.set.refresh_token!);
      expect(await active(t.set.access_token)).toBe(false);
    }
    expect(await all(await okta.userApi.listRefreshTokensForUserAndClient({ userId: user.id, clientId: app.clientId }))).toEqual([]);
  });

  it("revokeUserSessions with oauthTokens=true ends the session (prompt=none: login_required) and the tokens", async () => {
    const t = await tokens();
    await okta.userApi.revokeUserSessions({ userId: user.id, oauthTokens: true });
    await refreshFails(t.set.refresh_token!);
    expect(await active(t.set.access_token)).toBe(false);
    const req = await openidCodeRequest(config, REDIRECT, "openid");
    req.url.searchParams.set("prompt", "none");
    const res = await fetch(req.url, { redirect: "manual", headers: { Cookie: t.sid } });
    expect(res.status).toBe(302);
    expect(new URL(res.headers.get("Location")!).searchParams.get("error")).toBe("login_required");
  });
});
