/** SQL for groups and group membership (Okta Group). Rows are mapped to domain types here and nowhere else. */
import { z } from "zod";
import { startsWith } from "./sql";
import { at, parseStored } from "./stored-json";
import { userKeySql, type UserKey } from "./user-key";

/** The built-in Everyone group seeded by schema.sql; every user is a member implicitly (no group_members rows). */
export const EVERYONE_GROUP_ID = "00geveryone000000000";

export type GroupType = "OKTA_GROUP" | "BUILT_IN";

export interface GroupProfile {
  name: string;
  description?: string | null;
}

export interface GroupRecord {
  seq: number;
  id: string;
  type: GroupType;
  profile: GroupProfile;
  created: string;
  lastUpdated: string;
  lastMembershipUpdated: string;
}

interface Row {
  seq: number;
  id: string;
  type: GroupType;
  profile: string;
  created: string;
  last_updated: string;
  last_membership_updated: string;
}

const GroupProfileSchema = z.object({ name: z.string(), description: z.string().nullish() });

const COLUMNS = "seq, id, type, profile, created, last_updated, last_membership_updated";

const toGroup = (r: Row): GroupRecord => ({
  seq: r.seq,
  id: r.id,
  type: r.type,
  profile: parseStored(GroupProfileSchema, r.profile, at("groups.profile", r.id)),
  created: r.created,
  lastUpdated: r.last_updated,
  lastMembershipUpdated: r.last_membership_updated,
});


export async function getGroup(db: D1Database, id: string): Promise<GroupRecord | null> {
  const row = await db.prepare(`SELECT ${COLUMNS} FROM groups WHERE id = ?1`).bind(id).first<Row>();
  return row ? toGroup(row) : null;
}

/** A page of groups in creation order; Okta: q matches the start of the name. */
export async function listGroups(
  db: D1Database,
  opts: { q?: string; limit: number; afterSeq?: number },
): Promise<{ items: GroupRecord[]; more: boolean }> {
  const { results } = await db
    .prepare(`SELECT ${COLUMNS} FROM groups WHERE seq > ?1 AND (?2 IS NULL OR ${startsWith("name", "?2")}) ORDER BY seq LIMIT ?3`)
    .bind(opts.afterSeq ?? 0, opts.q || null, opts.limit + 1)
    .all<Row>();
  return { items: results.slice(0, opts.limit).map(toGroup), more: results.length > opts.limit };
}

// Okta: group names are unique in the org. One statement, so two concurrent creates cannot both pass the check.
const NAME_FREE = `NOT EXISTS (SELECT 1 FROM groups WHERE name = ?2 COLLATE NOCASE AND id <> ?1)`;

/** Inserts an OKTA_GROUP; null when the name is taken (case-insensitively). */
export async function insertGroup(db: D1Database, g: { id: string; profile: GroupProfile; now: string }): Promise<GroupRecord | null> {
  const row = await db
    .prepare(
      `INSERT INTO groups (id, type, name, profile, created, last_updated, last_membership_updated)
       SELECT ?1, 'OKTA_GROUP', ?2, ?3, ?4, ?4, ?4 WHERE ${NAME_FREE} RETURNING ${COLUMNS}`,
    )
    .bind(g.id, g.profile.name, JSON.stringify(g.profile), g.now)
    .first<Row>();
  return row ? toGroup(row) : null;
}

/** Replaces an OKTA_GROUP's profile; "name_taken" when another group has the name, null when there is no such OKTA_GROUP. */
export async function replaceGroup(
  db: D1Database,
  g: { id: string; profile: GroupProfile; now: string },
): Promise<GroupRecord | "name_taken" | null> {
  const row = await db
    .prepare(
      `UPDATE groups SET name = ?2, profile = ?3, last_updated = ?4
       WHERE id = ?1 AND type = 'OKTA_GROUP' AND ${NAME_FREE} RETURNING ${COLUMNS}`,
    )
    .bind(g.id, g.profile.name, JSON.stringify(g.profile), g.now)
    .first<Row>();
  if (row) return toGroup(row);
  return (await getGroup(db, g.id))?.type === "OKTA_GROUP" ? "name_taken" : null;
}

/** Deletes an OKTA_GROUP (never the built-in Everyone); its memberships and app assignments cascade. */
export async function deleteGroup(db: D1Database, id: string): Promise<boolean> {
  const res = await db.prepare(`DELETE FROM groups WHERE id = ?1 AND type = 'OKTA_GROUP'`).bind(id).run();
  return res.meta.changes > 0;
}

/**
 * Adds or removes a member of an OKTA_GROUP. lastMembershipUpdated moves only when membership changed (changes() is
 * the row count of the batch's previous statement, on the same connection).
 */
export async function setMembership(db: D1Database, groupId: string, userId: string, member: boolean, now: string): Promise<void> {
  const change = member
    ? db
        .prepare(
          `INSERT INTO group_members (group_id, user_id)
           SELECT ?1, ?2 WHERE EXISTS (SELECT 1 FROM groups WHERE id = ?1 AND type = 'OKTA_GROUP') AND EXISTS (SELECT 1 FROM users WHERE id = ?2)
           ON CONFLICT DO NOTHING`,
        )
        .bind(groupId, userId)
    : db.prepare(`DELETE FROM group_members WHERE group_id = ?1 AND user_id = ?2`).bind(groupId, userId);
  await db.batch([
    change,
    db.prepare(`UPDATE groups SET last_membership_updated = ?2 WHERE id = ?1 AND changes() > 0`).bind(groupId, now),
  ]);
}

/** The groups a user belongs to, Everyone first, then in creation order; empty for an unknown user. */
export function userGroupsStatement(db: D1Database, key: UserKey): D1PreparedStatement {
  const who = userKeySql(key);
  return db
    .prepare(
      `SELECT ${COLUMNS} FROM groups
       WHERE EXISTS (SELECT 1 FROM users WHERE id = ${who.sql})
         AND (id = ?3 OR id IN (SELECT group_id FROM group_members WHERE user_id = ${who.sql}))
       ORDER BY id = ?3 DESC, seq`,
    )
    .bind(...who.binds, EVERYONE_GROUP_ID);
}

export const groupRowsToRefs = (rows: unknown[]) => (rows as Row[]).map(toGroup).map((g) => ({ id: g.id, name: g.profile.name }));

export async function listUserGroups(db: D1Database, userId: string): Promise<GroupRecord[]> {
  const { results } = await userGroupsStatement(db, userId).all<Row>();
  return results.map(toGroup);
}

/** For token claims and policy evaluation: the user's groups (Everyone included) by id and name. */
export async function userGroups(db: D1Database, userId: string): Promise<Array<{ id: string; name: string }>> {
  return (await listUserGroups(db, userId)).map((g) => ({ id: g.id, name: g.profile.name }));
}

/** The ids of a group's members (issue 17: their token snapshots are marked stale when the group changes). */
export async function groupMemberIds(db: D1Database, groupId: string): Promise<string[]> {
  const { results } = await db.prepare(`SELECT user_id FROM group_members WHERE group_id = ?1`).bind(groupId).all<{ user_id: string }>();
  return results.map((r) => r.user_id);
}
