/**
 * SQL for the index of SessionStore Durable Objects (issue 17): which objects hold person-facing token state of
 * which person, client and server. The objects own the state; this index only names them, so that "all tokens of a
 * person / of a client" can be listed and revoked by fanning out to them. Rows are never read on a refresh or a code
 * redemption.
 */

export interface Holder {
  /** rowid: the paging cursor of the admin listings. */
  seq: number;
  doId: string;
  userId: string;
  clientId: string;
  authServerId: string;
}

/** Which holders: the admin API's selectors. */
export type HolderSelector =
  | { by: "user"; userId: string }
  | { by: "userClient"; userId: string; clientId: string }
  | { by: "client"; clientId: string }
  | { by: "serverClient"; authServerId: string; clientId: string };

interface Row {
  seq: number;
  do_id: string;
  user_id: string;
  client_id: string;
  auth_server_id: string;
}

const toHolder = (r: Row): Holder => ({ seq: r.seq, doId: r.do_id, userId: r.user_id, clientId: r.client_id, authServerId: r.auth_server_id });

function where(s: HolderSelector): { sql: string; binds: unknown[] } {
  switch (s.by) {
    case "user":
      return { sql: `user_id = ?1`, binds: [s.userId] };
    case "userClient":
      return { sql: `user_id = ?1 AND client_id = ?2`, binds: [s.userId, s.clientId] };
    case "client":
      return { sql: `client_id = ?1`, binds: [s.clientId] };
    case "serverClient":
      return { sql: `auth_server_id = ?1 AND client_id = ?2`, binds: [s.authServerId, s.clientId] };
    default: {
      const unreachable: never = s;
      return unreachable;
    }
  }
}

/**
 * Names an object as holding (or about to hold) tokens of a person for a client of a server. `expiresAt` (epoch
 * seconds, null: never) is when nothing it can hold for them is alive any more; the retention job deletes the row
 * after it.
 */
export function insertHolderStatement(db: D1Database, h: Omit<Holder, "seq">, created: number, expiresAt: number | null, when?: HolderCondition): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO token_holders (do_id, user_id, client_id, auth_server_id, created, expires_at) SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE ${when?.sql ?? "1"}
       ON CONFLICT (do_id, user_id, client_id, auth_server_id) DO UPDATE SET expires_at = CASE
         WHEN excluded.expires_at IS NULL OR token_holders.expires_at IS NULL THEN NULL ELSE MAX(excluded.expires_at, token_holders.expires_at) END
       RETURNING do_id`,
    )
    .bind(h.doId, h.userId, h.clientId, h.authServerId, created, expiresAt, ...(when?.binds ?? []));
}

/** A condition the row is written under: SQL over ?2 (the person's id) and its own parameters from ?7. */
export interface HolderCondition {
  sql: string;
  binds: unknown[];
}

/** The condition that the person is ACTIVE and, given a session's hash, that it is live and theirs (issue 17). */
export const personStillSignedIn = (sessionHash: string | null, nowSeconds: number): HolderCondition => ({
  sql: `EXISTS (SELECT 1 FROM users WHERE id = ?2 AND status = 'ACTIVE')
        AND (?7 IS NULL OR EXISTS (SELECT 1 FROM sessions WHERE id_hash = ?7 AND user_id = ?2 AND expires_at > ?8))`,
  binds: [sessionHash, nowSeconds],
});

/** Writes the row (when its condition holds, if it has one); false when the condition did not hold. */
export async function insertHolder(db: D1Database, h: Omit<Holder, "seq">, created: number, expiresAt: number | null, when?: HolderCondition): Promise<boolean> {
  return (await insertHolderStatement(db, h, created, expiresAt, when).all()).results.length > 0;
}

/** Every holder the selector names (a revocation fans out to all of them), alive at `now`. */
export async function holdersOf(db: D1Database, s: HolderSelector, now: number): Promise<Holder[]> {
  const { sql, binds } = where(s);
  const { results } = await db
    .prepare(`SELECT rowid AS seq, do_id, user_id, client_id, auth_server_id FROM token_holders WHERE ${sql} AND (expires_at IS NULL OR expires_at > ?${binds.length + 1}) ORDER BY rowid`)
    .bind(...binds, now)
    .all<Row>();
  return results.map(toHolder);
}

/** One page of holders, by rowid after the cursor. */
export async function pageOfHolders(db: D1Database, s: HolderSelector, now: number, page: { limit: number; afterSeq?: number }): Promise<{ items: Holder[]; more: boolean }> {
  const { sql, binds } = where(s);
  const n = binds.length;
  const { results } = await db
    .prepare(
      `SELECT rowid AS seq, do_id, user_id, client_id, auth_server_id FROM token_holders
       WHERE ${sql} AND (expires_at IS NULL OR expires_at > ?${n + 1}) AND rowid > ?${n + 2} ORDER BY rowid LIMIT ?${n + 3}`,
    )
    .bind(...binds, now, page.afterSeq ?? 0, page.limit + 1)
    .all<Row>();
  return { items: results.slice(0, page.limit).map(toHolder), more: results.length > page.limit };
}

/** Distinct client_ids among live holders of a server, or of a person. */
export async function holderClients(db: D1Database, s: { authServerId: string } | { userId: string }, now: number): Promise<string[]> {
  const [col, val] = "authServerId" in s ? ["auth_server_id", s.authServerId] : ["user_id", s.userId];
  const { results } = await db
    .prepare(`SELECT DISTINCT client_id FROM token_holders WHERE ${col} = ?1 AND (expires_at IS NULL OR expires_at > ?2) ORDER BY client_id`)
    .bind(val, now)
    .all<{ client_id: string }>();
  return results.map((r) => r.client_id);
}

/** Okta: deleting an app deletes its tokens; its holders are forgotten once each object has been told. */
/** Deletes the row of an object that was named for a code and never received it (sessions/register.ts). */
export async function deleteHolderRow(db: D1Database, h: Omit<Holder, "seq">): Promise<void> {
  await db
    .prepare(`DELETE FROM token_holders WHERE do_id = ?1 AND user_id = ?2 AND client_id = ?3 AND auth_server_id = ?4`)
    .bind(h.doId, h.userId, h.clientId, h.authServerId)
    .run();
}

export async function deleteClientHolders(db: D1Database, clientId: string): Promise<void> {
  await db.prepare(`DELETE FROM token_holders WHERE client_id = ?1`).bind(clientId).run();
}
