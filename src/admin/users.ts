import { Hono, type Context } from "hono";
import { z } from "zod";
import { isoTime } from "../clock";
import type { AppEnv } from "../env";
import { ApiError, validationError } from "../errors";
import { newId } from "../ids";
import { orgBase } from "../issuer";
import { hashSecret } from "../secrets";
import { passwordViolation } from "../policy/password";
import { passwordSettings } from "../store/password-policy";
import { clientIp, requireMayHash } from "../throttle";
import { listUserGroups } from "../store/groups";
import {
  deleteDeprovisionedUser,
  insertUser,
  listUsers,
  transitionUser,
  updateUser,
  setPrimaryEmailStatus,
  type UserClause,
  type UserProfile,
  type UserRecord,
  type UserStatus,
} from "../store/users";
import { readBody, readQuery } from "./body";
import { Group, toGroupResponse } from "./group-schema";
import { EmptyObject, PagingQuery, type Operation } from "./openapi";
import { linkPage, readPaging } from "./paging";
import {
  parseFilter,
  toUserResponse,
  User,
  UserCreateInput,
  UserListQuery,
  UserPatchInput,
  UserProfileInput,
  UserReplaceInput,
} from "./user-schema";
import { requireUser, notFoundError } from "./require";
import { epochSeconds } from "../clock";
import { endPersonAccess, markStale } from "../sessions/fan-out";
import { requireMayChangeAdmin } from "./super-admin-guard";

const WHAT = "User";

// Okta's answer when a login is taken: the summary and the cause name the field.
const loginTaken = () => validationError("login", ["login: An object with this field already exists in the current organization"]);

// Okta answers an expression it cannot run with 400 E0000031 "Invalid search criteria."; the cause names the parameter.
const invalidSearch = (param: string, why: string) => new ApiError("E0000031", undefined, [`${param}: ${why}`]);

function searchClauses(param: "search" | "filter", expression: string): UserClause[] {
  const parsed = parseFilter(expression);
  if (!parsed) throw invalidSearch(param, 'supported expressions are clauses like profile.login eq "x" joined by and');
  return parsed.map((c) => {
    const profileAttr = /^profile\.[A-Za-z][A-Za-z0-9_]*$/.test(c.attr);
    if (c.op === "eq" && (c.attr === "id" || c.attr === "status" || profileAttr)) return { field: c.attr as UserClause["field"], op: "eq", value: c.value };
    if (c.op === "sw" && profileAttr) return { field: c.attr as UserClause["field"], op: "sw", value: c.value };
    throw invalidSearch(param, `'${c.attr} ${c.op}' is not supported (eq on id, status and profile attributes; sw on profile attributes)`);
  });
}

async function passwordFor(c: Context<AppEnv>, value: string | undefined, login: string, now: string) {
  if (value === undefined) return undefined;
  // The default password policy's complexity (Okta), then the throttle before PBKDF2.
  const violation = passwordViolation(value, login, (await passwordSettings(c.env.DB)).complexity);
  if (violation) throw validationError("password", [`credentials.password.value: ${violation}`]);
  await requireMayHash(c.env, { ip: clientIp(c.req.raw), account: `user:${login}` });
  return { hash: await hashSecret(value), changed: now };
}

/** An admin's statement about the primary email (credentials.emails), stored for email_verified. */
async function withEmailStatus(c: Context<AppEnv>, user: UserRecord, emails: Array<{ status: "VERIFIED" | "UNVERIFIED" }> | undefined): Promise<UserRecord> {
  const status = emails?.[0]?.status;
  if (!status) return user;
  await setPrimaryEmailStatus(c.env.DB, user.id, user.profile.email, status);
  return { ...user, emailStatus: status };
}

async function writeProfile(
  c: Context<AppEnv>,
  user: UserRecord,
  merged: Record<string, unknown>,
  password: string | undefined,
  emails?: Array<{ status: "VERIFIED" | "UNVERIFIED" }>,
) {
  // The merged profile must still be a whole, valid profile.
  const checked = UserProfileInput.safeParse(merged);
  if (!checked.success) throw validationError(WHAT, checked.error.issues.map((i) => `profile.${i.path.join(".")}: ${i.message}`));
  const profile = checked.data as UserProfile;
  const now = isoTime(c.get("now"));
  const pw = await passwordFor(c, password, profile.login, now);
  // A PROVISIONED user (activated without a password) becomes ACTIVE once an admin sets one.
  const updated = await updateUser(c.env.DB, { id: user.id, profile, password: pw, activate: pw !== undefined, now });
  if (updated === "login_taken") throw loginTaken();
  if (!updated) throw notFoundError(user.id, "User");
  // Okta: a password set by an admin ends the person's sessions and revokes their refresh tokens.
  if (pw) await endPersonAccess(c.env, user.id, epochSeconds(c.get("now")));
  // Issue 17: the profile is in the person's token snapshots (claims), now stale.
  else await markStale(c.env, { by: "user", userId: user.id });
  return c.json(toUserResponse(await withEmailStatus(c, updated, emails), orgBase(c.env, c.req.url)));
}

const ActivateQuery = z.object({ activate: z.enum(["true", "false"]).default("true") });

/** Okta's lifecycle operations: which statuses each starts from, where it leads, and the cause when refused. */
const LIFECYCLE: Record<string, { from: UserStatus[]; to: UserStatus | "ACTIVATED"; refused: string }> = {
  activate: { from: ["STAGED", "DEPROVISIONED"], to: "ACTIVATED", refused: "Activation failed because the user is already active" },
  deactivate: { from: ["STAGED", "PROVISIONED", "ACTIVE", "SUSPENDED", "LOCKED_OUT"], to: "DEPROVISIONED", refused: "Cannot deactivate a user that is already deactivated" },
  suspend: { from: ["ACTIVE"], to: "SUSPENDED", refused: "Cannot suspend a user that is not active" },
  unsuspend: { from: ["SUSPENDED"], to: "ACTIVE", refused: "Cannot unsuspend a user that is not suspended" },
};

const LIFECYCLE_PATH = "/:id/lifecycle/:action{activate|deactivate|suspend|unsuspend}";

export const userOperations: Operation[] = [
  { method: "get", path: "/", operationId: "listUsers", summary: "List all users", query: UserListQuery.extend(PagingQuery.shape), status: 200, response: z.array(User) },
  { method: "post", path: "/", operationId: "createUser", summary: "Create a user", query: ActivateQuery, body: UserCreateInput, status: 200, response: User },
  { method: "get", path: "/:id", operationId: "getUser", summary: "Retrieve a user by id or login", status: 200, response: User },
  { method: "post", path: "/:id", operationId: "updateUser", summary: "Update a user's profile and password (partial)", body: UserPatchInput, status: 200, response: User },
  { method: "put", path: "/:id", operationId: "replaceUser", summary: "Replace a user's profile", body: UserReplaceInput, status: 200, response: User },
  { method: "delete", path: "/:id", operationId: "deleteUser", summary: "Deactivate, then delete, a user", status: 204 },
  { method: "post", path: LIFECYCLE_PATH, operationId: "User", summary: "Activate, deactivate, suspend or unsuspend a user", status: 200, response: EmptyObject },
  { method: "get", path: "/:id/groups", operationId: "listUserGroups", summary: "List all groups of a user", status: 200, response: z.array(Group) },
];

export const users = new Hono<AppEnv>()
  .get("/", async (c) => {
    const q = readQuery(c, UserListQuery, WHAT);
    // Okta: users list limit defaults to 200, at most 200.
    const paging = readPaging(c, 200);
    const clauses = q.search !== undefined ? searchClauses("search", q.search) : q.filter !== undefined ? searchClauses("filter", q.filter) : undefined;
    const page = await listUsers(c.env.DB, { q: q.q, clauses, limit: paging.limit, afterSeq: paging.after });
    const base = orgBase(c.env, c.req.url);
    linkPage(c, `${base}/api/v1/users`, { q: q.q, search: q.search, filter: q.filter }, paging, page);
    return c.json(page.items.map((u) => toUserResponse(u, base)));
  })
  .post("/", async (c) => {
    const { activate } = readQuery(c, ActivateQuery, WHAT);
    const input = await readBody(c, UserCreateInput, WHAT);
    const now = isoTime(c.get("now"));
    const pw = await passwordFor(c, input.credentials?.password?.value, input.profile.login, now);
    // Okta: activate=false stages the user; activating needs a password to reach ACTIVE, else PROVISIONED.
    const status: UserStatus = activate === "false" ? "STAGED" : pw ? "ACTIVE" : "PROVISIONED";
    const user = await insertUser(c.env.DB, {
      id: newId("00u"),
      status,
      profile: input.profile as UserProfile,
      passwordHash: pw?.hash ?? null,
      created: now,
      activated: status === "ACTIVE" ? now : null,
      statusChanged: status === "STAGED" ? null : now,
      lastUpdated: now,
      passwordChanged: pw?.changed ?? null,
    });
    if (!user) throw loginTaken();
    // Okta: creating a user answers 200, not 201.
    return c.json(toUserResponse(await withEmailStatus(c, user, input.credentials?.emails), orgBase(c.env, c.req.url)));
  })
  // Okta: the id may also be the user's login.
  .get("/:id", async (c) => c.json(toUserResponse(await requireUser(c.env, c.req.param("id")), orgBase(c.env, c.req.url))))
  .post("/:id", async (c) => {
    const user = await requireUser(c.env, c.req.param("id"));
    const input = await readBody(c, UserPatchInput, WHAT);
    await requireMayChangeAdmin(c, user.id);
    // Okta: POST is a partial update, merging the given attributes into the profile.
    return writeProfile(c, user, { ...user.profile, ...input.profile }, input.credentials?.password?.value, input.credentials?.emails);
  })
  .put("/:id", async (c) => {
    const user = await requireUser(c.env, c.req.param("id"));
    const input = await readBody(c, UserReplaceInput, WHAT);
    await requireMayChangeAdmin(c, user.id);
    // Okta: PUT replaces the whole profile; a password is changed only when one is given.
    return writeProfile(c, user, input.profile, input.credentials?.password?.value, input.credentials?.emails);
  })
  .delete("/:id", async (c) => {
    const user = await requireUser(c.env, c.req.param("id"));
    await requireMayChangeAdmin(c, user.id);
    const now = isoTime(c.get("now"));
    // Okta: deleting a user who is not DEPROVISIONED deactivates them; a second delete removes them.
    // Okta: deactivating or deleting a person ends their sessions and revokes their refresh tokens.
    await endPersonAccess(c.env, user.id, epochSeconds(c.get("now")));
    if (user.status !== "DEPROVISIONED") {
      if (await transitionUser(c.env.DB, user.id, LIFECYCLE.deactivate!.from, "DEPROVISIONED", now)) return c.body(null, 204);
    }
    if (!(await deleteDeprovisionedUser(c.env.DB, user.id, now))) throw notFoundError(user.id, "User");
    return c.body(null, 204);
  })
  .post(LIFECYCLE_PATH, async (c) => {
    const user = await requireUser(c.env, c.req.param("id"));
    const op = LIFECYCLE[c.req.param("action")]!;
    if (c.req.param("action") === "deactivate") await requireMayChangeAdmin(c, user.id);
    const moved = await transitionUser(c.env.DB, user.id, op.from, op.to, isoTime(c.get("now")));
    // Okta: activating a user who is already active is 403 E0000016; suspending one who is not ACTIVE (and the
    // other refusals) is E0000001 (Okta's error catalog).
    if (!moved && c.req.param("action") === "activate") throw new ApiError("E0000016", undefined, [op.refused]);
    if (!moved) throw new ApiError("E0000001", c.req.param("action"), [op.refused]);
    // Okta: a person suspended or deactivated loses their sessions and refresh tokens.
    if (op.to === "SUSPENDED" || op.to === "DEPROVISIONED") await endPersonAccess(c.env, user.id, epochSeconds(c.get("now")));
    // sendEmail is accepted and ignored: Mintgate sends no mail.
    return c.json({});
  })
  .get("/:id/groups", async (c) => {
    const user = await requireUser(c.env, c.req.param("id"));
    const base = orgBase(c.env, c.req.url);
    return c.json((await listUserGroups(c.env.DB, user.id)).map((g) => toGroupResponse(g, base)));
  });
