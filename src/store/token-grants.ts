/**
 * SQL behind the admin views of a person's clients. Issued refresh tokens live in the SessionStore Durable Objects
 * since issue 17 (src/sessions/fan-out.ts lists them through the token_holders index); what stays here is consent.
 */

/** client_ids a person gave consent to (Okta: "grants or tokens"; the tokens come from the SessionStore objects). */
export async function clientsOfUser(db: D1Database, userId: string): Promise<string[]> {
  const { results } = await db.prepare(`SELECT DISTINCT client_id FROM consents WHERE user_id = ?1 ORDER BY client_id`).bind(userId).all<{ client_id: string }>();
  return results.map((r) => r.client_id);
}
