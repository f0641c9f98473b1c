/** SQL for scopes (Okta OAuth2Scope). Rows are mapped to domain types here and nowhere else. */
import { newId } from "../ids";
import { startsWith } from "./sql";

export type ScopeConsent = "REQUIRED" | "IMPLICIT" | "FLEXIBLE";
export type MetadataPublish = "ALL_CLIENTS" | "NO_CLIENTS";

export interface ScopeRecord {
  id: string;
  authServerId: string;
  name: string;
  displayName: string | null;
  description: string | null;
  consent: ScopeConsent;
  isDefault: boolean;
  metadataPublish: MetadataPublish;
  system: boolean;
  optional: boolean;
  created: string;
  lastUpdated: string;
}

interface Row {
  id: string;
  auth_server_id: string;
  name: string;
  display_name: string | null;
  description: string | null;
  consent: ScopeConsent;
  is_default: number;
  metadata_publish: MetadataPublish;
  system: number;
  optional: number;
  created: string;
  last_updated: string;
}

export const SCOPE_COLUMNS =
  "id, auth_server_id, name, display_name, description, consent, is_default, metadata_publish, system, optional, created, last_updated";

export const toScope = (r: Row): ScopeRecord => ({
  id: r.id,
  authServerId: r.auth_server_id,
  name: r.name,
  displayName: r.display_name,
  description: r.description,
  consent: r.consent,
  isDefault: r.is_default === 1,
  metadataPublish: r.metadata_publish,
  system: r.system === 1,
  optional: r.optional === 1,
  created: r.created,
  lastUpdated: r.last_updated,
});

/** Okta's reserved scopes, created with every custom authorization server. */
export const SYSTEM_SCOPE_DEFINITIONS: ReadonlyArray<{ name: string; description: string }> = [
  { name: "openid", description: "Signals that a request is an OpenID request." },
  { name: "profile", description: "Allows this application to access your profile information." },
  { name: "email", description: "Allows this application to access your email address." },
  { name: "address", description: "Allows this application to access your address." },
  { name: "phone", description: "Allows this application to access your phone number." },
  { name: "offline_access", description: "Allows this application to access your information while you are signed out." },
  { name: "device_sso", description: "Allows this application to share your session with other applications on this device." },
];

/** Statements that create a new server's system scopes, for the same batch as the server row. */
export function systemScopeStatements(db: D1Database, authServerId: string, now: string): D1PreparedStatement[] {
  return SYSTEM_SCOPE_DEFINITIONS.map((s) =>
    db
      .prepare(
        `INSERT INTO scopes (${SCOPE_COLUMNS}) VALUES (?1, ?2, ?3, ?3, ?4, 'IMPLICIT', 0, 'ALL_CLIENTS', 1, 0, ?5, ?5)`,
      )
      .bind(newId("scp"), authServerId, s.name, s.description, now),
  );
}

/** All scopes of a server, system scopes first, then by name. */
export async function listScopes(db: D1Database, authServerId: string): Promise<ScopeRecord[]> {
  const { results } = await db
    .prepare(`SELECT ${SCOPE_COLUMNS} FROM scopes WHERE auth_server_id = ?1 ORDER BY system DESC, created, name`)
    .bind(authServerId)
    .all<Row>();
  return results.map(toScope);
}

/** One scope of one server, or null. */
export async function getScope(db: D1Database, authServerId: string, id: string): Promise<ScopeRecord | null> {
  const row = await db
    .prepare(`SELECT ${SCOPE_COLUMNS} FROM scopes WHERE auth_server_id = ?1 AND id = ?2`)
    .bind(authServerId, id)
    .first<Row>();
  return row ? toScope(row) : null;
}

/** Those of `names` that are not scopes of this server, in the order given (one query, for rule validation). */
export async function unknownScopeNames(db: D1Database, authServerId: string, names: string[]): Promise<string[]> {
  const { results } = await db
    .prepare(
      `SELECT value FROM json_each(?2)
       WHERE value NOT IN (SELECT name FROM scopes WHERE auth_server_id = ?1) ORDER BY key`,
    )
    .bind(authServerId, JSON.stringify(names))
    .all<{ value: string }>();
  return results.map((r) => r.value);
}

/**
 * One page of a server's scopes ordered by name, optionally only those whose name starts with q in any case.
 * The cursor is the last name returned: names are unique per server, so `name > after` resumes exactly, even
 * if that scope was deleted meanwhile. One extra row tells whether a next page exists.
 */
export async function listScopePage(
  db: D1Database,
  authServerId: string,
  opts: { q?: string; limit: number; after?: string },
): Promise<{ items: ScopeRecord[]; more: boolean }> {
  const { results } = await db
    .prepare(
      `SELECT ${SCOPE_COLUMNS} FROM scopes
       WHERE auth_server_id = ?1 AND (?2 IS NULL OR name > ?2) AND (?3 IS NULL OR ${startsWith("name", "?3")})
       ORDER BY name LIMIT ?4`,
    )
    .bind(authServerId, opts.after ?? null, opts.q || null, opts.limit + 1)
    .all<Row>();
  return { items: results.slice(0, opts.limit).map(toScope), more: results.length > opts.limit };
}

export type ScopeFields = Pick<ScopeRecord, "name" | "displayName" | "description" | "consent" | "isDefault" | "metadataPublish" | "optional">;

/** Inserts a custom scope; null when the server already has a scope with that name (UNIQUE (auth_server_id, name)). */
export async function insertScope(
  db: D1Database,
  s: ScopeFields & { id: string; authServerId: string; created: string },
): Promise<ScopeRecord | null> {
  const row = await db
    .prepare(
      `INSERT INTO scopes (${SCOPE_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0, ?9, ?10, ?10)
       ON CONFLICT (auth_server_id, name) DO NOTHING RETURNING ${SCOPE_COLUMNS}`,
    )
    .bind(s.id, s.authServerId, s.name, s.displayName, s.description, s.consent, s.isDefault ? 1 : 0, s.metadataPublish, s.optional ? 1 : 0, s.created)
    .first<Row>();
  return row ? toScope(row) : null;
}

/**
 * Replaces a scope's fields. A system scope keeps its name whatever is passed (Okta: reserved names are fixed).
 * Returns "duplicate" when another scope of the server already has the new name, null when the scope is gone.
 */
export async function replaceScope(
  db: D1Database,
  authServerId: string,
  id: string,
  s: ScopeFields & { lastUpdated: string },
): Promise<ScopeRecord | "duplicate" | null> {
  const row = await db
    .prepare(
      `UPDATE OR IGNORE scopes SET name = CASE WHEN system = 1 THEN name ELSE ?3 END, display_name = ?4, description = ?5,
         consent = ?6, is_default = ?7, metadata_publish = ?8, optional = ?9, last_updated = ?10
       WHERE auth_server_id = ?1 AND id = ?2 RETURNING ${SCOPE_COLUMNS}`,
    )
    .bind(authServerId, id, s.name, s.displayName, s.description, s.consent, s.isDefault ? 1 : 0, s.metadataPublish, s.optional ? 1 : 0, s.lastUpdated)
    .first<Row>();
  if (row) return toScope(row);
  // OR IGNORE skipped the row: either it no longer exists or the new name is taken.
  return (await getScope(db, authServerId, id)) ? "duplicate" : null;
}

/** Deletes a custom scope; system scopes are never deleted (Okta). True when a row went. */
export async function deleteScope(db: D1Database, authServerId: string, id: string): Promise<boolean> {
  const res = await db.prepare(`DELETE FROM scopes WHERE auth_server_id = ?1 AND id = ?2 AND system = 0`).bind(authServerId, id).run();
  return res.meta.changes > 0;
}
