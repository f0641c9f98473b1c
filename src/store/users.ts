/** SQL for people (Okta User). Rows are mapped to domain types here and nowhere else. */
import { z } from "zod";
import { EVERYONE_GROUP_ID, groupRowsToRefs, userGroupsStatement } from "./groups";
import { startsWith } from "./sql";
import { at, parseStored } from "./stored-json";
import { nearestReads, type D1Reader } from "./replica";
import { userKeySql, type UserKey } from "./user-key";

/** The Okta statuses Mintgate moves users through (Okta also has RECOVERY, PASSWORD_EXPIRED). */
export type UserStatus = "STAGED" | "PROVISIONED" | "ACTIVE" | "SUSPENDED" | "DEPROVISIONED" | "LOCKED_OUT";

/** Okta's open user profile: login and email are always present; custom attributes are scalars or arrays. */
export type UserProfile = { login: string; email: string } & Record<string, unknown>;

const UserProfileSchema: z.ZodType<UserProfile> = z.looseObject({ login: z.string(), email: z.string() });

export interface UserRecord {
  seq: number;
  id: string;
  status: UserStatus;
  profile: UserProfile;
  passwordHash: string | null;
  created: string;
  activated: string | null;
  statusChanged: string | null;
  lastLogin: string | null;
  lastUpdated: string;
  passwordChanged: string | null;
  /** Okta credentials.emails[PRIMARY].status, as user_emails records it for the current email. */
  emailStatus: "VERIFIED" | "UNVERIFIED";
}

interface Row {
  seq: number;
  id: string;
  status: UserStatus;
  profile: string;
  password_hash: string | null;
  created: string;
  activated: string | null;
  status_changed: string | null;
  last_login: string | null;
  last_updated: string;
  password_changed: string | null;
  email_status: "VERIFIED" | "UNVERIFIED";
}

export const USER_COLUMNS =
  "seq, id, status, profile, password_hash, created, activated, status_changed, last_login, last_updated, password_changed";

/** The primary email's verification (user_emails) for the users row named `alias`, as the email_status column. */
export const emailStatusColumn = (alias: string) =>
  `COALESCE((SELECT e.status FROM user_emails e WHERE e.user_id = ${alias}.id AND e.email_lower = ${alias}.email_lower), 'UNVERIFIED') AS email_status`;
const USER_SELECT = `${USER_COLUMNS}, ${emailStatusColumn("users")}`;

export const toUser = (r: Row): UserRecord => ({
  seq: r.seq,
  id: r.id,
  status: r.status,
  profile: parseStored(UserProfileSchema, r.profile, at("users.profile", r.id)),
  passwordHash: r.password_hash,
  created: r.created,
  activated: r.activated,
  statusChanged: r.status_changed,
  lastLogin: r.last_login,
  lastUpdated: r.last_updated,
  passwordChanged: r.password_changed,
  emailStatus: r.email_status === "VERIFIED" ? "VERIFIED" : "UNVERIFIED",
});

// Okta: login is unique case-insensitively; email is matched the same way.
const fold = (s: string) => s.toLowerCase();

export async function getUser(db: D1Database, id: string): Promise<UserRecord | null> {
  const row = await db.prepare(`SELECT ${USER_SELECT} FROM users WHERE id = ?1`).bind(id).first<Row>();
  return row ? toUser(row) : null;
}

/** getUser as a statement, for a batch that reads more about the person in the same round trip. */
export function userStatement(db: D1Database, key: UserKey): D1PreparedStatement {
  const who = userKeySql(key);
  return db.prepare(`SELECT ${USER_SELECT} FROM users WHERE id = ${who.sql}`).bind(...who.binds);
}

/** The user of userStatement's results, or null. */
export const userOfRows = (rows: unknown[]): UserRecord | null => (rows[0] ? toUser(rows[0] as Row) : null);

/** A user and their groups (Everyone included) in one round trip, for minting a person's tokens. */
export async function getUserWithGroups(db: D1Database, id: string): Promise<{ user: UserRecord; groups: Array<{ id: string; name: string }> } | null> {
  const [user, groups] = await db.batch([db.prepare(`SELECT ${USER_SELECT} FROM users WHERE id = ?1`).bind(id), userGroupsStatement(db, id)]);
  const row = user?.results[0] as Row | undefined;
  return row ? { user: toUser(row), groups: groupRowsToRefs(groups?.results ?? []) } : null;
}

export async function getUserByLogin(db: D1Reader, login: string): Promise<UserRecord | null> {
  return userOfRows((await userByLoginStatement(db, login).all<Row>()).results);
}

/**
 * The person by login from a replica near the request, or from the primary when the replica has no such row or
 * no password for it (a person created or given a password a moment ago).
 */
export async function userByLoginNearby(db: D1Database, login: string): Promise<UserRecord | null> {
  const near = await getUserByLogin(nearestReads(db), login);
  return near?.passwordHash ? near : getUserByLogin(db, login);
}

/** getUserByLogin as a statement, for a batch (userOfRows reads its results). */
export const userByLoginStatement = (db: D1Reader, login: string): D1PreparedStatement =>
  db.prepare(`SELECT ${USER_SELECT} FROM users WHERE login_lower = ?1`).bind(fold(login));

/** One clause of a user search: a whitelisted field compared with eq or sw (starts with). */
export interface UserClause {
  field: "id" | "status" | "profile.login" | "profile.email" | `profile.${string}`;
  op: "eq" | "sw";
  value: string;
}

function clauseSql(c: UserClause, n: number): { sql: string; binds: unknown[] } {
  // sw is Okta's case-insensitive "starts with"; D1 refuses long LIKE patterns, hence startsWith().
  const cmp = (expr: string, value: string) => ({ sql: c.op === "eq" ? `${expr} = ?${n}` : startsWith(expr, `?${n}`), binds: [value] });
  if (c.field === "id") return cmp("id", c.value);
  if (c.field === "status") return cmp("status", c.value);
  if (c.field === "profile.login") return cmp("login_lower", fold(c.value));
  if (c.field === "profile.email") return cmp("email_lower", fold(c.value));
  // Other profile attributes: the JSON path is a bound parameter, never SQL text.
  const attr = c.field.slice("profile.".length);
  const base = cmp(`json_extract(profile, ?${n + 1})`, c.value);
  return { sql: base.sql, binds: [...base.binds, `$."${attr}"`] };
}

/**
 * A page of users in creation order. Okta: without a search, DEPROVISIONED users are left out; q matches the start
 * of firstName, lastName, email or login.
 */
export async function listUsers(
  db: D1Database,
  opts: { q?: string; clauses?: UserClause[]; limit: number; afterSeq?: number },
): Promise<{ items: UserRecord[]; more: boolean }> {
  const where = ["seq > ?1"];
  const binds: unknown[] = [opts.afterSeq ?? 0, opts.limit + 1];
  if (opts.clauses) {
    for (const c of opts.clauses) {
      const s = clauseSql(c, binds.length + 1);
      where.push(s.sql);
      binds.push(...s.binds);
    }
  } else {
    where.push("status <> 'DEPROVISIONED'");
  }
  if (opts.q) {
    const n = binds.length + 1;
    const fields = ["login_lower", "email_lower", "json_extract(profile, '$.firstName')", "json_extract(profile, '$.lastName')"];
    where.push(`(${fields.map((f) => startsWith(f, `?${n}`)).join(" OR ")})`);
    binds.push(opts.q);
  }
  const { results } = await db
    .prepare(`SELECT ${USER_SELECT} FROM users WHERE ${where.join(" AND ")} ORDER BY seq LIMIT ?2`)
    .bind(...binds)
    .all<Row>();
  return { items: results.slice(0, opts.limit).map(toUser), more: results.length > opts.limit };
}

/** A page of a group's members in creation order; every user is a member of the built-in Everyone group. */
export async function listGroupMembers(
  db: D1Database,
  groupId: string,
  opts: { limit: number; afterSeq?: number },
): Promise<{ items: UserRecord[]; more: boolean }> {
  const { results } = await db
    .prepare(
      `SELECT ${USER_SELECT} FROM users
       WHERE seq > ?2 AND (?1 = ?4 OR id IN (SELECT user_id FROM group_members WHERE group_id = ?1))
       ORDER BY seq LIMIT ?3`,
    )
    .bind(groupId, opts.afterSeq ?? 0, opts.limit + 1, EVERYONE_GROUP_ID)
    .all<Row>();
  return { items: results.slice(0, opts.limit).map(toUser), more: results.length > opts.limit };
}

export type NewUser = Omit<UserRecord, "seq" | "lastLogin" | "emailStatus">;

/** Inserts a user; null when the login is taken (case-insensitively). Everyone's membership changes with it. */
export async function insertUser(db: D1Database, u: NewUser): Promise<UserRecord | null> {
  const [inserted] = await db.batch([
    db
      .prepare(
        `INSERT INTO users (id, status, login_lower, email_lower, profile, password_hash, created, activated, status_changed, last_updated, password_changed)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) ON CONFLICT (login_lower) DO NOTHING RETURNING ${USER_SELECT}`,
      )
      .bind(
        u.id, u.status, fold(u.profile.login), fold(u.profile.email), JSON.stringify(u.profile), u.passwordHash,
        u.created, u.activated, u.statusChanged, u.lastUpdated, u.passwordChanged,
      ),
    db
      .prepare(`UPDATE groups SET last_membership_updated = ?2 WHERE id = ?3 AND EXISTS (SELECT 1 FROM users WHERE id = ?1)`)
      .bind(u.id, u.created, EVERYONE_GROUP_ID),
  ]);
  const row = (inserted?.results as Row[] | undefined)?.[0];
  return row ? toUser(row) : null;
}

/**
 * Writes a user's profile and, when given, a new password hash (and status, for a PROVISIONED user who now has a
 * password). Returns "login_taken" when another user has the login, null when the user is gone.
 */
export async function updateUser(
  db: D1Database,
  u: { id: string; profile: UserProfile; password?: { hash: string; changed: string }; activate?: boolean; now: string },
): Promise<UserRecord | "login_taken" | null> {
  const row = await db
    .prepare(
      // One statement: the uniqueness check and the write cannot interleave with another writer.
      `UPDATE users SET profile = ?2, login_lower = ?3, email_lower = ?4, last_updated = ?5,
         password_hash = COALESCE(?6, password_hash), password_changed = COALESCE(?7, password_changed),
         status = CASE WHEN ?8 = 1 AND status = 'PROVISIONED' THEN 'ACTIVE' ELSE status END,
         activated = CASE WHEN ?8 = 1 AND status = 'PROVISIONED' THEN ?5 ELSE activated END,
         status_changed = CASE WHEN ?8 = 1 AND status = 'PROVISIONED' THEN ?5 ELSE status_changed END
       WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM users WHERE login_lower = ?3 AND id <> ?1)
       RETURNING ${USER_SELECT}`,
    )
    .bind(
      u.id, JSON.stringify(u.profile), fold(u.profile.login), fold(u.profile.email), u.now,
      u.password?.hash ?? null, u.password?.changed ?? null, u.activate ? 1 : 0,
    )
    .first<Row>();
  if (row) return toUser(row);
  return (await getUser(db, u.id)) ? "login_taken" : null;
}

/**
 * Moves a user from one of `from` to `to` in one conditional UPDATE; null when the user is missing or in another
 * status. "ACTIVATED" is Okta's activation: ACTIVE with a password (activated is set), PROVISIONED without one.
 * Suspending or deactivating ends the user's sessions and revokes their refresh tokens in the same batch.
 */
export async function transitionUser(
  db: D1Database,
  id: string,
  from: readonly UserStatus[],
  to: UserStatus | "ACTIVATED",
  now: string,
): Promise<UserRecord | null> {
  const statements = [
    db
      .prepare(
        `UPDATE users SET
           status = CASE WHEN ?2 <> 'ACTIVATED' THEN ?2 WHEN password_hash IS NULL THEN 'PROVISIONED' ELSE 'ACTIVE' END,
           activated = CASE WHEN ?2 = 'ACTIVATED' AND password_hash IS NOT NULL THEN ?3 ELSE activated END,
           status_changed = ?3, last_updated = ?3
         WHERE id = ?1 AND status IN (SELECT value FROM json_each(?4)) RETURNING ${USER_SELECT}`,
      )
      .bind(id, to, now, JSON.stringify(from)),
  ];
  if (to === "SUSPENDED" || to === "DEPROVISIONED") statements.push(...endUserSessions(db, id));
  const [updated] = await db.batch(statements);
  const row = (updated?.results as Row[] | undefined)?.[0];
  return row ? toUser(row) : null;
}

// A suspended or deactivated person keeps no session and no refresh token (Okta ends both).
function endUserSessions(db: D1Database, id: string): D1PreparedStatement[] {
  const inactive = `(SELECT status FROM users WHERE id = ?1) IN ('SUSPENDED', 'DEPROVISIONED')`;
  return [
    db.prepare(`DELETE FROM sessions WHERE user_id = ?1 AND ${inactive}`).bind(id),
    db.prepare(`UPDATE refresh_tokens SET revoked = 1 WHERE user_id = ?1 AND revoked = 0 AND ${inactive}`).bind(id),
  ];
}

/** Deletes a DEPROVISIONED user (Okta: only a deactivated user can be deleted); memberships and assignments go with it. */
export async function deleteDeprovisionedUser(db: D1Database, id: string, now: string): Promise<boolean> {
  const deprovisioned = `EXISTS (SELECT 1 FROM users WHERE id = ?1 AND status = 'DEPROVISIONED')`;
  const results = await db.batch([
    db.prepare(`UPDATE refresh_tokens SET revoked = 1 WHERE user_id = ?1 AND ${deprovisioned}`).bind(id),
    db
      .prepare(
        `UPDATE groups SET last_membership_updated = ?2
         WHERE (id = ?3 OR id IN (SELECT group_id FROM group_members WHERE user_id = ?1)) AND ${deprovisioned}`,
      )
      .bind(id, now, EVERYONE_GROUP_ID),
    db.prepare(`DELETE FROM users WHERE id = ?1 AND status = 'DEPROVISIONED'`).bind(id),
  ]);
  return (results[2]?.meta.changes ?? 0) > 0;
}

/** Records the primary email's verification status (for the email the user has now). */
export async function setPrimaryEmailStatus(db: D1Database, userId: string, email: string, status: "VERIFIED" | "UNVERIFIED"): Promise<void> {
  await db
    .prepare(
      `INSERT INTO user_emails (user_id, email_lower, status) VALUES (?1, ?2, ?3)
       ON CONFLICT (user_id) DO UPDATE SET email_lower = ?2, status = ?3`,
    )
    .bind(userId, fold(email), status)
    .run();
}
