import { env } from "cloudflare:workers";
import { sqlInHolder } from "../support/sessions";
import { beforeAll, describe, expect, it } from "vitest";
import { admin } from "../support/admin";
import { appLifecycle, asBasic, expectOAuthError, introspect, oauthPost, POLICY_FAILED, tokenBody, type Client, type Json } from "../support/clients";
import {
  addMember,
  appFor,
  assignGroup,
  authorize,
  codeParams,
  createGroup,
  createPerson,
  expectRedirectError,
  INVALID_REFRESH,
  LOGIN_REQUIRED,
  peopleRuleBody,
  peopleServer,
  redirectParams,
  refresh,
  sessionFor,
  signIn,
  tokensFor,
  userinfo,
  userLifecycle,
  type PeopleServer,
  type Person,
} from "../support/people";
import { grantScopes, orgPost, orgTokensFor } from "../support/org";

/**
 * Issue 12: what an admin does reaches tokens already issued. Each case: tokens and a session, an admin action,
 * then the old refresh token fails with invalid_grant (or the policy error) and prompt=none answers login_required.
 * A refused refresh does not consume the token: undoing the action (where that is possible) makes it work again.
 */
let ps: PeopleServer;

beforeAll(async () => {
  ps = await peopleServer();
});

interface Signed {
  person: Person;
  client: Client;
  tokens: Json & { sid: string };
}

async function signedIn(): Promise<Signed> {
  const person = await createPerson();
  const client = await appFor(person);
  return { person, client, tokens: await tokensFor(ps.id, client, person) };
}

const expectInvalid = async (res: Response) => expectOAuthError(res, 400, "invalid_grant", INVALID_REFRESH);

async function expectSignedOut(s: Signed): Promise<void> {
  const params = codeParams(s.client, { prompt: "none" });
  expectRedirectError(await authorize(ps.id, params, { cookies: [s.tokens.sid] }), "login_required", LOGIN_REQUIRED, { state: params.state });
}

async function expectSignedIn(s: Signed): Promise<void> {
  const params = codeParams(s.client, { prompt: "none" });
  expect(redirectParams(await authorize(ps.id, params, { cookies: [s.tokens.sid] })).code).toBeTruthy();
}

describe("refresh re-checks the app", () => {
  it("refuses a token from before the app was deactivated, also after it is activated again", async () => {
    const s = await signedIn();
    expect((await appLifecycle(s.client.id, "deactivate")).status).toBe(200);
    expect((await appLifecycle(s.client.id, "activate")).status).toBe(200);
    await expectInvalid(await refresh(ps.id, s.client, s.tokens.refresh_token));
    expect((await introspect(ps.id, s.client, s.tokens.access_token)).active).toBe(false);
  });

  it("deleting the app deletes its refresh tokens and consents, and its client_id cannot be taken again while its tokens could live", async () => {
    const person = await createPerson();
    const clientId = `retired-${crypto.randomUUID()}`;
    const create = () =>
      admin("/apps", {
        method: "POST",
        json: {
          name: "oidc_client",
          label: "retiring",
          signOnMode: "OPENID_CONNECT",
          credentials: { oauthClient: { client_id: clientId, token_endpoint_auth_method: "client_secret_basic" } },
          settings: { oauthClient: { application_type: "web", redirect_uris: ["https://app.example/callback"], grant_types: ["authorization_code", "refresh_token"], response_types: ["code"] } },
        },
      });
    const first = (await (await create()).json()) as Json;
    const client: Client = { app: first, id: first.id, clientId, secret: first.credentials.oauthClient.client_secret };
    await admin(`/apps/${client.id}/users`, { method: "POST", json: { id: person.id } });
    const tokens = await tokensFor(ps.id, client, person);
    expect((await appLifecycle(client.id, "deactivate")).status).toBe(200);
    expect((await admin(`/apps/${client.id}`, { method: "DELETE" })).status).toBe(204);
    // Issue 17: the refresh tokens lived in the SessionStore the token names, and the D1 index named it.
    const rows = await env.DB.prepare(`SELECT (SELECT COUNT(*) FROM token_holders WHERE client_id = ?1) AS h, (SELECT COUNT(*) FROM consents WHERE client_id = ?1) AS c`)
      .bind(clientId)
      .first();
    expect(rows).toEqual({ h: 0, c: 0 });
    expect(await sqlInHolder(tokens.refresh_token, `SELECT COUNT(*) AS r FROM refresh_tokens WHERE client_id = ?`, clientId)).toEqual([{ r: 0 }]);
    const again = await create();
    expect(again.status).toBe(400);
    const body = (await again.json()) as Json;
    expect(body).toEqual({
      errorCode: "E0000001",
      errorSummary: "Api validation failed: App",
      errorLink: "E0000001",
      errorId: expect.any(String),
      errorCauses: [{ errorSummary: "credentials.oauthClient.client_id: belonged to a deleted application whose tokens may still be valid; it can be used again one day after the deletion" }],
    });
    expect(tokens.refresh_token).toBeTruthy();
  });
});

describe("refresh re-checks the person", () => {
  it("refuses when the person is no longer assigned, without consuming the token", async () => {
    const s = await signedIn();
    expect((await admin(`/apps/${s.client.id}/users/${s.person.id}`, { method: "DELETE" })).status).toBe(204);
    await expectInvalid(await refresh(ps.id, s.client, s.tokens.refresh_token));
    // Assigned again, through a group this time: the same token refreshes, so the refusal did not spend it.
    const group = await createGroup();
    await addMember(group.id, s.person.id);
    await assignGroup(s.client.id, group.id);
    await tokenBody(await refresh(ps.id, s.client, s.tokens.refresh_token));
  });

  it.each(["suspend", "deactivate"] as const)("%s: ends the sessions and revokes the refresh tokens (and their access tokens)", async (op) => {
    const s = await signedIn();
    await userLifecycle(s.person.id, op);
    await userLifecycle(s.person.id, op === "suspend" ? "unsuspend" : "activate");
    await expectInvalid(await refresh(ps.id, s.client, s.tokens.refresh_token));
    await expectSignedOut(s);
    expect((await introspect(ps.id, s.client, s.tokens.access_token)).active).toBe(false);
  });

  it("a password set by an admin ends the sessions and revokes the refresh tokens and the access tokens they issued", async () => {
    const s = await signedIn();
    const res = await admin(`/users/${s.person.id}`, { method: "POST", json: { credentials: { password: { value: "Another-Horse-8-staple" } } } });
    expect(res.status).toBe(200);
    await expectInvalid(await refresh(ps.id, s.client, s.tokens.refresh_token));
    await expectSignedOut(s);
    expect((await introspect(ps.id, s.client, s.tokens.access_token)).active).toBe(false);
    expect((await userinfo(ps.id, s.tokens.access_token)).status).toBe(401);
  });

  it("a profile change without a password leaves sessions and tokens alone", async () => {
    const s = await signedIn();
    expect((await admin(`/users/${s.person.id}`, { method: "POST", json: { profile: { nickName: "ada" } } })).status).toBe(200);
    await expectSignedIn(s);
    await tokenBody(await refresh(ps.id, s.client, s.tokens.refresh_token));
  });

  it("deleting the person revokes their refresh tokens", async () => {
    const s = await signedIn();
    expect((await admin(`/users/${s.person.id}`, { method: "DELETE" })).status).toBe(204);
    await expectInvalid(await refresh(ps.id, s.client, s.tokens.refresh_token));
    await expectSignedOut(s);
    expect((await admin(`/users/${s.person.id}`, { method: "DELETE" })).status).toBe(204);
    await expectInvalid(await refresh(ps.id, s.client, s.tokens.refresh_token));
  });
});

describe("refresh re-evaluates the access policy", () => {
  it("ends the refresh with Okta's policy error when no rule matches any more, and leaves the token usable", async () => {
    const server = await peopleServer();
    const person = await createPerson();
    const client = await appFor(person);
    const tokens = await tokensFor(server.id, client, person);
    const group = await createGroup();
    const rulePath = `/authorizationServers/${server.id}/policies/${server.policy.id}/rules/${server.rule.id}`;
    const narrowed = peopleRuleBody({ name: server.rule.name, people: { groups: { include: [group.id] } } });
    expect((await admin(rulePath, { method: "PUT", json: narrowed })).status).toBe(200);
    await expectOAuthError(await refresh(server.id, client, tokens.refresh_token), 400, "access_denied", POLICY_FAILED);
    // The person joins the group the rule now names: the same token refreshes.
    await addMember(group.id, person.id);
    await tokenBody(await refresh(server.id, client, tokens.refresh_token));
  });
});

describe("the org server re-checks okta.* grants and the admin role", () => {
  async function orgSetup(scope: string) {
    const person = await createPerson();
    const client = await appFor(person);
    await grantScopes(client.id, ["okta.users.read"]);
    await admin(`/users/${person.id}/roles`, { method: "POST", json: { type: "SUPER_ADMIN" } });
    const tokens = await orgTokensFor(client, person, scope);
    const again = (t: string) => orgPost("token", { grant_type: "refresh_token", refresh_token: t }, asBasic(client));
    return { person, client, tokens, again };
  }

  it("refuses once the app's okta.* grant is removed", async () => {
    const o = await orgSetup("openid offline_access okta.users.read");
    const grants = (await (await admin(`/apps/${o.client.id}/grants`)).json()) as Json[];
    for (const g of grants) expect((await admin(`/apps/${o.client.id}/grants/${g.id}`, { method: "DELETE" })).status).toBe(204);
    await expectOAuthError(await o.again(o.tokens.refresh_token), 400, "invalid_scope", "The following scopes are not granted to the client application: [okta.users.read].");
  });

  it("refuses a person's token once they hold no admin role, and refreshes while they do", async () => {
    const o = await orgSetup("openid offline_access okta.users.read");
    const next = await tokenBody(await o.again(o.tokens.refresh_token));
    const roles = (await (await admin(`/users/${o.person.id}/roles`)).json()) as Json[];
    for (const r of roles) expect((await admin(`/users/${o.person.id}/roles/${r.id}`, { method: "DELETE" })).status).toBe(204);
    await expectOAuthError(await o.again(next.refresh_token), 400, "invalid_grant", INVALID_REFRESH);
  });
});

describe("revoking a family revokes the access tokens it issued", () => {
  it("at /revoke: every access token of the family is inactive at once, those of another family are not", async () => {
    const s = await signedIn();
    const other = await tokensFor(ps.id, s.client, s.person, { sid: s.tokens.sid });
    const next = await tokenBody(await refresh(ps.id, s.client, s.tokens.refresh_token));
    const res = await oauthPost(ps.id, "revoke", { token: next.refresh_token }, asBasic(s.client));
    expect(res.status).toBe(200);
    expect((await introspect(ps.id, s.client, s.tokens.access_token)).active).toBe(false);
    expect((await introspect(ps.id, s.client, next.access_token)).active).toBe(false);
    expect((await introspect(ps.id, s.client, other.access_token)).active).toBe(true);
  });

  it("on reuse of a rotated token: the access tokens of the family become inactive", async () => {
    const s = await signedIn();
    const next = await tokenBody(await refresh(ps.id, s.client, s.tokens.refresh_token));
    await expectInvalid(await refresh(ps.id, s.client, s.tokens.refresh_token));
    expect((await introspect(ps.id, s.client, next.access_token)).active).toBe(false);
    await expectInvalid(await refresh(ps.id, s.client, next.refresh_token));
  });
});

describe("a new sign-in ends the session it replaces", () => {
  it("signing in again in the same browser (prompt=login) ends the old session on the server", async () => {
    const person = await createPerson();
    const client = await appFor(person);
    const old = await sessionFor(ps.id, client, person);
    const { sid } = await signIn(ps.id, codeParams(client, { prompt: "login" }), person, { cookies: [old] });
    expect(sid).not.toBe(old);
    const params = codeParams(client, { prompt: "none" });
    expectRedirectError(await authorize(ps.id, params, { cookies: [old] }), "login_required", LOGIN_REQUIRED, { state: params.state });
    expect(redirectParams(await authorize(ps.id, codeParams(client, { prompt: "none" }), { cookies: [sid] })).code).toBeTruthy();
  });

  it("another person signing in ends the first person's session", async () => {
    const ada = await createPerson();
    const bob = await createPerson();
    const client = await appFor(ada);
    await admin(`/apps/${client.id}/users`, { method: "POST", json: { id: bob.id } });
    const old = await sessionFor(ps.id, client, ada);
    await signIn(ps.id, codeParams(client, { prompt: "login" }), bob, { cookies: [old] });
    const params = codeParams(client, { prompt: "none" });
    expectRedirectError(await authorize(ps.id, params, { cookies: [old] }), "login_required", LOGIN_REQUIRED, { state: params.state });
  });
});
