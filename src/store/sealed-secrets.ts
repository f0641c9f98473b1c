/** SQL for the client secrets kept sealed (client_secret_jwt), for re-sealing them after a secret rotation. */

export async function listSealedClientSecrets(db: D1Database): Promise<Array<{ clientId: string; sealed: string }>> {
  const { results } = await db.prepare(`SELECT client_id, secret_sealed FROM apps WHERE secret_sealed IS NOT NULL`).all<{ client_id: string; secret_sealed: string }>();
  return results.map((r) => ({ clientId: r.client_id, sealed: r.secret_sealed }));
}

/** Replaces a sealed secret only if it is still the one read, so a secret changed meanwhile is not overwritten. */
export async function replaceSealedClientSecret(db: D1Database, clientId: string, was: string, sealed: string): Promise<void> {
  await db.prepare(`UPDATE apps SET secret_sealed = ?3 WHERE client_id = ?1 AND secret_sealed = ?2`).bind(clientId, was, sealed).run();
}
