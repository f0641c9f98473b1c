/**
 * Whom a statement is about: a user id, or the person of a live SSO session named by its cookie's hash, resolved
 * inside the query, so that one D1 batch reads the session and the person together (issue 17, one round trip).
 */
export type UserKey = string | { sessionHash: string; nowSeconds: number };

/** The key as SQL over parameters ?1 and ?2, with their values; a statement's own parameters start at ?3. */
export function userKeySql(key: UserKey): { sql: string; binds: [unknown, unknown] } {
  return typeof key === "string"
    ? // D1 wants one value per parameter, and ?2 must appear for the statement's own to start at ?3.
      { sql: "coalesce(?1, ?2)", binds: [key, null] }
    : { sql: "(SELECT user_id FROM sessions WHERE id_hash = ?1 AND expires_at > ?2)", binds: [key.sessionHash, key.nowSeconds] };
}
