/** SQL for the consent people gave clients for scopes of a server (Okta's user grants). One row per scope. */
import { newId } from "../ids";
import { userKeySql, type UserKey } from "./user-key";

export interface ConsentRecord {
  id: string;
  userId: string;
  clientId: string;
  authServerId: string;
  scope: string;
  created: string;
}

interface Row {
  id: string;
  user_id: string;
  client_id: string;
  auth_server_id: string;
  scope: string;
  created: string;
}

const toConsent = (r: Row): ConsentRecord => ({ id: r.id, userId: r.user_id, clientId: r.client_id, authServerId: r.auth_server_id, scope: r.scope, created: r.created });

export async function grantedScopes(db: D1Database, userId: string, clientId: string, authServerId: string): Promise<string[]> {
  const { results } = await grantedScopesStatement(db, userId, clientId, authServerId).all<{ scope: string }>();
  return results.map((r) => r.scope);
}

/** grantedScopes as a statement (rows of { scope }), for a batch. */
export function grantedScopesStatement(db: D1Database, key: UserKey, clientId: string, authServerId: string): D1PreparedStatement {
  const who = userKeySql(key);
  return db.prepare(`SELECT scope FROM consents WHERE user_id = ${who.sql} AND client_id = ?3 AND auth_server_id = ?4`).bind(...who.binds, clientId, authServerId);
}

/** Records consent to each scope (already-consented scopes are kept as they were), in one batch. */
export async function saveConsent(db: D1Database, userId: string, clientId: string, authServerId: string, scopes: string[], now: string): Promise<void> {
  if (!scopes.length) return;
  await db.batch(
    scopes.map((scope) =>
      db
        .prepare(
          `INSERT INTO consents (id, user_id, client_id, auth_server_id, scope, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
           ON CONFLICT (user_id, client_id, auth_server_id, scope) DO NOTHING`,
        )
        .bind(newId("oag"), userId, clientId, authServerId, scope, now),
    ),
  );
}

export async function listConsents(db: D1Database, userId: string, scope?: string): Promise<ConsentRecord[]> {
  const { results } = await db
    .prepare(`SELECT * FROM consents WHERE user_id = ?1 AND (?2 IS NULL OR scope = ?2) ORDER BY created, id`)
    .bind(userId, scope ?? null)
    .all<Row>();
  return results.map(toConsent);
}

export async function getConsent(db: D1Database, userId: string, id: string): Promise<ConsentRecord | null> {
  const row = await db.prepare(`SELECT * FROM consents WHERE user_id = ?1 AND id = ?2`).bind(userId, id).first<Row>();
  return row ? toConsent(row) : null;
}

/** Revokes one grant, or all of a person's grants when id is omitted; returns how many were removed. */
export async function revokeConsents(db: D1Database, userId: string, id?: string): Promise<number> {
  const res = await db.prepare(`DELETE FROM consents WHERE user_id = ?1 AND (?2 IS NULL OR id = ?2)`).bind(userId, id ?? null).run();
  return res.meta.changes;
}
