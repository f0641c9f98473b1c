import { Hono, type Context } from "hono";
import { markStale } from "../sessions/fan-out";
import { z } from "zod";
import { isoTime } from "../clock";
import type { AppEnv } from "../env";
import { orgBase } from "../issuer";
import {
  assignGroup,
  assignUser,
  getAppGroup,
  getAppUser,
  listAppGroups,
  listAppUsers,
  unassignGroup,
  unassignUser,
  type AppGroupRecord,
  type AppUserRecord,
} from "../store/assignments";
import { readBody } from "./body";
import { Links, PagingQuery, type Operation } from "./openapi";
import { linkPage, readPaging } from "./paging";
import { requireApp, requireUser, requireGroup, notFoundError } from "./require";

/** Okta's AppUserAssignRequest: the user's id; scope, if given, USER. Credentials and profile are accepted and ignored. */
const AppUserInput = z.object({
  id: z.string({ error: "The field cannot be left blank" }).min(1, "The field cannot be left blank").max(100),
  scope: z.literal("USER", { error: 'must be "USER"' }).optional(),
  credentials: z.object({}).loose().optional(),
  profile: z.object({}).loose().optional(),
}).meta({ id: "AppUserAssignRequest" });

const AppUserUpdate = AppUserInput.partial().meta({ id: "AppUserUpdateRequest" });

/** Okta's ApplicationGroupAssignment body (optional): priority 0..100. */
const AppGroupInput = z.object({
  priority: z.number().int().min(0).max(100).optional(),
  profile: z.object({}).loose().optional(),
}).meta({ id: "ApplicationGroupAssignmentRequest" });

const AppUser = z
  .object({
    id: z.string(),
    scope: z.enum(["USER", "GROUP"]),
    status: z.literal("ACTIVE"),
    created: z.string(),
    lastUpdated: z.string(),
    statusChanged: z.string(),
    syncState: z.literal("DISABLED"),
    credentials: z.object({ userName: z.string() }),
    profile: z.object({}),
    _links: Links,
  })
  .meta({ id: "AppUser" });

const ApplicationGroupAssignment = z
  .object({ id: z.string(), lastUpdated: z.string(), priority: z.number().int(), profile: z.object({}), _links: Links })
  .meta({ id: "ApplicationGroupAssignment" });

const USERS = "/:appId/users";
const GROUPS = "/:appId/groups";

/** Issue 17: who is assigned through a group changed, so every token snapshot of the app's client is stale. */
async function staleClient(env: AppEnv["Bindings"], appId: string): Promise<void> {
  const app = await requireApp(env, appId);
  await markStale(env, { by: "client", clientId: app.clientId });
}

export const appAssignmentOperations: Operation[] = [
  { method: "get", path: USERS, operationId: "listApplicationUsers", summary: "List all users assigned to an app, directly or through a group", query: PagingQuery, status: 200, response: z.array(AppUser) },
  { method: "post", path: USERS, operationId: "assignUserToApplication", summary: "Assign a user to an app", body: AppUserInput, status: 200, response: AppUser },
  { method: "get", path: `${USERS}/:userId`, operationId: "getApplicationUser", summary: "Retrieve an app user", status: 200, response: AppUser },
  { method: "post", path: `${USERS}/:userId`, operationId: "updateApplicationUser", summary: "Update an app user (validated; Mintgate keeps no app profile)", body: AppUserUpdate, status: 200, response: AppUser },
  { method: "delete", path: `${USERS}/:userId`, operationId: "unassignUserFromApplication", summary: "Unassign a user assigned directly", status: 204 },
  { method: "get", path: GROUPS, operationId: "listApplicationGroupAssignments", summary: "List all groups assigned to an app", query: PagingQuery, status: 200, response: z.array(ApplicationGroupAssignment) },
  { method: "put", path: `${GROUPS}/:groupId`, operationId: "assignGroupToApplication", summary: "Assign a group to an app", body: AppGroupInput, optionalBody: true, status: 200, response: ApplicationGroupAssignment },
  { method: "get", path: `${GROUPS}/:groupId`, operationId: "getApplicationGroupAssignment", summary: "Retrieve an app's group assignment", status: 200, response: ApplicationGroupAssignment },
  { method: "delete", path: `${GROUPS}/:groupId`, operationId: "unassignApplicationFromGroup", summary: "Unassign a group from an app", status: 204 },
];

/** Okta's AppUser, minimal: an OIDC app has no provisioning, so the assignment is ACTIVE and never synced. */
function toAppUserResponse(a: AppUserRecord, appId: string, base: string): z.input<typeof AppUser> {
  return {
    id: a.user.id,
    scope: a.scope,
    status: "ACTIVE",
    created: a.created,
    lastUpdated: a.created,
    statusChanged: a.created,
    syncState: "DISABLED",
    credentials: { userName: a.user.profile.login },
    profile: {},
    _links: { app: { href: `${base}/api/v1/apps/${appId}` }, user: { href: `${base}/api/v1/users/${a.user.id}` } },
  };
}

function toAppGroupResponse(a: AppGroupRecord, base: string): z.input<typeof ApplicationGroupAssignment> {
  return {
    id: a.groupId,
    lastUpdated: a.created,
    priority: a.priority,
    profile: {},
    _links: {
      app: { href: `${base}/api/v1/apps/${a.appId}` },
      group: { href: `${base}/api/v1/groups/${a.groupId}` },
      self: { href: `${base}/api/v1/apps/${a.appId}/groups/${a.groupId}` },
    },
  };
}

/** Okta's assign-group body is optional: a request without a body means {} (Hono caches the body for readBody). */
async function readOptionalBody<S extends z.ZodType>(c: Context, schema: S, what: string): Promise<z.infer<S>> {
  const declared = c.req.header("Content-Length");
  if ((declared === undefined || declared === "0") && (await c.req.arrayBuffer()).byteLength === 0) return schema.parse({});
  return readBody(c, schema, what);
}

export const appAssignments = new Hono<AppEnv>()
  .get(USERS, async (c) => {
    const appId = c.req.param("appId");
    await requireApp(c.env, appId);
    const paging = readPaging(c, 200);
    const page = await listAppUsers(c.env.DB, appId, { limit: paging.limit, afterSeq: paging.after });
    const base = orgBase(c.env, c.req.url);
    linkPage(c, `${base}/api/v1/apps/${appId}/users`, {}, paging, { items: page.items.map((a) => a.user), more: page.more });
    return c.json(page.items.map((a) => toAppUserResponse(a, appId, base)));
  })
  .post(USERS, async (c) => {
    const appId = c.req.param("appId");
    await requireApp(c.env, appId);
    const input = await readBody(c, AppUserInput, "AppUser");
    const user = await requireUser(c.env, input.id);
    await assignUser(c.env.DB, appId, user.id, isoTime(c.get("now")));
    await markStale(c.env, { by: "user", userId: user.id });
    const assigned = await getAppUser(c.env.DB, appId, user.id);
    if (!assigned) throw notFoundError(user.id, "AppUser");
    // Okta: assigning a user answers 200 with the AppUser.
    return c.json(toAppUserResponse(assigned, appId, orgBase(c.env, c.req.url)));
  })
  .get(`${USERS}/:userId`, async (c) => {
    const appId = c.req.param("appId");
    await requireApp(c.env, appId);
    const assigned = await getAppUser(c.env.DB, appId, c.req.param("userId"));
    if (!assigned) throw notFoundError(c.req.param("userId"), "AppUser");
    return c.json(toAppUserResponse(assigned, appId, orgBase(c.env, c.req.url)));
  })
  .post(`${USERS}/:userId`, async (c) => {
    // Okta's update of an app user: Mintgate keeps no app-specific credentials or profile, so it only validates.
    const appId = c.req.param("appId");
    await requireApp(c.env, appId);
    await readBody(c, AppUserUpdate, "AppUser");
    const assigned = await getAppUser(c.env.DB, appId, c.req.param("userId"));
    if (!assigned) throw notFoundError(c.req.param("userId"), "AppUser");
    return c.json(toAppUserResponse(assigned, appId, orgBase(c.env, c.req.url)));
  })
  .delete(`${USERS}/:userId`, async (c) => {
    const appId = c.req.param("appId");
    await requireApp(c.env, appId);
    // Only a direct assignment can be removed; one through a group goes with the group's assignment.
    if (!(await unassignUser(c.env.DB, appId, c.req.param("userId")))) {
      throw notFoundError(c.req.param("userId"), "AppUser");
    }
    // Issue 17: a refresh re-checks the assignment from the person's snapshot, now stale.
    await markStale(c.env, { by: "user", userId: c.req.param("userId") });
    return c.body(null, 204);
  })
  .get(GROUPS, async (c) => {
    const appId = c.req.param("appId");
    await requireApp(c.env, appId);
    const paging = readPaging(c, 200);
    const page = await listAppGroups(c.env.DB, appId, { limit: paging.limit, afterSeq: paging.after });
    const base = orgBase(c.env, c.req.url);
    linkPage(c, `${base}/api/v1/apps/${appId}/groups`, {}, paging, page);
    return c.json(page.items.map((a) => toAppGroupResponse(a, base)));
  })
  .put(`${GROUPS}/:groupId`, async (c) => {
    const appId = c.req.param("appId");
    await requireApp(c.env, appId);
    const group = await requireGroup(c.env, c.req.param("groupId"));
    const input = await readOptionalBody(c, AppGroupInput, "ApplicationGroupAssignment");
    const assigned = await assignGroup(c.env.DB, appId, group.id, input.priority, isoTime(c.get("now")));
    await staleClient(c.env, appId);
    return c.json(toAppGroupResponse(assigned, orgBase(c.env, c.req.url)));
  })
  .get(`${GROUPS}/:groupId`, async (c) => {
    const appId = c.req.param("appId");
    await requireApp(c.env, appId);
    const assigned = await getAppGroup(c.env.DB, appId, c.req.param("groupId"));
    if (!assigned) throw notFoundError(c.req.param("groupId"), "ApplicationGroupAssignment");
    return c.json(toAppGroupResponse(assigned, orgBase(c.env, c.req.url)));
  })
  .delete(`${GROUPS}/:groupId`, async (c) => {
    const appId = c.req.param("appId");
    await requireApp(c.env, appId);
    if (!(await unassignGroup(c.env.DB, appId, c.req.param("groupId")))) {
      throw notFoundError(c.req.param("groupId"), "ApplicationGroupAssignment");
    }
    await staleClient(c.env, appId);
    return c.body(null, 204);
  });
