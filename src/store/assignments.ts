/**
 * SQL for app assignments (Okta AppUser and ApplicationGroupAssignment). A person is assigned to an app directly, or
 * through a group assigned to it; the built-in Everyone group covers every user.
 */
import { EVERYONE_GROUP_ID } from "./groups";
import { USER_COLUMNS, emailStatusColumn, toUser, type UserRecord } from "./users";
import { userKeySql, type UserKey } from "./user-key";

/** A user assigned to an app: scope USER when assigned directly, GROUP when only through a group. */
export interface AppUserRecord {
  user: UserRecord;
  scope: "USER" | "GROUP";
  created: string;
}

export interface AppGroupRecord {
  appId: string;
  groupId: string;
  priority: number;
  created: string;
}

// When user u.id was first assigned to app ?1 through a group (the BUILT_IN Everyone included), as a correlated subquery.
const GROUP_ASSIGNED = `SELECT MIN(ag.created) FROM app_group_assignments ag
  WHERE ag.app_id = ?1 AND (ag.group_id IN (SELECT id FROM groups WHERE type = 'BUILT_IN')
                            OR ag.group_id IN (SELECT group_id FROM group_members WHERE user_id = u.id))`;

const APP_USER_SELECT = `SELECT * FROM (
  SELECT ${USER_COLUMNS.split(", ").map((c) => `u.${c}`).join(", ")}, ${emailStatusColumn("u")}, d.created AS direct_created, (${GROUP_ASSIGNED}) AS group_created
  FROM users u LEFT JOIN app_user_assignments d ON d.app_id = ?1 AND d.user_id = u.id
) WHERE (direct_created IS NOT NULL OR group_created IS NOT NULL)`;

type AppUserRow = Parameters<typeof toUser>[0] & { direct_created: string | null; group_created: string | null };

const toAppUser = (r: AppUserRow): AppUserRecord => ({
  user: toUser(r),
  scope: r.direct_created !== null ? "USER" : "GROUP",
  created: (r.direct_created ?? r.group_created)!,
});

/** A page of the users assigned to an app, directly or through groups, in user creation order. */
export async function listAppUsers(
  db: D1Database,
  appId: string,
  opts: { limit: number; afterSeq?: number },
): Promise<{ items: AppUserRecord[]; more: boolean }> {
  const { results } = await db
    .prepare(`${APP_USER_SELECT} AND seq > ?2 ORDER BY seq LIMIT ?3`)
    .bind(appId, opts.afterSeq ?? 0, opts.limit + 1)
    .all<AppUserRow>();
  return { items: results.slice(0, opts.limit).map(toAppUser), more: results.length > opts.limit };
}

export async function getAppUser(db: D1Database, appId: string, userId: string): Promise<AppUserRecord | null> {
  const row = await db.prepare(`${APP_USER_SELECT} AND id = ?2`).bind(appId, userId).first<AppUserRow>();
  return row ? toAppUser(row) : null;
}

/** Assigns a user to an app directly; assigning again keeps the first assignment. */
export async function assignUser(db: D1Database, appId: string, userId: string, now: string): Promise<void> {
  await db
    .prepare(`INSERT INTO app_user_assignments (app_id, user_id, created) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING`)
    .bind(appId, userId, now)
    .run();
}

/** Removes a direct assignment; false when there was none. */
export async function unassignUser(db: D1Database, appId: string, userId: string): Promise<boolean> {
  const res = await db.prepare(`DELETE FROM app_user_assignments WHERE app_id = ?1 AND user_id = ?2`).bind(appId, userId).run();
  return res.meta.changes > 0;
}

/** Okta: only people assigned to an app, directly or through any of their groups (Everyone included), get its tokens. */
export async function isAssignedToApp(db: D1Database, appId: string, userId: string): Promise<boolean> {
  const row = await assignedStatement(db, appId, userId).first<{ assigned: number }>();
  return row?.assigned === 1;
}

/** isAssignedToApp as a statement (one row, assigned = 1 or 0), for a batch. */
export function assignedStatement(db: D1Database, appId: string, key: UserKey): D1PreparedStatement {
  const who = userKeySql(key);
  return db
    .prepare(
      `SELECT EXISTS (SELECT 1 FROM users WHERE id = ${who.sql}) AND (
         EXISTS (SELECT 1 FROM app_user_assignments WHERE app_id = ?3 AND user_id = ${who.sql})
         OR EXISTS (SELECT 1 FROM app_group_assignments WHERE app_id = ?3
                    AND (group_id = ?4 OR group_id IN (SELECT group_id FROM group_members WHERE user_id = ${who.sql})))
       ) AS assigned`,
    )
    .bind(...who.binds, appId, EVERYONE_GROUP_ID);
}

interface GroupRow {
  app_id: string;
  group_id: string;
  priority: number;
  created: string;
}

const toAppGroup = (r: GroupRow): AppGroupRecord => ({ appId: r.app_id, groupId: r.group_id, priority: r.priority, created: r.created });

/**
 * Assigns a group to an app, or changes the priority of an existing assignment. Okta: without a priority a new
 * assignment goes after the existing ones (max + 1, 0 for the first); an existing one keeps its priority.
 */
export async function assignGroup(db: D1Database, appId: string, groupId: string, priority: number | undefined, now: string): Promise<AppGroupRecord> {
  const row = await db
    .prepare(
      `INSERT INTO app_group_assignments (app_id, group_id, priority, created)
       VALUES (?1, ?2, COALESCE(?3, (SELECT COALESCE(MAX(priority) + 1, 0) FROM app_group_assignments WHERE app_id = ?1)), ?4)
       ON CONFLICT (app_id, group_id) DO UPDATE SET priority = COALESCE(?3, app_group_assignments.priority)
       RETURNING app_id, group_id, priority, created`,
    )
    .bind(appId, groupId, priority ?? null, now)
    .first<GroupRow>();
  return toAppGroup(row!);
}

export async function getAppGroup(db: D1Database, appId: string, groupId: string): Promise<AppGroupRecord | null> {
  const row = await db
    .prepare(`SELECT app_id, group_id, priority, created FROM app_group_assignments WHERE app_id = ?1 AND group_id = ?2`)
    .bind(appId, groupId)
    .first<GroupRow>();
  return row ? toAppGroup(row) : null;
}

/** A page of an app's group assignments in group creation order (the cursor is the group's seq). */
export async function listAppGroups(
  db: D1Database,
  appId: string,
  opts: { limit: number; afterSeq?: number },
): Promise<{ items: Array<AppGroupRecord & { seq: number }>; more: boolean }> {
  const { results } = await db
    .prepare(
      `SELECT a.app_id, a.group_id, a.priority, a.created, g.seq FROM app_group_assignments a JOIN groups g ON g.id = a.group_id
       WHERE a.app_id = ?1 AND g.seq > ?2 ORDER BY g.seq LIMIT ?3`,
    )
    .bind(appId, opts.afterSeq ?? 0, opts.limit + 1)
    .all<GroupRow & { seq: number }>();
  return { items: results.slice(0, opts.limit).map((r) => ({ ...toAppGroup(r), seq: r.seq })), more: results.length > opts.limit };
}

export async function unassignGroup(db: D1Database, appId: string, groupId: string): Promise<boolean> {
  const res = await db.prepare(`DELETE FROM app_group_assignments WHERE app_id = ?1 AND group_id = ?2`).bind(appId, groupId).run();
  return res.meta.changes > 0;
}
