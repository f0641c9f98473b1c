import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { isAssignedToApp } from "../../src/store/assignments";
import { EVERYONE_GROUP_ID } from "../../src/store/groups";
import { admin, BASE } from "../support/admin";
import { apiPath, expectOktaError, links } from "../support/fixtures";
import { NOT_SUPPORTED } from "./body-errors";

const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
let counter = 0;
const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}${(counter++).toString(36)}`;

async function created(res: Response, status = 200): Promise<Record<string, any>> {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status} ${await res.text()}`);
  return res.json() as Promise<Record<string, any>>;
}

async function createAppRecord() {
  const res = await admin("/apps", {
    method: "POST",
    json: { name: "oidc_client", label: unique("App "), signOnMode: "OPENID_CONNECT", settings: { oauthClient: { application_type: "service", grant_types: ["client_credentials"] } } },
  });
  return created(res, 201);
}

async function createUser() {
  const login = `${unique("assignee.")}@example.com`;
  return created(await admin("/users", { method: "POST", json: { profile: { login, email: login, firstName: "A", lastName: "Ssignee" } } }));
}

const createGroup = async () => created(await admin("/groups", { method: "POST", json: { profile: { name: unique("Group ") } } }));
const assignUser = (appId: string, json: unknown) => admin(`/apps/${appId}/users`, { method: "POST", json });
const assignGroup = (appId: string, groupId: string, json?: unknown) =>
  admin(`/apps/${appId}/groups/${groupId}`, json === undefined ? { method: "PUT" } : { method: "PUT", json });

async function list(path: string) {
  const res = await admin(path);
  expect(res.status).toBe(200);
  return (await res.json()) as any[];
}

const appUser = (appId: string, user: Record<string, any>, scope: "USER" | "GROUP", createdAt: string) => ({
  id: user.id,
  scope,
  status: "ACTIVE",
  created: createdAt,
  lastUpdated: createdAt,
  statusChanged: createdAt,
  syncState: "DISABLED",
  credentials: { userName: user.profile.login },
  profile: {},
  _links: { app: { href: `${BASE}/api/v1/apps/${appId}` }, user: { href: `${BASE}/api/v1/users/${user.id}` } },
});

const notFound = (id: string, type: string) => [404, "E0000007", `Not found: Resource not found: ${id} (${type})`] as const;

describe("app assignments: users", () => {
  it("assigns a user directly and answers 200 with Okta's AppUser", async () => {
    const app = await createAppRecord();
    const user = await createUser();
    expect(await isAssignedToApp(env.DB, app.id, user.id)).toBe(false);
    const res = await assignUser(app.id, { id: user.id, scope: "USER", credentials: { userName: user.profile.login } });
    const body = await created(res);
    expect(body.created).toMatch(ISO_MS);
    expect(body).toEqual(appUser(app.id, user, "USER", body.created));
    expect(await list(`/apps/${app.id}/users`)).toEqual([body]);
    expect(await created(await admin(`/apps/${app.id}/users/${user.id}`))).toEqual(body);
    expect(await isAssignedToApp(env.DB, app.id, user.id)).toBe(true);
  });

  it("keeps the first assignment when a user is assigned again", async () => {
    const app = await createAppRecord();
    const user = await createUser();
    const first = await created(await assignUser(app.id, { id: user.id }));
    await new Promise((r) => setTimeout(r, 5));
    expect(await created(await assignUser(app.id, { id: user.id }))).toEqual(first);
  });

  it("accepts an update of an assigned user and answers with the AppUser", async () => {
    const app = await createAppRecord();
    const user = await createUser();
    const assigned = await created(await assignUser(app.id, { id: user.id }));
    expect(await created(await admin(`/apps/${app.id}/users/${user.id}`, { method: "POST", json: { profile: {} } }))).toEqual(assigned);
  });

  it("unassigns a user, after which the user is not assigned", async () => {
    const app = await createAppRecord();
    const user = await createUser();
    await assignUser(app.id, { id: user.id });
    const res = await admin(`/apps/${app.id}/users/${user.id}`, { method: "DELETE" });
    expect({ status: res.status, body: await res.text() }).toEqual({ status: 204, body: "" });
    expect(await isAssignedToApp(env.DB, app.id, user.id)).toBe(false);
    await expectOktaError(await admin(`/apps/${app.id}/users/${user.id}`), ...notFound(user.id, "AppUser"));
    await expectOktaError(await admin(`/apps/${app.id}/users/${user.id}`, { method: "DELETE" }), ...notFound(user.id, "AppUser"));
    await expectOktaError(await admin(`/apps/${app.id}/users/${user.id}`, { method: "POST", json: {} }), ...notFound(user.id, "AppUser"));
  });

  it("pages the assigned users with Link headers", async () => {
    const app = await createAppRecord();
    const users = [await createUser(), await createUser(), await createUser()];
    for (const u of users) await assignUser(app.id, { id: u.id });
    const res = await admin(`/apps/${app.id}/users?limit=2`);
    expect(((await res.json()) as any[]).map((u) => u.id)).toEqual([users[0]!.id, users[1]!.id]);
    const next = await admin(apiPath(links(res).next!));
    expect(((await next.json()) as any[]).map((u) => u.id)).toEqual([users[2]!.id]);
    expect(links(next).next).toBeUndefined();
  });

  it("refuses a body without a user id, or with a scope other than USER", async () => {
    const app = await createAppRecord();
    await expectOktaError(await assignUser(app.id, {}), 400, "E0000001", "Api validation failed: AppUser", ["id: The field cannot be left blank"]);
    await expectOktaError(await assignUser(app.id, { id: "00uX", scope: "GROUP" }), 400, "E0000001", "Api validation failed: AppUser", ['scope: must be "USER"']);
  });

  it("answers 404 for an unknown app or user", async () => {
    const app = await createAppRecord();
    const user = await createUser();
    const missingApp = "0oaNoSuchApp00000000";
    await expectOktaError(await assignUser(missingApp, { id: user.id }), ...notFound(missingApp, "App"));
    await expectOktaError(await admin(`/apps/${missingApp}/users`), ...notFound(missingApp, "App"));
    await expectOktaError(await admin(`/apps/${missingApp}/users/${user.id}`), ...notFound(missingApp, "App"));
    await expectOktaError(await admin(`/apps/${missingApp}/users/${user.id}`, { method: "DELETE" }), ...notFound(missingApp, "App"));
    await expectOktaError(await assignUser(app.id, { id: "00uNoSuchUser0000000" }), ...notFound("00uNoSuchUser0000000", "User"));
  });
});

describe("app assignments: groups", () => {
  it("assigns a group without a body, with the next priority, in Okta's shape", async () => {
    const app = await createAppRecord();
    const [a, b] = [await createGroup(), await createGroup()];
    const first = await created(await assignGroup(app.id, a.id));
    expect(first.lastUpdated).toMatch(ISO_MS);
    expect(first).toEqual({
      id: a.id,
      lastUpdated: first.lastUpdated,
      priority: 0,
      profile: {},
      _links: {
        app: { href: `${BASE}/api/v1/apps/${app.id}` },
        group: { href: `${BASE}/api/v1/groups/${a.id}` },
        self: { href: `${BASE}/api/v1/apps/${app.id}/groups/${a.id}` },
      },
    });
    const second = await created(await assignGroup(app.id, b.id, {}));
    expect(second.priority).toBe(1);
    expect(await list(`/apps/${app.id}/groups`)).toEqual([first, second]);
    expect(await created(await admin(`/apps/${app.id}/groups/${a.id}`))).toEqual(first);
  });

  it("changes the priority of an existing assignment and keeps it when none is given", async () => {
    const app = await createAppRecord();
    const group = await createGroup();
    await assignGroup(app.id, group.id);
    expect((await created(await assignGroup(app.id, group.id, { priority: 5 }))).priority).toBe(5);
    expect((await created(await assignGroup(app.id, group.id))).priority).toBe(5);
  });

  it("assigns the group's members, listed with scope GROUP", async () => {
    const app = await createAppRecord();
    const group = await createGroup();
    const [inGroup, direct, outside] = [await createUser(), await createUser(), await createUser()];
    await admin(`/groups/${group.id}/users/${inGroup.id}`, { method: "PUT" });
    await admin(`/groups/${group.id}/users/${direct.id}`, { method: "PUT" });
    const assignment = await created(await assignGroup(app.id, group.id));
    const directly = await created(await assignUser(app.id, { id: direct.id }));

    const listed = await list(`/apps/${app.id}/users`);
    expect(listed).toEqual([appUser(app.id, inGroup, "GROUP", assignment.lastUpdated), directly]);
    expect(await isAssignedToApp(env.DB, app.id, inGroup.id)).toBe(true);
    expect(await isAssignedToApp(env.DB, app.id, outside.id)).toBe(false);

    // A group assignment cannot be removed per user; leaving the group or unassigning the group ends it.
    await expectOktaError(await admin(`/apps/${app.id}/users/${inGroup.id}`, { method: "DELETE" }), ...notFound(inGroup.id, "AppUser"));
    await admin(`/groups/${group.id}/users/${inGroup.id}`, { method: "DELETE" });
    expect(await isAssignedToApp(env.DB, app.id, inGroup.id)).toBe(false);
  });

  it("assigns every user, new ones included, through Everyone", async () => {
    const app = await createAppRecord();
    expect((await created(await assignGroup(app.id, EVERYONE_GROUP_ID))).id).toBe(EVERYONE_GROUP_ID);
    const user = await createUser();
    expect(await isAssignedToApp(env.DB, app.id, user.id)).toBe(true);
    expect((await created(await admin(`/apps/${app.id}/users/${user.id}`))).scope).toBe("GROUP");
    expect(await isAssignedToApp(env.DB, app.id, "00uNoSuchUser0000000")).toBe(false);
  });

  it("unassigns a group, after which its members are not assigned", async () => {
    const app = await createAppRecord();
    const group = await createGroup();
    const user = await createUser();
    await admin(`/groups/${group.id}/users/${user.id}`, { method: "PUT" });
    await assignGroup(app.id, group.id);
    expect((await admin(`/apps/${app.id}/groups/${group.id}`, { method: "DELETE" })).status).toBe(204);
    expect(await isAssignedToApp(env.DB, app.id, user.id)).toBe(false);
    expect(await list(`/apps/${app.id}/groups`)).toEqual([]);
    const missing = notFound(group.id, "ApplicationGroupAssignment");
    await expectOktaError(await admin(`/apps/${app.id}/groups/${group.id}`), ...missing);
    await expectOktaError(await admin(`/apps/${app.id}/groups/${group.id}`, { method: "DELETE" }), ...missing);
  });

  it("drops assignments with the group and with the app", async () => {
    const app = await createAppRecord();
    const group = await createGroup();
    const user = await createUser();
    await assignGroup(app.id, group.id);
    await assignUser(app.id, { id: user.id });
    await admin(`/groups/${group.id}`, { method: "DELETE" });
    expect(await list(`/apps/${app.id}/groups`)).toEqual([]);
    await admin(`/apps/${app.id}/lifecycle/deactivate`, { method: "POST" });
    expect((await admin(`/apps/${app.id}`, { method: "DELETE" })).status).toBe(204);
    expect(await isAssignedToApp(env.DB, app.id, user.id)).toBe(false);
  });

  it("refuses a priority outside 0..100 and a body that is not JSON", async () => {
    const app = await createAppRecord();
    const group = await createGroup();
    const what = "Api validation failed: ApplicationGroupAssignment";
    await expectOktaError(await assignGroup(app.id, group.id, { priority: -1 }), 400, "E0000001", what, ["priority: Too small: expected number to be >=0"]);
    const res = await admin(`/apps/${app.id}/groups/${group.id}`, { method: "PUT", body: "priority=1", headers: { "Content-Type": "text/plain" } });
    await expectOktaError(res, 400, ...NOT_SUPPORTED, ['Content-Type: expected application/json, got "text/plain"']);
  });

  it("answers 404 for an unknown app or group", async () => {
    const app = await createAppRecord();
    const group = await createGroup();
    const missingApp = "0oaNoSuchApp00000000";
    await expectOktaError(await assignGroup(missingApp, group.id), ...notFound(missingApp, "App"));
    await expectOktaError(await admin(`/apps/${missingApp}/groups`), ...notFound(missingApp, "App"));
    await expectOktaError(await assignGroup(app.id, "00gNoSuchGroup000000"), ...notFound("00gNoSuchGroup000000", "UserGroup"));
  });
});
