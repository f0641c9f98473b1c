import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { advanceTime } from "../support/clock";
import { EVERYONE_GROUP_ID, userGroups } from "../../src/store/groups";
import { admin, BASE } from "../support/admin";
import { apiPath, expectOktaError, links } from "../support/fixtures";

const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const VALIDATION = "Api validation failed: UserGroup";
const FORBIDDEN = "You do not have permission to perform the requested action";

let counter = 0;
const unique = (prefix: string) => `${prefix} ${Date.now().toString(36)}${(counter++).toString(36)}`;

async function createGroup(name = unique("Engineering"), description: string | null = "Builds things") {
  const res = await admin("/groups", { method: "POST", json: { profile: { name, ...(description === null ? {} : { description }) } } });
  if (res.status !== 200) throw new Error(`create failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, any>;
}

async function createUser() {
  const login = `member.${Date.now().toString(36)}${(counter++).toString(36)}@example.com`;
  const res = await admin("/users", { method: "POST", json: { profile: { login, email: login, firstName: "M", lastName: "Ember" } } });
  if (res.status !== 200) throw new Error(`create user failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, any>;
}

async function json(path: string) {
  const res = await admin(path);
  expect(res.status).toBe(200);
  return res.json() as Promise<any>;
}

const member = (groupId: string, userId: string, method: "PUT" | "DELETE") => admin(`/groups/${groupId}/users/${userId}`, { method });
const groupLinks = (id: string) => ({ self: { href: `${BASE}/api/v1/groups/${id}` }, users: { href: `${BASE}/api/v1/groups/${id}/users` } });
const notFoundGroup = (id: string) => [404, "E0000007", `Not found: Resource not found: ${id} (UserGroup)`] as const;

describe("groups: create, read, replace, delete", () => {
  it("creates an OKTA_GROUP in Okta's shape", async () => {
    const name = unique("Engineering");
    const group = await createGroup(name);
    expect(group.id).toMatch(/^00g[0-9A-Za-z]{17}$/);
    expect(group.created).toMatch(ISO_MS);
    expect(group).toEqual({
      id: group.id,
      created: group.created,
      lastUpdated: group.created,
      lastMembershipUpdated: group.created,
      objectClass: ["okta:user_group"],
      type: "OKTA_GROUP",
      profile: { name, description: "Builds things" },
      _links: groupLinks(group.id),
    });
    expect(await json(`/groups/${group.id}`)).toEqual(group);
  });

  it("shows a group without a description with description null", async () => {
    const group = await createGroup(unique("Bare"), null);
    expect(group.profile.description).toBeNull();
  });

  it("lists the built-in Everyone group", async () => {
    const everyone = await json(`/groups/${EVERYONE_GROUP_ID}`);
    expect(everyone).toEqual({
      id: EVERYONE_GROUP_ID,
      created: expect.stringMatching(ISO_MS),
      lastUpdated: expect.stringMatching(ISO_MS),
      lastMembershipUpdated: expect.stringMatching(ISO_MS),
      objectClass: ["okta:user_group"],
      type: "BUILT_IN",
      profile: { name: "Everyone", description: "All users in your organization" },
      _links: groupLinks(EVERYONE_GROUP_ID),
    });
    expect(((await json("/groups?q=Every")) as any[]).map((g) => g.id)).toContain(EVERYONE_GROUP_ID);
  });

  it("matches q against the start of the name and pages with Link headers", async () => {
    const prefix = unique("Paged");
    const made = [await createGroup(`${prefix} a`), await createGroup(`${prefix} b`), await createGroup(`${prefix} c`)];
    const res = await admin(`/groups?q=${encodeURIComponent(prefix)}&limit=2`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as any[]).map((g) => g.id)).toEqual([made[0]!.id, made[1]!.id]);
    const next = await admin(apiPath(links(res).next!));
    expect(((await next.json()) as any[]).map((g) => g.id)).toEqual([made[2]!.id]);
    expect(links(next).next).toBeUndefined();
    expect(((await json(`/groups?q=${encodeURIComponent(prefix.toLowerCase())}`)) as any[])).toHaveLength(3);
    // D1 refuses LIKE patterns over 50 bytes; a long q is still a prefix search.
    expect(await json(`/groups?q=${"q".repeat(200)}`)).toEqual([]);
    await expectOktaError(await admin(`/groups/${made[0]!.id}/users?after=x`), 400, "E0000029", "Invalid paging request.", [
      "after: must be a cursor from a Link header",
    ]);
  });

  it("replaces the profile on PUT", async () => {
    const group = await createGroup();
    const name = unique("Renamed");
    const res = await admin(`/groups/${group.id}`, { method: "PUT", json: { profile: { name } } });
    expect(res.status).toBe(200);
    const updated = (await res.json()) as Record<string, any>;
    expect(updated.profile).toEqual({ name, description: null });
    expect(updated.created).toBe(group.created);
    expect(updated.lastUpdated >= group.lastUpdated).toBe(true);
    expect(await json(`/groups/${group.id}`)).toEqual(updated);
  });

  it("deletes a group, then answers 404 for it", async () => {
    const group = await createGroup();
    expect((await admin(`/groups/${group.id}`, { method: "DELETE" })).status).toBe(204);
    await expectOktaError(await admin(`/groups/${group.id}`), ...notFoundGroup(group.id));
    await expectOktaError(await admin(`/groups/${group.id}`, { method: "DELETE" }), ...notFoundGroup(group.id));
    await expectOktaError(await admin(`/groups/${group.id}`, { method: "PUT", json: { profile: { name: "x" } } }), ...notFoundGroup(group.id));
  });
});

describe("groups: validation and uniqueness", () => {
  it("requires a name", async () => {
    await expectOktaError(await admin("/groups", { method: "POST", json: { profile: { description: "no name" } } }), 400, "E0000001", VALIDATION, [
      "profile.name: The field cannot be left blank",
    ]);
    await expectOktaError(await admin("/groups", { method: "POST", json: { profile: { name: "   " } } }), 400, "E0000001", VALIDATION, [
      "profile.name: The field cannot be left blank",
    ]);
    await expectOktaError(await admin("/groups", { method: "POST", json: {} }), 400, "E0000001", VALIDATION, [
      "profile: Invalid input: expected object, received undefined",
    ]);
  });

  it("limits the name to 255 characters", async () => {
    await expectOktaError(await admin("/groups", { method: "POST", json: { profile: { name: "n".repeat(256) } } }), 400, "E0000001", VALIDATION, [
      "profile.name: must be at most 255 characters",
    ]);
  });

  it("refuses a name another group has, whatever its case, on create and on replace", async () => {
    const taken = await createGroup();
    const cause = ["name: An object with this field already exists in the current organization"];
    await expectOktaError(
      await admin("/groups", { method: "POST", json: { profile: { name: taken.profile.name.toUpperCase() } } }),
      400, "E0000001", "Api validation failed: name", cause,
    );
    const other = await createGroup();
    await expectOktaError(
      await admin(`/groups/${other.id}`, { method: "PUT", json: { profile: { name: taken.profile.name } } }),
      400, "E0000001", "Api validation failed: name", cause,
    );
    await expectOktaError(
      await admin("/groups", { method: "POST", json: { profile: { name: "everyone" } } }),
      400, "E0000001", "Api validation failed: name", cause,
    );
  });

  it("keeps its own name on replace", async () => {
    const group = await createGroup();
    const res = await admin(`/groups/${group.id}`, { method: "PUT", json: { profile: { name: group.profile.name, description: "new" } } });
    expect(res.status).toBe(200);
  });
});

describe("groups: the built-in Everyone group", () => {
  it("cannot be replaced or deleted", async () => {
    await expectOktaError(await admin(`/groups/${EVERYONE_GROUP_ID}`, { method: "PUT", json: { profile: { name: "All" } } }), 403, "E0000006", FORBIDDEN, [
      "profile: the BUILT_IN group Everyone is managed by the system",
    ]);
    await expectOktaError(await admin(`/groups/${EVERYONE_GROUP_ID}`, { method: "DELETE" }), 403, "E0000006", FORBIDDEN, [
      "group: the BUILT_IN group Everyone is managed by the system",
    ]);
    expect((await json(`/groups/${EVERYONE_GROUP_ID}`)).profile.name).toBe("Everyone");
  });

  it("holds every user, and its membership cannot be changed", async () => {
    const user = await createUser();
    const all: string[] = [];
    let path: string | undefined = `/groups/${EVERYONE_GROUP_ID}/users?limit=200`;
    while (path) {
      const res = await admin(path);
      all.push(...((await res.json()) as any[]).map((u) => u.id));
      path = links(res).next ? apiPath(links(res).next!) : undefined;
    }
    expect(all).toContain(user.id);
    for (const method of ["PUT", "DELETE"] as const) {
      await expectOktaError(await member(EVERYONE_GROUP_ID, user.id, method), 403, "E0000006", FORBIDDEN, [
        "membership: the BUILT_IN group Everyone is managed by the system",
      ]);
    }
  });
});

describe("groups: membership", () => {
  it("adds a member, lists them, and removes them", async () => {
    const group = await createGroup();
    const user = await createUser();
    advanceTime(1_000);
    const res = await member(group.id, user.id, "PUT");
    expect({ status: res.status, body: await res.text() }).toEqual({ status: 204, body: "" });
    const members = (await json(`/groups/${group.id}/users`)) as any[];
    expect(members).toEqual([await json(`/users/${user.id}`)]);
    const after = await json(`/groups/${group.id}`);
    expect(after.lastMembershipUpdated > group.lastMembershipUpdated).toBe(true);
    expect(after.lastUpdated).toBe(group.lastUpdated);

    expect((await member(group.id, user.id, "DELETE")).status).toBe(204);
    expect(await json(`/groups/${group.id}/users`)).toEqual([]);
  });

  it("adds a member idempotently without moving lastMembershipUpdated", async () => {
    const group = await createGroup();
    const user = await createUser();
    await member(group.id, user.id, "PUT");
    const first = (await json(`/groups/${group.id}`)).lastMembershipUpdated;
    advanceTime(1_000);
    expect((await member(group.id, user.id, "PUT")).status).toBe(204);
    expect((await json(`/groups/${group.id}`)).lastMembershipUpdated).toBe(first);
    expect(await json(`/groups/${group.id}/users`)).toHaveLength(1);
  });

  it("lists a user's groups, Everyone first", async () => {
    const [a, b] = [await createGroup(), await createGroup()];
    const user = await createUser();
    await member(b.id, user.id, "PUT");
    await member(a.id, user.id, "PUT");
    const groups = (await json(`/users/${user.id}/groups`)) as any[];
    expect(groups.map((g) => g.id)).toEqual([EVERYONE_GROUP_ID, a.id, b.id]);
    expect(groups[1]).toEqual(await json(`/groups/${a.id}`));
    expect(await userGroups(env.DB, user.id)).toEqual([
      { id: EVERYONE_GROUP_ID, name: "Everyone" },
      { id: a.id, name: a.profile.name },
      { id: b.id, name: b.profile.name },
    ]);
  });

  it("drops memberships with the group", async () => {
    const group = await createGroup();
    const user = await createUser();
    await member(group.id, user.id, "PUT");
    await admin(`/groups/${group.id}`, { method: "DELETE" });
    expect(((await json(`/users/${user.id}/groups`)) as any[]).map((g) => g.id)).toEqual([EVERYONE_GROUP_ID]);
  });

  it("drops memberships with the user", async () => {
    const group = await createGroup();
    const user = await createUser();
    await member(group.id, user.id, "PUT");
    await admin(`/users/${user.id}`, { method: "DELETE" });
    await admin(`/users/${user.id}`, { method: "DELETE" });
    expect(await json(`/groups/${group.id}/users`)).toEqual([]);
    expect(await userGroups(env.DB, user.id)).toEqual([]);
  });

  it("answers 404 for an unknown group or user", async () => {
    const group = await createGroup();
    const user = await createUser();
    await expectOktaError(await member("00gNoSuchGroup000000", user.id, "PUT"), ...notFoundGroup("00gNoSuchGroup000000"));
    await expectOktaError(await member(group.id, "00uNoSuchUser0000000", "PUT"), 404, "E0000007", "Not found: Resource not found: 00uNoSuchUser0000000 (User)");
    await expectOktaError(await member(group.id, "00uNoSuchUser0000000", "DELETE"), 404, "E0000007", "Not found: Resource not found: 00uNoSuchUser0000000 (User)");
    await expectOktaError(await admin("/groups/00gNoSuchGroup000000/users"), ...notFoundGroup("00gNoSuchGroup000000"));
    await expectOktaError(await admin("/users/00uNoSuchUser0000000/groups"), 404, "E0000007", "Not found: Resource not found: 00uNoSuchUser0000000 (User)");
  });
});
