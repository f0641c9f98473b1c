import { Hono } from "hono";
import { markStale } from "../sessions/fan-out";
import { isoTime } from "../clock";
import type { AppEnv } from "../env";
import { ApiError, validationError } from "../errors";
import { newId } from "../ids";
import { orgBase } from "../issuer";
import { deleteGroup, groupMemberIds, insertGroup, listGroups, replaceGroup, setMembership, type GroupRecord } from "../store/groups";
import { listGroupMembers } from "../store/users";
import { readBody, readQuery } from "./body";
import { z } from "zod";
import { Group, GroupInput, GroupListQuery, toGroupResponse } from "./group-schema";
import { PagingQuery, type Operation } from "./openapi";
import { linkPage, readPaging } from "./paging";
import { toUserResponse, User } from "./user-schema";
import { requireUser, requireGroup, notFoundError } from "./require";
import { membershipTargets } from "./audit-targets";

const WHAT = "UserGroup";

// Okta: the built-in Everyone group cannot be changed or deleted, and its membership is every user.
function refuseBuiltIn(group: GroupRecord, what: string): void {
  if (group.type === "BUILT_IN") throw new ApiError("E0000006", undefined, [`${what}: the BUILT_IN group ${group.profile.name} is managed by the system`]);
}

const nameTaken = () => validationError("name", ["name: An object with this field already exists in the current organization"]);

const profileOf = (input: GroupInput) => ({ name: input.profile.name, description: input.profile.description ?? null });

/** Issue 17: marks the token snapshots of a group's members stale (src/sessions/fan-out.ts). */
async function staleMembers(env: AppEnv["Bindings"], groupId: string): Promise<void> {
  await Promise.all((await groupMemberIds(env.DB, groupId)).map((userId) => markStale(env, { by: "user", userId })));
}

export const groupOperations: Operation[] = [
  { method: "get", path: "/", operationId: "listGroups", summary: "List all groups", query: GroupListQuery.extend(PagingQuery.shape), status: 200, response: z.array(Group) },
  { method: "post", path: "/", operationId: "addGroup", summary: "Create a group", body: GroupInput, status: 200, response: Group },
  { method: "get", path: "/:id", operationId: "getGroup", summary: "Retrieve a group", status: 200, response: Group },
  { method: "put", path: "/:id", operationId: "replaceGroup", summary: "Replace a group's profile", body: GroupInput, status: 200, response: Group },
  { method: "delete", path: "/:id", operationId: "deleteGroup", summary: "Delete a group", status: 204 },
  { method: "get", path: "/:id/users", operationId: "listGroupUsers", summary: "List all member users", query: PagingQuery, status: 200, response: z.array(User) },
  { method: "put", path: "/:id/users/:userId", operationId: "assignUserToGroup", summary: "Assign a user to a group", status: 204 },
  { method: "delete", path: "/:id/users/:userId", operationId: "unassignUserFromGroup", summary: "Unassign a user from a group", status: 204 },
];

export const groups = new Hono<AppEnv>()
  .get("/", async (c) => {
    const q = readQuery(c, GroupListQuery, WHAT);
    const paging = readPaging(c, 200);
    const page = await listGroups(c.env.DB, { q: q.q, limit: paging.limit, afterSeq: paging.after });
    const base = orgBase(c.env, c.req.url);
    linkPage(c, `${base}/api/v1/groups`, { q: q.q }, paging, page);
    return c.json(page.items.map((g) => toGroupResponse(g, base)));
  })
  .post("/", async (c) => {
    const input = await readBody(c, GroupInput, WHAT);
    const group = await insertGroup(c.env.DB, { id: newId("00g"), profile: profileOf(input), now: isoTime(c.get("now")) });
    if (!group) throw nameTaken();
    // Okta: creating a group answers 200.
    return c.json(toGroupResponse(group, orgBase(c.env, c.req.url)));
  })
  .get("/:id", async (c) => c.json(toGroupResponse(await requireGroup(c.env, c.req.param("id")), orgBase(c.env, c.req.url))))
  .put("/:id", async (c) => {
    const group = await requireGroup(c.env, c.req.param("id"));
    refuseBuiltIn(group, "profile");
    const input = await readBody(c, GroupInput, WHAT);
    const updated = await replaceGroup(c.env.DB, { id: group.id, profile: profileOf(input), now: isoTime(c.get("now")) });
    if (updated === "name_taken") throw nameTaken();
    if (!updated) throw notFoundError(group.id, "UserGroup");
    // Issue 17: the group's name is in its members' token snapshots (GROUPS claims).
    await staleMembers(c.env, group.id);
    return c.json(toGroupResponse(updated, orgBase(c.env, c.req.url)));
  })
  .delete("/:id", async (c) => {
    const group = await requireGroup(c.env, c.req.param("id"));
    refuseBuiltIn(group, "group");
    const members = await groupMemberIds(c.env.DB, group.id);
    if (!(await deleteGroup(c.env.DB, group.id))) throw notFoundError(group.id, "UserGroup");
    // Issue 17: the members' groups (and assignments through this group) changed; their token snapshots are stale.
    await Promise.all(members.map((userId) => markStale(c.env, { by: "user", userId })));
    return c.body(null, 204);
  })
  .get("/:id/users", async (c) => {
    const group = await requireGroup(c.env, c.req.param("id"));
    const paging = readPaging(c, 200);
    const page = await listGroupMembers(c.env.DB, group.id, { limit: paging.limit, afterSeq: paging.after });
    const base = orgBase(c.env, c.req.url);
    linkPage(c, `${base}/api/v1/groups/${group.id}/users`, {}, paging, page);
    return c.json(page.items.map((u) => toUserResponse(u, base)));
  })
  .put("/:id/users/:userId", async (c) => {
    const group = await requireGroup(c.env, c.req.param("id"));
    refuseBuiltIn(group, "membership");
    const user = await requireUser(c.env, c.req.param("userId"));
    await setMembership(c.env.DB, group.id, user.id, true, isoTime(c.get("now")));
    c.set("auditTargets", membershipTargets(user, group));
    await markStale(c.env, { by: "user", userId: user.id });
    return c.body(null, 204);
  })
  .delete("/:id/users/:userId", async (c) => {
    const group = await requireGroup(c.env, c.req.param("id"));
    refuseBuiltIn(group, "membership");
    const user = await requireUser(c.env, c.req.param("userId"));
    await setMembership(c.env.DB, group.id, user.id, false, isoTime(c.get("now")));
    c.set("auditTargets", membershipTargets(user, group));
    // Issue 17: the person's groups (claims, policy, assignments through groups) changed.
    await markStale(c.env, { by: "user", userId: user.id });
    return c.body(null, 204);
  });
