import { z } from "zod";
import type { UserRecord } from "../store/users";
import { Links } from "./openapi";

const required = (issue: { input: unknown }) => (issue.input === undefined || issue.input === null ? "The field cannot be left blank" : "Expected a string");

/**
 * Okta's login is 5..100 characters and unique. Okta's default login pattern also wants an email address; Mintgate
 * has no per-org login pattern, so it accepts any login without whitespace or control characters.
 */
const Login = z
  .string({ error: required })
  .min(5, "must be at least 5 characters")
  .max(100, "must be at most 100 characters")
  .regex(/^[^\s\p{Cc}]+$/u, "must not contain whitespace or control characters");

const Email = z.email({ error: (i) => (i.input === undefined || i.input === null ? "The field cannot be left blank" : "Does not match required pattern") }).min(5).max(100);

// Okta's base schema: firstName and lastName 1..50 characters, required.
const Name = z.string({ error: required }).trim().min(1, "The field cannot be left blank").max(50, "must be at most 50 characters");

// Okta custom attributes are strings, numbers, booleans or arrays of them; null unsets one.
const Scalar = z.union([z.string().max(1024), z.number(), z.boolean()]);
const Attribute = z.union([Scalar, z.array(Scalar).max(100), z.null()]);

const profileShape = {
  login: Login,
  email: Email,
  firstName: Name,
  lastName: Name,
  secondEmail: z.email({ error: "Does not match required pattern" }).max(100).nullish(),
  locale: z.string().max(64).nullish(),
};

/** The whole profile, as create and replace (PUT) take it. */
export const UserProfileInput = z.object(profileShape).catchall(Attribute);
/** Some of the profile, as a partial update (POST /users/{id}) takes it. */
export const UserProfilePatch = z.object(profileShape).partial().catchall(Attribute);

// Okta's read-only credentials.emails shape, accepted on write by Mintgate (it sends no verification mail): an
// admin states whether the primary email is verified; OIDC email_verified says what is stored (security finding 9).
const PrimaryEmail = z.object({ type: z.literal("PRIMARY"), status: z.enum(["VERIFIED", "UNVERIFIED"]), value: z.string().optional() });

const Credentials = z.object({
  emails: z.array(PrimaryEmail).max(1, "only the PRIMARY email is supported").optional(),
  password: z.object({ value: z.string({ error: required }).min(1, "The field cannot be left blank").max(256, "must be at most 256 characters") }).optional(),
});

/** Okta's create-user body: a profile and, optionally, a password. Unknown top-level fields are ignored. */
export const UserCreateInput = z.object({ profile: UserProfileInput, credentials: Credentials.optional() }).meta({ id: "CreateUserRequest" });
export const UserReplaceInput = UserCreateInput;
export const UserPatchInput = z.object({ profile: UserProfilePatch.optional(), credentials: Credentials.optional() }).meta({ id: "UpdateUserRequest" });

export type UserProfileInput = z.infer<typeof UserProfileInput>;


/** The users list's search parameters (limit and after are read by readPaging). */
export const UserListQuery = z.object({
  q: z.string().max(256).optional(),
  search: z.string().max(1024).optional(),
  filter: z.string().max(1024).optional(),
});

/** One `attribute op "value"` clause of an Okta filter or search expression. */
export interface FilterClause {
  attr: string;
  op: string;
  value: string;
}

/**
 * Parses the small subset of Okta's filter/search language Mintgate supports: clauses `attr op "value"` joined by
 * `and`. Returns null for anything else (or, or, parentheses, unquoted values), which callers reject.
 */
export function parseFilter(expression: string): FilterClause[] | null {
  const clause = /^\s*([A-Za-z][A-Za-z0-9_.]*)\s+([a-z]{2})\s+"((?:[^"\\]|\\.)*)"\s*/;
  const clauses: FilterClause[] = [];
  let rest = expression;
  for (;;) {
    const m = clause.exec(rest);
    if (!m) return null;
    clauses.push({ attr: m[1]!, op: m[2]!, value: m[3]!.replace(/\\(.)/g, "$1") });
    rest = rest.slice(m[0].length);
    if (rest === "") return clauses.length <= 10 ? clauses : null;
    const and = /^and\s+/i.exec(rest);
    if (!and) return null;
    rest = rest.slice(and[0].length);
  }
}

const DEFAULT_USER_TYPE_ID = "otydefault0000000000";
const post = (href: string) => ({ href, method: "POST" });

/** Okta's User response object. */
export const User = z
  .object({
    id: z.string(),
    status: z.enum(["STAGED", "PROVISIONED", "ACTIVE", "RECOVERY", "PASSWORD_EXPIRED", "LOCKED_OUT", "SUSPENDED", "DEPROVISIONED"]),
    created: z.string(),
    activated: z.string().nullable(),
    statusChanged: z.string().nullable(),
    lastLogin: z.string().nullable(),
    lastUpdated: z.string(),
    passwordChanged: z.string().nullable(),
    type: z.object({ id: z.string() }),
    profile: z.record(z.string(), z.unknown()),
    credentials: z.object({
      password: z.object({}).optional(),
      emails: z.array(z.object({ value: z.string(), status: z.enum(["VERIFIED", "UNVERIFIED"]), type: z.literal("PRIMARY") })).optional(),
      provider: z.object({ type: z.string(), name: z.string() }) }),
    _links: Links,
  })
  .meta({ id: "User" });

/** Okta's User response. Credentials never carry secret material: a set password shows as `password: {}`. */
export function toUserResponse(u: UserRecord, base: string): z.input<typeof User> {
  const self = `${base}/api/v1/users/${u.id}`;
  const lifecycle = (action: string) => post(`${self}/lifecycle/${action}`);
  return {
    id: u.id,
    status: u.status,
    created: u.created,
    activated: u.activated,
    statusChanged: u.statusChanged,
    lastLogin: u.lastLogin,
    lastUpdated: u.lastUpdated,
    passwordChanged: u.passwordChanged,
    type: { id: DEFAULT_USER_TYPE_ID },
    profile: u.profile,
    credentials: {
      ...(u.passwordHash ? { password: {} } : {}),
      emails: [{ value: u.profile.email, status: u.emailStatus, type: "PRIMARY" }],
      provider: { type: "OKTA", name: "OKTA" },
    },
    // Okta: links reflect the lifecycle operations the user's status allows.
    _links: {
      self: { href: self },
      ...(u.status === "STAGED" || u.status === "DEPROVISIONED" ? { activate: lifecycle("activate") } : {}),
      ...(u.status === "ACTIVE" ? { suspend: lifecycle("suspend") } : {}),
      ...(u.status === "SUSPENDED" ? { unsuspend: lifecycle("unsuspend") } : {}),
      ...(u.status === "LOCKED_OUT" ? { unlock: lifecycle("unlock") } : {}),
      ...(u.status !== "DEPROVISIONED" ? { deactivate: lifecycle("deactivate") } : {}),
    },
  };
}
