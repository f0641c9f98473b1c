import { z } from "zod";
import type { ScopeRecord } from "../store/scopes";
import { link } from "./links";
import { Links } from "./openapi";

/**
 * Okta's scope name rules: printable ASCII except space, `"` and `\`; not `okta` or `*`, not starting with
 * `okta.` or `okta:` (reserved for Okta's own API scopes); may contain `<` or `>` but not both.
 */
export const ScopeName = z
  .string({
    error: (issue) => (issue.code !== "invalid_type" ? undefined : issue.input === undefined ? "The field is required" : "Expected a string"),
  })
  .min(1, "The field cannot be left blank")
  // Longest scope parameter Okta accepts (scope is at most 1024 characters).
  .max(1024, "A scope name can be at most 1024 characters")
  .regex(/^[\x21\x23-\x5b\x5d-\x7e]*$/, "A scope name may only contain printable ASCII characters other than space, '\"' and '\\'")
  .refine((n) => n !== "okta" && n !== "*", "The scope names 'okta' and '*' are reserved")
  .refine((n) => !n.startsWith("okta.") && !n.startsWith("okta:"), "A scope name cannot start with 'okta.' or 'okta:'")
  .refine((n) => !(n.includes("<") && n.includes(">")), "A scope name may contain '<' or '>' but not both");

/**
 * Okta's OAuth2Scope as a request body (create and replace). Read-only fields clients echo back (id, system,
 * _links) are accepted and ignored; unknown fields are dropped.
 */
export const ScopeInput = z.object({
  name: ScopeName,
  displayName: z.string().max(255).nullish(),
  description: z.string().max(1000).nullish(),
  consent: z.enum(["REQUIRED", "IMPLICIT", "FLEXIBLE"]).optional(),
  default: z.boolean().optional(),
  metadataPublish: z.enum(["ALL_CLIENTS", "NO_CLIENTS"]).optional(),
  optional: z.boolean().optional(),
}).meta({ id: "OAuth2ScopeRequest" });

export type ScopeInput = z.infer<typeof ScopeInput>;

/** The scope list's search: q is a name prefix. */
export const ScopeSearch = z.object({ q: z.string().max(1024).optional() });

/**
 * The scope list's paging: limit 1..200 (default 200, larger values capped) and after, the last name of the
 * previous page as the rel="next" link carries it. A bad value is Okta's E0000029 "Invalid paging request."
 */
export const ScopePaging = z.object({
  limit: z.coerce.number().int().min(1).default(200).transform((n) => Math.min(n, 200)),
  after: z.string().min(1, "must be a cursor from a Link header").max(1024).optional(),
});

/** The list's query parameters as documented (q, and paging read with ScopePaging). */
export const ScopeListQuery = ScopeSearch.extend({ after: z.string().optional(), limit: z.string().optional() });

/** Okta's OAuth2Scope response object. */
export const OAuth2Scope = z
  .object({
    id: z.string(),
    name: z.string(),
    displayName: z.string().optional(),
    description: z.string().optional(),
    system: z.boolean(),
    default: z.boolean(),
    consent: z.enum(["REQUIRED", "IMPLICIT", "FLEXIBLE"]),
    optional: z.boolean(),
    metadataPublish: z.enum(["ALL_CLIENTS", "NO_CLIENTS"]),
    _links: Links,
  })
  .meta({ id: "OAuth2Scope" });

/** Okta's OAuth2Scope response object; absent displayName and description are omitted as Okta omits nulls. */
export function toScopeResponse(s: ScopeRecord, base: string): z.input<typeof OAuth2Scope> {
  const self = `${base}/api/v1/authorizationServers/${s.authServerId}/scopes/${s.id}`;
  return {
    id: s.id,
    name: s.name,
    ...(s.displayName !== null ? { displayName: s.displayName } : {}),
    ...(s.description !== null ? { description: s.description } : {}),
    system: s.system,
    default: s.isDefault,
    consent: s.consent,
    optional: s.optional,
    metadataPublish: s.metadataPublish,
    // Links reflect what the object allows: a system scope cannot be deleted.
    _links: { self: s.system ? link(self, "GET", "PUT") : link(self, "GET", "PUT", "DELETE") },
  };
}
