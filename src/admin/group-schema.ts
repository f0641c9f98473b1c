import { z } from "zod";
import type { GroupRecord } from "../store/groups";
import { Links } from "./openapi";

/** Okta's Group body for create and replace: a profile with a name and an optional description. Unknown fields are ignored. */
export const GroupInput = z.object({
  profile: z.object({
    name: z
      .string({ error: (i) => (i.input === undefined || i.input === null ? "The field cannot be left blank" : "Expected a string") })
      .trim()
      .min(1, "The field cannot be left blank")
      .max(255, "must be at most 255 characters"),
    description: z.string().max(1024, "must be at most 1024 characters").nullish(),
  }),
}).meta({ id: "GroupRequest" });

export type GroupInput = z.infer<typeof GroupInput>;

/** The groups list's search: q is a name prefix (limit and after are read by readPaging). */
export const GroupListQuery = z.object({ q: z.string().max(256).optional() });

/** Okta's Group response object. */
export const Group = z
  .object({
    id: z.string(),
    created: z.string(),
    lastUpdated: z.string(),
    lastMembershipUpdated: z.string().nullable(),
    objectClass: z.array(z.string()),
    type: z.enum(["OKTA_GROUP", "APP_GROUP", "BUILT_IN"]),
    profile: z.object({ name: z.string(), description: z.string().nullable() }),
    _links: Links,
  })
  .meta({ id: "Group" });

/** Okta's Group response (objectClass okta:user_group); Everyone is BUILT_IN. */
export function toGroupResponse(g: GroupRecord, base: string): z.input<typeof Group> {
  const self = `${base}/api/v1/groups/${g.id}`;
  return {
    id: g.id,
    created: g.created,
    lastUpdated: g.lastUpdated,
    lastMembershipUpdated: g.lastMembershipUpdated,
    objectClass: ["okta:user_group"],
    type: g.type,
    profile: { name: g.profile.name, description: g.profile.description ?? null },
    _links: { self: { href: self }, users: { href: `${self}/users` } },
  };
}
