/**
 * The SQL of a SessionStore Durable Object (its own SQLite, not D1): authorization codes, refresh-token families and
 * the access tokens they issued, for the grants that began in this object. Same invariants as the D1 tables they
 * replace (schema.sql, "Person-facing token state"): only SHA-256 digests of codes and tokens; a code is redeemed by
 * one conditional UPDATE; rotation consumes by a conditional UPDATE and inserts the successor in the same
 * transaction; a reused rotated token revokes its family (RFC 9700 4.14.2). The object is single-threaded and every
 * multi-statement write runs in transactionSync, so these are atomic without D1's batches.
 */
export const TABLES = [
  `CREATE TABLE IF NOT EXISTS authorization_codes (code_hash TEXT PRIMARY KEY, auth_server_id TEXT NOT NULL, client_id TEXT NOT NULL,
     user_id TEXT NOT NULL, redirect_uri TEXT NOT NULL, grant_json TEXT NOT NULL, expires_at INTEGER NOT NULL, consumed_at INTEGER,
     access_jti TEXT, family_id TEXT, person_json TEXT)`,
  `CREATE TABLE IF NOT EXISTS refresh_tokens (token_hash TEXT PRIMARY KEY, id TEXT NOT NULL UNIQUE, family_id TEXT NOT NULL,
     auth_server_id TEXT NOT NULL, client_id TEXT NOT NULL, user_id TEXT NOT NULL, grant_json TEXT NOT NULL, created INTEGER NOT NULL,
     expires_at INTEGER, idle_expires_at INTEGER NOT NULL, rotated_at INTEGER, revoked INTEGER NOT NULL DEFAULT 0)`,
  `CREATE INDEX IF NOT EXISTS refresh_tokens_by_family ON refresh_tokens (family_id)`,
  `CREATE TABLE IF NOT EXISTS family_access_tokens (jti TEXT PRIMARY KEY, family_id TEXT NOT NULL, auth_server_id TEXT NOT NULL, expires_at INTEGER NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS revoked_families (family_id TEXT PRIMARY KEY, revoked_at INTEGER NOT NULL)`,
];

/** A row of authorization_codes as read back (grant_json parsed by the caller, with zod). */
export interface CodeRow {
  auth_server_id: string;
  client_id: string;
  user_id: string;
  redirect_uri: string;
  grant_json: string;
  expires_at: number;
}

export interface RefreshRow {
  id: string;
  family_id: string;
  auth_server_id: string;
  client_id: string;
  user_id: string;
  grant_json: string;
  created: number;
  expires_at: number | null;
  idle_expires_at: number;
}

/** A refresh token to store: its digest and row (grant_json already serialised). */
export interface SuccessorRow {
  tokenHash: string;
  token: RefreshRow;
  access: { jti: string; expiresAt: number };
}

/** An access token a revoked family issued: the caller puts it on D1's revocation list (introspection reads it). */
export interface RevokedAccess {
  jti: string;
  auth_server_id: string;
  expires_at: number;
}

/** Which families of this object to revoke (the admin API's selectors, narrowed to one object). */
export type FamilySelector =
  | { by: "family"; familyId: string }
  | { by: "user"; userId: string }
  | { by: "userClient"; userId: string; clientId: string }
  | { by: "client"; clientId: string }
  | { by: "serverClient"; authServerId: string; clientId: string };

const CODE_COLUMNS = "auth_server_id, client_id, user_id, redirect_uri, grant_json, expires_at";
const REFRESH_COLUMNS = "id, family_id, auth_server_id, client_id, user_id, grant_json, created, expires_at, idle_expires_at";
const LIVE_REFRESH = `rotated_at IS NULL AND revoked = 0 AND (expires_at IS NULL OR expires_at > ?) AND idle_expires_at > ?
  AND NOT EXISTS (SELECT 1 FROM revoked_families f WHERE f.family_id = refresh_tokens.family_id)`;

const first = <T>(cursor: SqlStorageCursor<Record<string, SqlStorageValue>>): T | null => (cursor.toArray()[0] as T | undefined) ?? null;

export function saveCode(sql: SqlStorage, codeHash: string, r: CodeRow): void {
  sql.exec(
    `INSERT INTO authorization_codes (code_hash, ${CODE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    codeHash, r.auth_server_id, r.client_id, r.user_id, r.redirect_uri, r.grant_json, r.expires_at,
  );
}

export function findLiveCode(sql: SqlStorage, codeHash: string, serverId: string, now: number): CodeRow | null {
  return first<CodeRow>(
    sql.exec(`SELECT ${CODE_COLUMNS} FROM authorization_codes WHERE code_hash = ? AND auth_server_id = ? AND consumed_at IS NULL AND expires_at > ?`, codeHash, serverId, now),
  );
}

/** The one conditional UPDATE that redeems a code, recording what its redemption produces (RFC 6749 10.5). */
export function consumeCode(sql: SqlStorage, codeHash: string, serverId: string, now: number, produces: { accessJti: string; familyId: string }): CodeRow | null {
  return first<CodeRow>(
    sql.exec(
      `UPDATE authorization_codes SET consumed_at = ?, access_jti = ?, family_id = ?
       WHERE code_hash = ? AND auth_server_id = ? AND consumed_at IS NULL AND expires_at > ? RETURNING ${CODE_COLUMNS}, person_json`,
      now, produces.accessJti, produces.familyId, codeHash, serverId, now,
    ),
  );
}

export function spentCode(sql: SqlStorage, codeHash: string, serverId: string): { access_jti: string | null; family_id: string | null } | null {
  return first(sql.exec(`SELECT access_jti, family_id FROM authorization_codes WHERE code_hash = ? AND auth_server_id = ? AND consumed_at IS NOT NULL`, codeHash, serverId));
}

export function findLiveRefresh(sql: SqlStorage, tokenHash: string, serverId: string, now: number): RefreshRow | null {
  return first<RefreshRow>(sql.exec(`SELECT ${REFRESH_COLUMNS} FROM refresh_tokens WHERE token_hash = ? AND auth_server_id = ? AND ${LIVE_REFRESH}`, tokenHash, serverId, now, now));
}

export function rotatedFamily(sql: SqlStorage, tokenHash: string, serverId: string): string | null {
  return first<{ family_id: string }>(sql.exec(`SELECT family_id FROM refresh_tokens WHERE token_hash = ? AND auth_server_id = ? AND rotated_at IS NOT NULL`, tokenHash, serverId))?.family_id ?? null;
}

/** The conditional UPDATE of rotation; true when this call consumed the token. */
export function consumeRefresh(sql: SqlStorage, tokenHash: string, scope: { authServerId: string; clientId: string }, now: number): boolean {
  return (
    sql.exec(
      `UPDATE refresh_tokens SET rotated_at = ? WHERE token_hash = ? AND auth_server_id = ? AND client_id = ? AND ${LIVE_REFRESH} RETURNING id`,
      now, tokenHash, scope.authServerId, scope.clientId, now, now,
    ).toArray().length > 0
  );
}

/** Stores a successor unless its family was revoked; records its access token for a later family revocation. */
export function insertSuccessor(sql: SqlStorage, s: SuccessorRow): void {
  const t = s.token;
  const revoked = first(sql.exec(`SELECT 1 AS r FROM revoked_families WHERE family_id = ?`, t.family_id));
  if (revoked) return;
  sql.exec(
    `INSERT INTO refresh_tokens (token_hash, ${REFRESH_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    s.tokenHash, t.id, t.family_id, t.auth_server_id, t.client_id, t.user_id, t.grant_json, t.created, t.expires_at, t.idle_expires_at,
  );
  sql.exec(`INSERT INTO family_access_tokens (jti, family_id, auth_server_id, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`, s.access.jti, t.family_id, t.auth_server_id, s.access.expiresAt);
}

function selected(s: FamilySelector): { where: string; binds: SqlStorageValue[] } {
  switch (s.by) {
    case "family":
      return { where: `family_id = ?`, binds: [s.familyId] };
    case "user":
      return { where: `user_id = ?`, binds: [s.userId] };
    case "userClient":
      return { where: `user_id = ? AND client_id = ?`, binds: [s.userId, s.clientId] };
    case "client":
      return { where: `client_id = ?`, binds: [s.clientId] };
    case "serverClient":
      return { where: `auth_server_id = ? AND client_id = ?`, binds: [s.authServerId, s.clientId] };
    default: {
      const unreachable: never = s;
      return unreachable;
    }
  }
}

/**
 * Revokes the selected families: the markers (no further token, whatever races), the rows, and returns the live
 * access tokens they issued. Idempotent: revoking again returns them again, so a caller whose D1 write failed can
 * retry. A family selected by id is marked even with no rows here (a code replay names the family it produced).
 */
export function revokeFamilies(sql: SqlStorage, s: FamilySelector, now: number): RevokedAccess[] {
  const { where, binds } = selected(s);
  const families =
    s.by === "family" ? [s.familyId] : sql.exec<{ family_id: string }>(`SELECT DISTINCT family_id FROM refresh_tokens WHERE ${where}`, ...binds).toArray().map((r) => r.family_id);
  // Unredeemed codes of the person or client go too: a code is redeemed without reading D1 (issue 17).
  if (s.by !== "family") sql.exec(`DELETE FROM authorization_codes WHERE ${where} AND consumed_at IS NULL`, ...binds);
  const out: RevokedAccess[] = [];
  for (const f of families) {
    sql.exec(`INSERT INTO revoked_families (family_id, revoked_at) VALUES (?, ?) ON CONFLICT DO NOTHING`, f, now);
    sql.exec(`UPDATE refresh_tokens SET revoked = 1 WHERE family_id = ? AND revoked = 0`, f);
    out.push(...sql.exec<{ jti: string; auth_server_id: string; expires_at: number }>(`SELECT jti, auth_server_id, expires_at FROM family_access_tokens WHERE family_id = ? AND expires_at > ?`, f, now).toArray());
  }
  return out;
}

/** The live access tokens a family issued (what revoking it will put on D1's revocation list). */
export function accessOf(sql: SqlStorage, familyId: string, now: number): RevokedAccess[] {
  return sql.exec<{ jti: string; auth_server_id: string; expires_at: number }>(`SELECT jti, auth_server_id, expires_at FROM family_access_tokens WHERE family_id = ? AND expires_at > ?`, familyId, now).toArray();
}

/** A live family as the admin API lists it: its current token, when it began. */
export interface FamilyRow extends RefreshRow {
  family_created: number;
}

export function liveFamilies(sql: SqlStorage, s: FamilySelector, now: number): FamilyRow[] {
  const { where, binds } = selected(s);
  return sql
    .exec<FamilyRow & Record<string, SqlStorageValue>>(
      `SELECT ${REFRESH_COLUMNS}, (SELECT MIN(f.created) FROM refresh_tokens f WHERE f.family_id = refresh_tokens.family_id) AS family_created
       FROM refresh_tokens WHERE ${where} AND ${LIVE_REFRESH} ORDER BY created`,
      ...binds, now, now,
    )
    .toArray();
}
