/**
 * SQL for revoking refresh-token families in bulk (an admin's action) together with the access tokens they issued.
 * Okta: revoking a refresh token also revokes the access tokens minted with it; access tokens issued without a
 * refresh token are not affected. Each revocation is one db.batch (one transaction), and a refresh commits its
 * rotation in one batch too, so the two are serialised: a refresh either lands before the revocation (and its new
 * tokens are revoked with the family) or after it (and finds the family revoked).
 */

/** Which families to revoke; every selector is scoped as the admin API that uses it is. */
export type FamilySelector =
  | { by: "user"; userId: string }
  | { by: "userClient"; userId: string; clientId: string }
  | { by: "client"; clientId: string }
  | { by: "serverClient"; authServerId: string; clientId: string }
  | { by: "family"; familyId: string };

/** A SELECT of the family ids the selector names (parameters from ?2), with its bindings. */
function families(s: FamilySelector): { sql: string; binds: unknown[] } {
  switch (s.by) {
    case "user":
      return { sql: `SELECT DISTINCT family_id FROM refresh_tokens WHERE user_id = ?2`, binds: [s.userId] };
    case "userClient":
      return { sql: `SELECT DISTINCT family_id FROM refresh_tokens WHERE user_id = ?2 AND client_id = ?3`, binds: [s.userId, s.clientId] };
    case "client":
      return { sql: `SELECT DISTINCT family_id FROM refresh_tokens WHERE client_id = ?2`, binds: [s.clientId] };
    case "serverClient":
      return { sql: `SELECT DISTINCT family_id FROM refresh_tokens WHERE auth_server_id = ?2 AND client_id = ?3`, binds: [s.authServerId, s.clientId] };
    case "family":
      return { sql: `SELECT ?2 AS family_id`, binds: [s.familyId] };
    default: {
      const unreachable: never = s;
      return unreachable;
    }
  }
}

/**
 * The statements that revoke the selected families: the family markers (no further token, whatever races), the
 * rows, and the access tokens the families issued (into the revocation list introspection reads). `now` in seconds.
 */
export function revokeFamiliesStatements(db: D1Database, selector: FamilySelector, now: number): D1PreparedStatement[] {
  const { sql, binds } = families(selector);
  return [
    db
      .prepare(
        `INSERT INTO revoked_tokens (jti, auth_server_id, expires_at)
         SELECT jti, auth_server_id, expires_at FROM family_access_tokens WHERE family_id IN (${sql}) AND expires_at > ?1
         ON CONFLICT DO NOTHING`,
      )
      .bind(now, ...binds),
    db.prepare(`UPDATE refresh_tokens SET revoked = 1 WHERE family_id IN (${sql}) AND revoked = 0 AND ?1 = ?1`).bind(now, ...binds),
    db.prepare(`INSERT INTO revoked_families (family_id, revoked_at) SELECT family_id, ?1 FROM (${sql}) WHERE true ON CONFLICT DO NOTHING`).bind(now, ...binds),
  ];
}

/** Revokes the selected families and their access tokens in one transaction. */
export async function revokeFamilies(db: D1Database, selector: FamilySelector, now: number): Promise<void> {
  await db.batch(revokeFamiliesStatements(db, selector, now));
}

/** Okta: ending a person's access (password reset, suspension, deactivation, deletion) ends their SSO sessions
 * and revokes their refresh tokens and the access tokens those issued, in one transaction. */
export async function endUserAccess(db: D1Database, userId: string, now: number): Promise<void> {
  await db.batch([db.prepare(`DELETE FROM sessions WHERE user_id = ?1`).bind(userId), ...revokeFamiliesStatements(db, { by: "user", userId }, now)]);
}

/**
 * Okta: deleting an app deletes its refresh tokens, consents and client-assertion records; its client_id stays
 * retired until `until` (seconds), when no token it issued can still be valid. The access tokens its families
 * issued go on the revocation list first.
 */
export async function forgetDeletedClient(db: D1Database, clientId: string, now: number, until: number): Promise<void> {
  await db.batch([
    ...revokeFamiliesStatements(db, { by: "client", clientId }, now),
    db.prepare(`DELETE FROM refresh_tokens WHERE client_id = ?1`).bind(clientId),
    db.prepare(`DELETE FROM authorization_codes WHERE client_id = ?1 AND consumed_at IS NULL`).bind(clientId),
    db.prepare(`DELETE FROM consents WHERE client_id = ?1`).bind(clientId),
    db.prepare(`DELETE FROM used_assertions WHERE client_id = ?1`).bind(clientId),
    db.prepare(`INSERT INTO retired_client_ids (client_id, until) VALUES (?1, ?2) ON CONFLICT (client_id) DO UPDATE SET until = MAX(until, ?2)`).bind(clientId, until),
  ]);
}

/** Whether a deleted app's client_id is still retired at `now` (seconds). */
export async function isRetiredClientId(db: D1Database, clientId: string, now: number): Promise<boolean> {
  return (await db.prepare(`SELECT 1 AS r FROM retired_client_ids WHERE client_id = ?1 AND until > ?2`).bind(clientId, now).first()) !== null;
}
