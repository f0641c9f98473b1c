/** SQL for client-assertion replay protection (RFC 7523 section 3: a jti is used once). */

/**
 * Records a (client_id, jti) pair; false when it was already recorded, i.e. the assertion is a replay.
 * One conditional statement, so two concurrent uses of one assertion cannot both succeed. A recorded jti whose
 * assertion has expired no longer counts (RFC 7523 3 asks for the jti only while the JWT is valid), so it may be
 * used again; the retention job deletes such rows (store/retention.ts) rather than every request.
 */
export async function recordAssertion(db: D1Database, clientId: string, jti: string, expiresAt: number, now: number): Promise<boolean> {
  const res = await db
    .prepare(
      `INSERT INTO used_assertions (client_id, jti, expires_at) VALUES (?1, ?2, ?3)
       ON CONFLICT (client_id, jti) DO UPDATE SET expires_at = excluded.expires_at WHERE used_assertions.expires_at < ?4`,
    )
    .bind(clientId, jti, expiresAt, now)
    .run();
  return res.meta.changes > 0;
}
