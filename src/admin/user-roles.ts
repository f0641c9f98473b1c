import { Hono } from "hono";
import { z } from "zod";
import { isoTime, nowMs } from "../clock";
import type { AppEnv } from "../env";
import { newId } from "../ids";
import { orgBase } from "../issuer";
import { deleteRole, listRoles, saveRole, type RoleRecord } from "../store/admin-access";
import { SUPER_ADMIN } from "./auth";
import { readBody } from "./body";
import { link } from "./links";
import { requireUser, notFoundError } from "./require";

// Okta's super admin role is the one Mintgate knows: it allows every admin API call a token's scopes allow.
const RoleInput = z.object({ type: z.literal(SUPER_ADMIN, { error: `only ${SUPER_ADMIN} is supported` }) });

const LABELS: Record<string, string> = { [SUPER_ADMIN]: "Super Organization Administrator" };

function toRole(r: RoleRecord, base: string) {
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
  .get("/:userId/roles", async (c) => {
    const user = await requireUser(c.env, c.req.param("userId"));
    const base = orgBase(c.env, c.req.url);
    return c.json((await listRoles(c.env.DB, user.id)).map((r) => toRole(r, base)));
  })
  .post("/:userId/roles", async (c) => {
    const user = await requireUser(c.env, c.req.param("userId"));
    const input = await readBody(c, RoleInput, "Role");
    const now = isoTime(nowMs());
    const { role, created } = await saveRole(c.env.DB, { id: newId("ra1"), userId: user.id, type: input.type, created: now, lastUpdated: now });
    return c.json(toRole(role, orgBase(c.env, c.req.url)), created ? 201 : 200);
  })
  .delete("/:userId/roles/:roleId", async (c) => {
    const user = await requireUser(c.env, c.req.param("userId"));
    if (!(await deleteRole(c.env.DB, user.id, c.req.param("roleId")))) throw notFoundError(c.req.param("roleId"), "Role");
    return c.body(null, 204);
  });
