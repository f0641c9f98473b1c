import { decodeJwt } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { admin } from "../support/admin";
import { createPolicy, POLICY_FAILED, tokenBody, type Client } from "../support/clients";
import {
  addMember,
  appFor,
  assignGroup,
  authorize,
  codeFor,
  codeParams,
  createGroup,
  createPeopleRule,
  createPerson,
  createWebApp,
  EVERYONE,
  expectRedirectError,
  NOT_ASSIGNED,
  peopleServer,
  redeem,
  redirectParams,
  removeMember,
  SESSION_COOKIE,
  sessionFor,
  setCookieOf,
  signIn,
  type PeopleServer,
  type Person,
} from "../support/people";

let server: PeopleServer;

beforeAll(async () => {
  server = await peopleServer({ scopes: [{ name: "orders:read" }, { name: "orders:write" }] });
});

/** Whether `person` (with session `sid`) gets a code for `client`; asserts the denial otherwise. */
async function expectCode(serverId: string, client: Client, sid: string): Promise<void> {
  const params = codeParams(client);
  expect(redirectParams(await authorize(serverId, params, { cookies: [sid] }))).toEqual({ code: expect.any(String), state: params.state });
}

async function expectDenied(serverId: string, client: Client, sid: string, description: string, extra: Record<string, string> = {}): Promise<void> {
  const params = codeParams(client, extra);
  const mode = params.response_type === "code" ? "query" : "fragment";
  expectRedirectError(await authorize(serverId, params, { cookies: [sid] }), "access_denied", description, { state: params.state, mode });
}

describe("app assignment", () => {
  it("sends an unassigned person back to the client with access_denied, after signing them in", async () => {
    const person = await createPerson();
    const client = await createWebApp();
    const params = codeParams(client);
    const { res } = await signIn(server.id, params, person);
    expectRedirectError(res, "access_denied", NOT_ASSIGNED, { state: params.state });
    // The sign-in itself succeeded: the session is kept for other applications.
    expect(setCookieOf(res, SESSION_COOKIE)).toBeTruthy();
  });

  it("denies an unassigned person who already has a session", async () => {
    const person = await createPerson();
    const sid = await sessionFor(server.id, await appFor(person), person);
    await expectDenied(server.id, await createWebApp(), sid, NOT_ASSIGNED);
  });

  it("lets a person in through a group assigned to the app, and not after leaving the group", async () => {
    const person = await createPerson();
    const sid = await sessionFor(server.id, await appFor(person), person);
    const group = await createGroup();
    const client = await createWebApp();
    await assignGroup(client.id, group.id);
    await expectDenied(server.id, client, sid, NOT_ASSIGNED);
    await addMember(group.id, person.id);
    await expectCode(server.id, client, sid);
    await removeMember(group.id, person.id);
    await expectDenied(server.id, client, sid, NOT_ASSIGNED);
  });

  it("lets everyone in when the Everyone group is assigned", async () => {
    const person = await createPerson();
    const sid = await sessionFor(server.id, await appFor(person), person);
    const client = await createWebApp();
    await assignGroup(client.id, EVERYONE);
    await expectCode(server.id, client, sid);
  });

  it("denies a person whose direct assignment was removed", async () => {
    const person = await createPerson();
    const client = await appFor(person);
    const sid = await sessionFor(server.id, client, person);
    expect((await admin(`/apps/${client.id}/users/${person.id}`, { method: "DELETE" })).status).toBe(204);
    await expectDenied(server.id, client, sid, NOT_ASSIGNED);
  });

  it("checks assignment for implicit requests too, in the fragment", async () => {
    const person = await createPerson();
    const sid = await sessionFor(server.id, await appFor(person), person);
    const client = await createWebApp({ grant_types: ["authorization_code", "implicit"], response_types: ["code", "token", "id_token"] });
    await expectDenied(server.id, client, sid, NOT_ASSIGNED, { response_type: "id_token token" });
  });
});

describe("access policy rules for people", () => {
  it("denies a person in a group the rule excludes, and lets others through", async () => {
    const group = await createGroup();
    const s = await peopleServer({ rule: { people: { groups: { include: ["EVERYONE"], exclude: [group.id] } } } });
    const excluded = await createPerson();
    const allowed = await createPerson();
    await addMember(group.id, excluded.id);
    const client = await createWebApp();
    await assignGroup(client.id, EVERYONE);
    await expectDenied(s.id, client, await sessionFor(server.id, await appFor(excluded), excluded), POLICY_FAILED);
    await expectCode(s.id, client, await sessionFor(server.id, await appFor(allowed), allowed));
  });

  it("denies a person the rule's users condition does not name", async () => {
    const named = await createPerson();
    const other = await createPerson();
    const s = await peopleServer({ rule: { people: { users: { include: [named.id] } } } });
    const client = await createWebApp();
    await assignGroup(client.id, EVERYONE);
    await expectCode(s.id, client, await sessionFor(server.id, await appFor(named), named));
    await expectDenied(s.id, client, await sessionFor(server.id, await appFor(other), other), POLICY_FAILED);
  });

  it("lets a person through by membership of a group the rule includes", async () => {
    const group = await createGroup();
    const s = await peopleServer({ rule: { people: { groups: { include: [group.id] } } } });
    const member = await createPerson();
    await addMember(group.id, member.id);
    const outsider = await createPerson();
    const client = await createWebApp();
    await assignGroup(client.id, EVERYONE);
    await expectCode(s.id, client, await sessionFor(server.id, await appFor(member), member));
    await expectDenied(s.id, client, await sessionFor(server.id, await appFor(outsider), outsider), POLICY_FAILED);
  });

  it("denies the implicit flow when the rule allows only authorization_code", async () => {
    const s = await peopleServer({ rule: { grantTypes: ["authorization_code"] } });
    const person = await createPerson();
    const client = await appFor(person, { grant_types: ["authorization_code", "implicit"], response_types: ["code", "token", "id_token"] });
    const sid = await sessionFor(s.id, client, person);
    await expectDenied(s.id, client, sid, POLICY_FAILED, { response_type: "token" });
  });

  it("denies a custom scope the rule does not include (scopes are all or nothing)", async () => {
    const s = await peopleServer({ scopes: [{ name: "orders:read" }, { name: "orders:write" }], rule: { scopes: ["orders:read"] } });
    const person = await createPerson();
    const client = await appFor(person);
    const sid = await sessionFor(s.id, client, person);
    await expectCode(s.id, client, sid);
    await expectDenied(s.id, client, sid, POLICY_FAILED, { scope: "openid orders:read orders:write" });
  });

  it("denies every request of a client no policy covers", async () => {
    const s = await peopleServer();
    const person = await createPerson();
    const client = await appFor(person);
    const sid = await sessionFor(server.id, client, person);
    const res = await admin(`/authorizationServers/${s.id}/policies/${s.policy.id}/lifecycle/deactivate`, { method: "POST" });
    expect(res.status).toBe(204);
    await expectDenied(s.id, client, sid, POLICY_FAILED);
  });
});

describe("rule token lifetimes", () => {
  it("sets the access token lifetime of the code flow from the matching rule", async () => {
    const s = await peopleServer({ rule: { accessTokenLifetimeMinutes: 15 } });
    const person = await createPerson();
    const client = await appFor(person);
    const a = await codeFor(s.id, client, person);
    const tokens = await tokenBody(await redeem(s.id, client, a));
    expect(tokens.expires_in).toBe(900);
    const claims = decodeJwt(tokens.access_token);
    expect(claims.exp! - claims.iat!).toBe(900);
  });

  it("sets the implicit flow's expires_in from the matching rule", async () => {
    const s = await peopleServer({ rule: { accessTokenLifetimeMinutes: 5 } });
    const person = await createPerson();
    const client = await appFor(person, { grant_types: ["authorization_code", "implicit"], response_types: ["code", "token"] });
    const sid = await sessionFor(s.id, client, person);
    const back = redirectParams(await authorize(s.id, codeParams(client, { response_type: "token" }), { cookies: [sid] }), "fragment");
    expect(back.expires_in).toBe("300");
    const claims = decodeJwt(back.access_token!);
    expect(claims.exp! - claims.iat!).toBe(300);
  });

  it("uses the first matching rule by priority: a group's rule before everyone's", async () => {
    const group = await createGroup();
    const s = await peopleServer({ rule: { accessTokenLifetimeMinutes: 60 } });
    await createPeopleRule(s.id, s.policy.id, { priority: 1, accessTokenLifetimeMinutes: 10, people: { groups: { include: [group.id] } } });
    const member = await createPerson();
    await addMember(group.id, member.id);
    const outsider = await createPerson();
    const client = await createWebApp();
    await assignGroup(client.id, EVERYONE);
    const a1 = await codeFor(s.id, client, member);
    expect((await tokenBody(await redeem(s.id, client, a1))).expires_in).toBe(600);
    const a2 = await codeFor(s.id, client, outsider);
    expect((await tokenBody(await redeem(s.id, client, a2))).expires_in).toBe(3600);
  });

  it("falls through to a lower-priority policy when the first has no rule for the person", async () => {
    const group = await createGroup();
    const s = await peopleServer({ rule: { accessTokenLifetimeMinutes: 20 } });
    const first = await createPolicy(s.id, { priority: 1 });
    await createPeopleRule(s.id, first.id, { accessTokenLifetimeMinutes: 30, people: { groups: { include: [group.id] } } });
    const person = await createPerson();
    const client = await appFor(person);
    const a = await codeFor(s.id, client, person);
    expect((await tokenBody(await redeem(s.id, client, a))).expires_in).toBe(1200);
  });
});
