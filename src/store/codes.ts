/**
 * SQL for authorization codes (RFC 6749 4.1.2). Only SHA-256 digests of codes are stored. A code is consumed by
 * one conditional UPDATE, never read-then-delete, so two concurrent redemptions cannot both succeed; the row is
 * kept after redemption so that a replay is recognised and can revoke what the code produced (RFC 6749 10.5).
 */
import { parseStored } from "./stored-json";
import { UserGrantSchema, type UserGrant } from "./user-grant";
import { successorStatements, type Successor } from "./refresh-tokens";

export interface CodeRecord {
  authServerId: string;
  clientId: string;
  userId: string;
  redirectUri: string;
  /** What was authorized: scopes, nonce, PKCE challenge, auth time, lifetimes (stored as JSON). */
  grant: UserGrant;
  expiresAt: number;
}

export async function saveCode(db: D1Database, codeHash: string, c: CodeRecord): Promise<void> {
  await db
    .prepare(
      `INSERT INTO authorization_codes (code_hash, auth_server_id, client_id, user_id, redirect_uri, grant_json, expires_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)`,
    )
    .bind(codeHash, c.authServerId, c.clientId, c.userId, c.redirectUri, JSON.stringify(c.grant), c.expiresAt)
    .run();
}

export type ConsumeResult =
  | { kind: "consumed"; code: CodeRecord }
  | { kind: "replayed"; accessJti: string | null; familyId: string | null }
  | { kind: "invalid" };

/**
 * Marks the code redeemed and records, in the same statement, the access token jti and refresh family its
 * redemption will produce, so that a concurrent replay can revoke them even before they are issued.
 */
export async function consumeCode(
  db: D1Database,
  codeHash: string,
  authServerId: string,
  now: number,
  produces: { accessJti: string; familyId: string },
): Promise<ConsumeResult> {
  const row = await db
    .prepare(
      `UPDATE authorization_codes SET consumed_at = ?3, access_jti = ?4, family_id = ?5
       WHERE code_hash = ?1 AND auth_server_id = ?2 AND consumed_at IS NULL AND expires_at > ?3
       RETURNING auth_server_id, client_id, user_id, redirect_uri, grant_json, expires_at`,
    )
    .bind(codeHash, authServerId, now, produces.accessJti, produces.familyId)
    .first<{ auth_server_id: string; client_id: string; user_id: string; redirect_uri: string; grant_json: string; expires_at: number }>();
  if (row) {
    // Parsed after the UPDATE: a code whose grant does not parse is spent and answers 500, never a default grant.
    const grant = parseStored(UserGrantSchema, row.grant_json, "authorization_codes.grant_json");
    return {
      kind: "consumed",
      code: { authServerId: row.auth_server_id, clientId: row.client_id, userId: row.user_id, redirectUri: row.redirect_uri, grant, expiresAt: row.expires_at },
    };
  }
  const used = await db
    .prepare(`SELECT access_jti, family_id FROM authorization_codes WHERE code_hash = ?1 AND auth_server_id = ?2 AND consumed_at IS NOT NULL`)
    .bind(codeHash, authServerId)
    .first<{ access_jti: string | null; family_id: string | null }>();
  return used ? { kind: "replayed", accessJti: used.access_jti, familyId: used.family_id } : { kind: "invalid" };
}

/** The live, unredeemed code of this server, read without consuming it (the checks run before the consume). */
export async function findLiveCode(db: D1Database, codeHash: string, authServerId: string, now: number): Promise<CodeRecord | null> {
  const row = await db
    .prepare(
      `SELECT auth_server_id, client_id, user_id, redirect_uri, grant_json, expires_at FROM authorization_codes
       WHERE code_hash = ?1 AND auth_server_id = ?2 AND consumed_at IS NULL AND expires_at > ?3`,
    )
    .bind(codeHash, authServerId, now)
    .first<{ auth_server_id: string; client_id: string; user_id: string; redirect_uri: string; grant_json: string; expires_at: number }>();
  if (!row) return null;
  const grant = parseStored(UserGrantSchema, row.grant_json, "authorization_codes.grant_json");
  return { authServerId: row.auth_server_id, clientId: row.client_id, userId: row.user_id, redirectUri: row.redirect_uri, grant, expiresAt: row.expires_at };
}

/**
 * Redeems the code and writes what it produced in one transaction: the conditional UPDATE (recording the access
 * jti and refresh family, for a replay to revoke) and, only if it won, the refresh token and its access token's
 * record. An outage leaves the code redeemable; a concurrent redemption leaves this one with nothing written.
 */
export async function commitCodeRedemption(
  db: D1Database,
  codeHash: string,
  authServerId: string,
  now: number,
  produces: { accessJti: string; familyId: string },
  successor: Successor | null,
): Promise<boolean> {
  const consume = db
    .prepare(
      `UPDATE authorization_codes SET consumed_at = ?3, access_jti = ?4, family_id = ?5
       WHERE code_hash = ?1 AND auth_server_id = ?2 AND consumed_at IS NULL AND expires_at > ?3
       RETURNING code_hash`,
    )
    .bind(codeHash, authServerId, now, produces.accessJti, produces.familyId);
  const [consumed] = await db.batch([consume, ...(successor ? successorStatements(db, successor) : [])]);
  return (consumed?.results.length ?? 0) > 0;
}
