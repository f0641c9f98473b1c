/** SQL for SSO sessions. Only the SHA-256 of the cookie value is stored. */
import { z } from "zod";
import { succeeded } from "./lockout";
import { parseStored } from "./stored-json";

const Amr = z.array(z.string());

export interface SessionRecord {
  userId: string;
  authTime: number;
  amr: string[];
  expiresAt: number;
}

export async function getLiveSession(db: D1Database, idHash: string, now: number): Promise<SessionRecord | null> {
  return sessionOfRows((await liveSessionStatement(db, idHash, now).all()).results);
}

/** getLiveSession as a statement, for a batch (sessionOfRows reads its results). */
export const liveSessionStatement = (db: D1Database, idHash: string, now: number): D1PreparedStatement =>
  db.prepare(`SELECT user_id, auth_time, amr, expires_at FROM sessions WHERE id_hash = ?1 AND expires_at > ?2`).bind(idHash, now);

export function sessionOfRows(rows: unknown[]): SessionRecord | null {
  const row = rows[0] as { user_id: string; auth_time: number; amr: string; expires_at: number } | undefined;
  return row ? { userId: row.user_id, authTime: row.auth_time, amr: parseStored(Amr, row.amr, "sessions.amr"), expiresAt: row.expires_at } : null;
}

/** Deletes the session; returns whose it was (for the System Log), or null when there was none. */
export async function deleteSession(db: D1Database, idHash: string): Promise<string | null> {
  return db.prepare(`DELETE FROM sessions WHERE id_hash = ?1 RETURNING user_id`).bind(idHash).first<string>("user_id");
}

export async function deleteUserSessions(db: D1Database, userId: string): Promise<void> {
  await db.prepare(`DELETE FROM sessions WHERE user_id = ?1`).bind(userId).run();
}

/**
 * Starts a session and ends, in the same transaction, the one it replaces in this browser (a new sign-in, another
 * person or prompt=login): the replaced session must not go on answering prompt=none on the server. The sign-in
 * runs these in the transaction that decides it (store/lockout.ts attemptSignIn), and only if it succeeded.
 */
export function replaceSessionStatements(db: D1Database, replacedHash: string | null, idHash: string, s: SessionRecord, now: number, attemptId: string): D1PreparedStatement[] {
  return [
    ...(replacedHash ? [db.prepare(`DELETE FROM sessions WHERE id_hash = ?1 AND ${succeeded(2)}`).bind(replacedHash, attemptId)] : []),
    db
      .prepare(`INSERT INTO sessions (id_hash, user_id, auth_time, amr, created, expires_at) SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE ${succeeded(7)}`)
      .bind(idHash, s.userId, s.authTime, JSON.stringify(s.amr), now, s.expiresAt, attemptId),
  ];
}
