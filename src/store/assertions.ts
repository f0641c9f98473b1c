/** SQL for client-assertion replay protection (RFC 7523 section 3: a jti is used once). */

/**
 * Records a (client_id, jti) pair; false when it was already recorded, i.e. the assertion is a replay.
 * One conditional INSERT, so two concurrent uses of one assertion cannot both succeed.
 */
export async function recordAssertion(db: D1Database, clientId: string, jti: string, expiresAt: number, now: number): Promise<boolean> {
  const [, inserted] = await db.batch([
    db.prepare(`DELETE FROM used_assertions WHERE expires_at < ?1`).bind(now),
    db
      .prepare(`INSERT INTO used_assertions (client_id, jti, expires_at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING`)
      .bind(clientId, jti, expiresAt),
  ]);
  return (inserted?.meta.changes ?? 0) > 0;
}
