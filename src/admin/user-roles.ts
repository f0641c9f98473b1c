import { Hono } from "hono";
import { z } from "zod";
import { isoTime } from "../clock";
import type { AppEnv } from "../env";
import { newId } from "../ids";
import { orgBase } from "../issuer";
import { deleteRole, listRoles, saveRole, type RoleRecord } from "../store/admin-access";
import { SUPER_ADMIN } from "./auth";
import { readBody } from "./body";
import { link } from "./links";
import { Links, type Operation } from "./openapi";
import { requireUser, notFoundError } from "./require";

// Okta's super admin role is the one Mintgate knows: it allows every admin API call a token's scopes allow.
const RoleInput = z.object({ type: z.literal(SUPER_ADMIN, { error: `only ${SUPER_ADMIN} is supported` }) }).meta({ id: "AssignRoleRequest" });

/** Okta's Role assignment response object. */
const Role = z
  .object({
    id: z.string(),
    label: z.string(),
    type: z.string(),
    status: z.literal("ACTIVE"),
    created: z.string(),
    lastUpdated: z.string(),
    assignmentType: z.literal("USER"),
    _links: Links,
  })
  .meta({ id: "Role" });

const ROLES = "/:userId/roles";

export const userRoleOperations: Operation[] = [
  { method: "get", path: ROLES, operationId: "listAssignedRolesForUser", summary: "List all roles assigned to a user", status: 200, response: z.array(Role) },
  { method: "post", path: ROLES, operationId: "assignRoleToUser", summary: "Assign a role to a user (200 when it was already assigned)", body: RoleInput, status: 201, alsoStatus: 200, response: Role },
  { method: "delete", path: `${ROLES}/:roleId`, operationId: "unassignRoleFromUser", summary: "Unassign a role from a user", status: 204 },
];

const LABELS: Record<string, string> = { [SUPER_ADMIN]: "Super Organization Administrator" };

function toRole(r: RoleRecord, base: string): z.input<typeof Role> {
  return {
    id: r.id,
    label: LABELS[r.type] ?? r.type,
    type: r.type,
    status: "ACTIVE",
    created: r.created,
    lastUpdated: r.lastUpdated,
    assignmentType: "USER",
    _links: { assignee: link(`${base}/api/v1/users/${r.userId}`, "GET") },
  };
}

/** /api/v1/users/{userId}/roles: administrator roles of people (Okta). */
export const userRoles = new Hono<AppEnv>()
  .get(ROLES, async (c) => {
    const user = await requireUser(c.env, c.req.param("userId"));
    const base = orgBase(c.env, c.req.url);
    return c.json((await listRoles(c.env.DB, user.id)).map((r) => toRole(r, base)));
  })
  .post(ROLES, async (c) => {
    const user = await requireUser(c.env, c.req.param("userId"));
    const input = await readBody(c, RoleInput, "Role");
    const now = isoTime(c.get("now"));
    const { role, created } = await saveRole(c.env.DB, { id: newId("ra1"), userId: user.id, type: input.type, created: now, lastUpdated: now });
    return c.json(toRole(role, orgBase(c.env, c.req.url)), created ? 201 : 200);
  })
  .delete(`${ROLES}/:roleId`, async (c) => {
    const user = await requireUser(c.env, c.req.param("userId"));
    if (!(await deleteRole(c.env.DB, user.id, c.req.param("roleId")))) throw notFoundError(c.req.param("roleId"), "Role");
    return c.body(null, 204);
  });
