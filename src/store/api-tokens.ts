/** SQL for SSWS API tokens: only SHA-256 digests are stored. */

export async function findApiTokenByHash(db: D1Database, tokenHash: string): Promise<{ id: string; name: string } | null> {
  return db.prepare(`SELECT id, name FROM api_tokens WHERE token_hash = ?1`).bind(tokenHash).first<{ id: string; name: string }>();
}

export async function saveApiToken(db: D1Database, t: { id: string; name: string; tokenHash: string; created: string }): Promise<void> {
  await db
    .prepare(`INSERT INTO api_tokens (id, name, token_hash, created) VALUES (?1, ?2, ?3, ?4) ON CONFLICT(id) DO UPDATE SET token_hash = excluded.token_hash, name = excluded.name`)
    .bind(t.id, t.name, t.tokenHash, t.created)
    .run();
}
