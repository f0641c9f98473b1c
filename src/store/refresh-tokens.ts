/**
 * SQL for refresh tokens. Only SHA-256 digests are stored. Rotation is one conditional UPDATE in the same batch as
 * the successor's insert (commitRotation); presenting a token that was already rotated revokes its whole family
 * (OAuth 2.0 Security BCP, RFC 9700 4.14.2).
 */
import { at, parseStored } from "./stored-json";
import { UserGrantSchema, type UserGrant } from "./user-grant";
import { revokeFamiliesStatements } from "./token-revocation";

export interface RefreshTokenRecord {
  id: string;
  familyId: string;
  authServerId: string;
  clientId: string;
  userId: string;
  grant: UserGrant;
  created: number;
  expiresAt: number | null;
  idleExpiresAt: number;
}

interface Row {
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

const COLUMNS = "id, family_id, auth_server_id, client_id, user_id, grant_json, created, expires_at, idle_expires_at";
const toRecord = (r: Row): RefreshTokenRecord => ({
  id: r.id,
  familyId: r.family_id,
  authServerId: r.auth_server_id,
  clientId: r.client_id,
  userId: r.user_id,
  grant: parseStored(UserGrantSchema, r.grant_json, at("refresh_tokens.grant_json", r.id)),
  created: r.created,
  expiresAt: r.expires_at,
  idleExpiresAt: r.idle_expires_at,
});

export function insertRefreshTokenStatement(db: D1Database, tokenHash: string, t: RefreshTokenRecord): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO refresh_tokens (token_hash, id, family_id, auth_server_id, client_id, user_id, grant_json, created, expires_at, idle_expires_at)
       SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10
       WHERE NOT EXISTS (SELECT 1 FROM revoked_families WHERE family_id = ?3)`,
    )
    .bind(tokenHash, t.id, t.familyId, t.authServerId, t.clientId, t.userId, JSON.stringify(t.grant), t.created, t.expiresAt, t.idleExpiresAt);
}

/** Finds a live refresh token without consuming it (introspection, revocation). */
export async function findRefreshToken(db: D1Database, tokenHash: string, authServerId: string, now: number): Promise<RefreshTokenRecord | null> {
  const row = await db
    .prepare(
      `SELECT ${COLUMNS} FROM refresh_tokens
       WHERE token_hash = ?1 AND auth_server_id = ?2 AND rotated_at IS NULL AND revoked = 0
         AND (expires_at IS NULL OR expires_at > ?3) AND idle_expires_at > ?3
         AND NOT EXISTS (SELECT 1 FROM revoked_families f WHERE f.family_id = refresh_tokens.family_id)`,
    )
    .bind(tokenHash, authServerId, now)
    .first<Row>();
  return row ? toRecord(row) : null;
}

/** Revokes a family and the access tokens it issued (Okta: revoking a refresh token revokes those too). */
export async function revokeFamily(db: D1Database, familyId: string, now: number): Promise<void> {
  await db.batch(revokeFamiliesStatements(db, { by: "family", familyId }, now));
}

/** The family of a token of this server that was already rotated (its reuse, RFC 9700 4.14.2), if it is one. */
export async function findRotatedFamily(db: D1Database, tokenHash: string, authServerId: string): Promise<string | null> {
  const row = await db
    .prepare(`SELECT family_id FROM refresh_tokens WHERE token_hash = ?1 AND auth_server_id = ?2 AND rotated_at IS NOT NULL`)
    .bind(tokenHash, authServerId)
    .first<{ family_id: string }>();
  return row?.family_id ?? null;
}

/** A refresh token to insert and the access token issued with it, written in the same batch as what they replace. */
export interface Successor {
  tokenHash: string;
  token: RefreshTokenRecord;
  access: { jti: string; expiresAt: number };
}

/**
 * The successor's insert and its access token's record, each applied only when the statement before it in the
 * batch changed a row (SQLite changes()): the consume of the code or of the rotated token, then the insert itself.
 * A revoked family gets no successor.
 */
export function successorStatements(db: D1Database, s: Successor): D1PreparedStatement[] {
  const t = s.token;
  return [
    db
      .prepare(
        `INSERT INTO refresh_tokens (token_hash, id, family_id, auth_server_id, client_id, user_id, grant_json, created, expires_at, idle_expires_at)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10
         WHERE changes() = 1 AND NOT EXISTS (SELECT 1 FROM revoked_families WHERE family_id = ?3)`,
      )
      .bind(s.tokenHash, t.id, t.familyId, t.authServerId, t.clientId, t.userId, JSON.stringify(t.grant), t.created, t.expiresAt, t.idleExpiresAt),
    db
      .prepare(
        `INSERT INTO family_access_tokens (jti, family_id, auth_server_id, expires_at) SELECT ?1, ?2, ?3, ?4
         WHERE changes() = 1 ON CONFLICT DO NOTHING`,
      )
      .bind(s.access.jti, t.familyId, t.authServerId, s.access.expiresAt),
  ];
}

/**
 * Rotation as one transaction (RFC 9700 4.14.2): the presented token is consumed by a conditional UPDATE and its
 * successor inserted only if that UPDATE won, so an outage leaves the old token usable rather than spent with no
 * successor, and a concurrent revocation of the family either precedes (nothing is issued) or follows (it revokes
 * the successor too). Returns whether this request consumed the token.
 */
export async function commitRotation(
  db: D1Database,
  tokenHash: string,
  scope: { authServerId: string; clientId: string },
  now: number,
  successor: Successor | null,
): Promise<boolean> {
  const consume = db
    .prepare(
      `UPDATE refresh_tokens SET rotated_at = ?4
       WHERE token_hash = ?1 AND auth_server_id = ?2 AND client_id = ?3 AND rotated_at IS NULL AND revoked = 0
         AND (expires_at IS NULL OR expires_at > ?4) AND idle_expires_at > ?4
         AND NOT EXISTS (SELECT 1 FROM revoked_families f WHERE f.family_id = refresh_tokens.family_id)
       RETURNING id`,
    )
    .bind(tokenHash, scope.authServerId, scope.clientId, now);
  const [consumed] = await db.batch([consume, ...(successor ? successorStatements(db, successor) : [])]);
  return (consumed?.results.length ?? 0) > 0;
}

/** A refresh token issued where nothing is consumed, with its access token's record, in one batch. */
export async function saveSuccessor(db: D1Database, s: Successor): Promise<void> {
  await db.batch([
    insertRefreshTokenStatement(db, s.tokenHash, s.token),
    db
      .prepare(`INSERT INTO family_access_tokens (jti, family_id, auth_server_id, expires_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING`)
      .bind(s.access.jti, s.token.familyId, s.token.authServerId, s.access.expiresAt),
  ]);
}
