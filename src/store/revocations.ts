/** SQL for revoked access tokens (RFC 7009), kept until the token would have expired. */

export async function revokeToken(db: D1Database, authServerId: string, jti: string, expiresAt: number): Promise<void> {
  await db
    .prepare(`INSERT INTO revoked_tokens (jti, auth_server_id, expires_at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING`)
    .bind(jti, authServerId, expiresAt)
    .run();
}

export async function isRevoked(db: D1Database, authServerId: string, jti: string): Promise<boolean> {
  const row = await db.prepare(`SELECT 1 AS r FROM revoked_tokens WHERE jti = ?1 AND auth_server_id = ?2`).bind(jti, authServerId).first();
  return row !== null;
}

/** Puts access tokens on the revocation list in one batch (a family revoked in its Durable Object issued them). */
export async function revokeTokens(db: D1Database, tokens: Array<{ jti: string; auth_server_id: string; expires_at: number }>): Promise<void> {
  if (!tokens.length) return;
  await db.batch(
    tokens.map((t) =>
      db.prepare(`INSERT INTO revoked_tokens (jti, auth_server_id, expires_at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING`).bind(t.jti, t.auth_server_id, t.expires_at),
    ),
  );
}
