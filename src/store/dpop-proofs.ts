/** SQL for DPoP proof replay protection (RFC 9449 11.1: a proof's jti is accepted once within its iat window). */

/**
 * Records a (jkt, jti) pair; false when it was already recorded and is still live, i.e. the proof is a replay.
 * One conditional statement, so two concurrent uses of one proof cannot both pass (as store/assertions.ts).
 */
export async function recordDpopProof(db: D1Database, jkt: string, jti: string, expiresAt: number, now: number): Promise<boolean> {
  const res = await db
    .prepare(
      `INSERT INTO used_dpop_proofs (jkt, jti, expires_at) VALUES (?1, ?2, ?3)
       ON CONFLICT (jkt, jti) DO UPDATE SET expires_at = excluded.expires_at WHERE used_dpop_proofs.expires_at < ?4`,
    )
    .bind(jkt, jti, expiresAt, now)
    .run();
  return res.meta.changes > 0;
}
