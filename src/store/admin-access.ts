/** SQL for who may use the admin API with OAuth: apps' granted okta.* scopes, and people's admin roles. */

export interface GrantRecord {
  id: string;
  appId: string;
  scopeId: string;
  issuer: string;
  created: string;
  lastUpdated: string;
}

interface GrantRow {
  id: string;
  app_id: string;
  scope_id: string;
  issuer: string;
  created: string;
  last_updated: string;
}

const toGrant = (r: GrantRow): GrantRecord => ({ id: r.id, appId: r.app_id, scopeId: r.scope_id, issuer: r.issuer, created: r.created, lastUpdated: r.last_updated });

export async function listGrants(db: D1Database, appId: string): Promise<GrantRecord[]> {
  const { results } = await db.prepare(`SELECT * FROM app_grants WHERE app_id = ?1 ORDER BY created, id`).bind(appId).all<GrantRow>();
  return results.map(toGrant);
}

export async function getGrant(db: D1Database, appId: string, id: string): Promise<GrantRecord | null> {
  const row = await db.prepare(`SELECT * FROM app_grants WHERE app_id = ?1 AND id = ?2`).bind(appId, id).first<GrantRow>();
  return row ? toGrant(row) : null;
}

/** Grants a scope; granting one already granted returns the existing grant. */
export async function saveGrant(db: D1Database, g: GrantRecord): Promise<GrantRecord> {
  const row = await db
    .prepare(
      `INSERT INTO app_grants (id, app_id, scope_id, issuer, created, last_updated) VALUES (?1, ?2, ?3, ?4, ?5, ?5)
       ON CONFLICT (app_id, scope_id) DO UPDATE SET last_updated = last_updated RETURNING *`,
    )
    .bind(g.id, g.appId, g.scopeId, g.issuer, g.created)
    .first<GrantRow>();
  return toGrant(row!);
}

export async function deleteGrant(db: D1Database, appId: string, id: string): Promise<boolean> {
  const res = await db.prepare(`DELETE FROM app_grants WHERE app_id = ?1 AND id = ?2`).bind(appId, id).run();
  return res.meta.changes > 0;
}

export interface RoleRecord {
  id: string;
  userId: string;
  type: string;
  created: string;
  lastUpdated: string;
}

interface RoleRow {
  id: string;
  user_id: string;
  type: string;
  created: string;
  last_updated: string;
}

const toRole = (r: RoleRow): RoleRecord => ({ id: r.id, userId: r.user_id, type: r.type, created: r.created, lastUpdated: r.last_updated });

export async function listRoles(db: D1Database, userId: string): Promise<RoleRecord[]> {
  const { results } = await db.prepare(`SELECT * FROM user_roles WHERE user_id = ?1 ORDER BY created, id`).bind(userId).all<RoleRow>();
  return results.map(toRole);
}

export async function saveRole(db: D1Database, r: RoleRecord): Promise<{ role: RoleRecord; created: boolean }> {
  const inserted = await db
    .prepare(`INSERT INTO user_roles (id, user_id, type, created, last_updated) VALUES (?1, ?2, ?3, ?4, ?4) ON CONFLICT DO NOTHING RETURNING *`)
    .bind(r.id, r.userId, r.type, r.created)
    .first<RoleRow>();
  if (inserted) return { role: toRole(inserted), created: true };
  const existing = await db.prepare(`SELECT * FROM user_roles WHERE user_id = ?1 AND type = ?2`).bind(r.userId, r.type).first<RoleRow>();
  return { role: toRole(existing!), created: false };
}

export async function deleteRole(db: D1Database, userId: string, id: string): Promise<boolean> {
  const res = await db.prepare(`DELETE FROM user_roles WHERE user_id = ?1 AND id = ?2`).bind(userId, id).run();
  return res.meta.changes > 0;
}

export async function hasRole(db: D1Database, userId: string, type: string): Promise<boolean> {
  return (await db.prepare(`SELECT 1 AS r FROM user_roles WHERE user_id = ?1 AND type = ?2`).bind(userId, type).first()) !== null;
}
