import { decodeJwt } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { admin } from "../support/admin";
import { asBasic, createScope, expectOAuthError, oauthPost, POLICY_FAILED, tokenBody, type Client } from "../support/clients";
import { orgPost } from "../support/org";
import { appFor, assignUser, createPerson, createWebApp, peopleServer, refresh, userLifecycle, verifyIdToken, type PeopleServer, type Person } from "../support/people";

const INVALID_CREDENTIALS = "The credentials provided were invalid.";
const NOT_ASSIGNED = "User is not assigned to the client application.";

let server: PeopleServer;
let person: Person;
let client: Client;

beforeAll(async () => {
  server = await peopleServer({ rule: { grantTypes: ["password", "refresh_token"] } });
  person = await createPerson();
  client = await appFor(person, { grant_types: ["authorization_code", "password", "refresh_token"] });
});

function passwordGrant(o: { serverId?: string; client?: Client; username?: string; password?: string; scope?: string } = {}): Promise<Response> {
  const params: Record<string, string> = { grant_type: "password" };
  const username = o.username ?? person.login;
  const password = o.password ?? person.password;
  if (username) params.username = username;
  if (password) params.password = password;
  if (o.scope !== "") params.scope = o.scope ?? "openid profile offline_access";
  return oauthPost(o.serverId ?? server.id, "token", params, asBasic(o.client ?? client));
}

describe("grant_type=password (RFC 6749 4.3)", () => {
  it("issues an access token, an ID token for openid and a refresh token for offline_access", async () => {
    const body = await tokenBody(await passwordGrant());
    expect(body).toEqual({
      token_type: "Bearer",
      expires_in: 3600,
      access_token: expect.any(String),
      scope: "openid profile offline_access",
      refresh_token: expect.any(String),
      id_token: expect.any(String),
    });
    expect(decodeJwt(body.access_token)).toMatchObject({ sub: person.login, uid: person.id, cid: client.clientId, scp: ["openid", "profile", "offline_access"] });
    expect(await verifyIdToken(server.id, body.id_token, client.clientId)).toMatchObject({ sub: person.id, amr: ["pwd"], name: "Ada Lovelace" });
    // The refresh token works like one from the code flow.
    await tokenBody(await refresh(server.id, client, body.refresh_token));
  });

  it("issues only an access token without openid and offline_access", async () => {
    const body = await tokenBody(await passwordGrant({ scope: "profile" }));
    expect(Object.keys(body).sort()).toEqual(["access_token", "expires_in", "scope", "token_type"]);
  });

  it("is served by the org authorization server", async () => {
    const org = await tokenBody(await orgPost("token", { grant_type: "password", username: person.login, password: person.password, scope: "openid" }, asBasic(client)));
    expect(org.id_token).toBeTruthy();
  });

  describe.each([
    ["a wrong password", { password: "Not-the-password-1" }],
    ["an unknown username", { username: "nobody@example.com" }],
    ["a username of another letter case and a wrong password", { username: "P-UNKNOWN@EXAMPLE.COM", password: "x" }],
  ])("with %s", (_, change) => {
    it("answers invalid_grant with Okta's wording", async () => {
      await expectOAuthError(await passwordGrant(change), 400, "invalid_grant", INVALID_CREDENTIALS);
    });
  });

  it("answers a person who is not ACTIVE as it answers a wrong password", async () => {
    const p = await createPerson();
    const app = await appFor(p, { grant_types: ["authorization_code", "password"] });
    await userLifecycle(p.id, "suspend");
    await expectOAuthError(await passwordGrant({ client: app, username: p.login, password: p.password }), 400, "invalid_grant", INVALID_CREDENTIALS);
  });

  it("answers access_denied for a person not assigned to the app", async () => {
    const stranger = await createPerson();
    await expectOAuthError(await passwordGrant({ username: stranger.login, password: stranger.password }), 400, "access_denied", NOT_ASSIGNED);
  });

  it("answers access_denied when no rule allows the password grant", async () => {
    const other = await peopleServer();
    await expectOAuthError(await passwordGrant({ serverId: other.id }), 400, "access_denied", POLICY_FAILED);
  });

  it("answers unauthorized_client for a client without the password grant", async () => {
    const app = await appFor(person);
    await expectOAuthError(
      await passwordGrant({ client: app }),
      400,
      "unauthorized_client",
      "The client is not authorized to use the provided grant type. Configured grant types: [authorization_code, refresh_token].",
    );
  });

  it("answers consent_required for a scope that needs consent from a client that requires it", async () => {
    await createScope(server.id, { name: `orders:${crypto.randomUUID().slice(0, 6)}`, consent: "REQUIRED" }).then(async (scope) => {
      const app = await appFor(person, { grant_types: ["authorization_code", "password"], consent_method: "REQUIRED" });
      await expectOAuthError(
        await passwordGrant({ client: app, scope: `openid ${scope.name}` }),
        400,
        "consent_required",
        `The following scopes require user consent: [${scope.name}]. To access protected scopes using the resource owner password grant type, please uncheck 'Require consent' in the app settings or set the 'consent_method' to 'TRUSTED' through the apps API.`,
      );
    });
  });

  describe.each([
    ["no username", { username: "" }, "The 'username' parameter is required."],
    ["no password", { password: "" }, "The 'password' parameter is required."],
  ])("with %s", (_, change, description) => {
    it("answers invalid_request", async () => {
      await expectOAuthError(await passwordGrant(change), 400, "invalid_request", description);
    });
  });

  it("answers invalid_request for a repeated password parameter", async () => {
    const body = `grant_type=password&username=${encodeURIComponent(person.login)}&password=a&password=b&scope=openid`;
    await expectOAuthError(await oauthPost(server.id, "token", body, asBasic(client)), 400, "invalid_request", "The 'password' parameter was included more than once.");
  });

  it("answers invalid_scope for an unknown scope, before the password is checked", async () => {
    await expectOAuthError(await passwordGrant({ scope: "nope", password: "wrong" }), 400, "invalid_scope", "One or more scopes are not configured for the authorization server resource.");
  });

  it("records the sign-in as the person's lastLogin", async () => {
    await tokenBody(await passwordGrant({ scope: "profile" }));
    const user = (await (await admin(`/users/${person.id}`)).json()) as Record<string, string>;
    expect(user.lastLogin).not.toBeNull();
  });

  it("accepts a public native client with the password grant", async () => {
    const native = await createWebApp({ application_type: "native", method: "none", grant_types: ["authorization_code", "password"] });
    await assignUser(native.id, person.id);
    const res = await oauthPost(server.id, "token", { grant_type: "password", username: person.login, password: person.password, scope: "openid", client_id: native.clientId });
    await tokenBody(res);
  });
});
