/** SQL for the consent a person gave a client for scopes of one server. */

export async function grantedScopes(db: D1Database, userId: string, clientId: string, authServerId: string): Promise<string[]> {
  const row = await db
    .prepare(`SELECT scopes FROM consents WHERE user_id = ?1 AND client_id = ?2 AND auth_server_id = ?3`)
    .bind(userId, clientId, authServerId)
    .first<{ scopes: string }>();
  return row ? (JSON.parse(row.scopes) as string[]) : [];
}

/** Adds scopes to what the person has consented to (a union: consent is only ever widened here). */
export async function saveConsent(db: D1Database, userId: string, clientId: string, authServerId: string, scopes: string[], now: string): Promise<void> {
  const existing = await grantedScopes(db, userId, clientId, authServerId);
  const all = [...new Set([...existing, ...scopes])];
  await db
    .prepare(
      `INSERT INTO consents (user_id, client_id, auth_server_id, scopes, created) VALUES (?1, ?2, ?3, ?4, ?5)
       ON CONFLICT (user_id, client_id, auth_server_id) DO UPDATE SET scopes = excluded.scopes`,
    )
    .bind(userId, clientId, authServerId, JSON.stringify(all), now)
    .run();
}
