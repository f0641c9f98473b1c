/** SQL for trusted (associated) authorization servers: which servers' access tokens a server accepts in a token exchange. */
import { getServerColumnsSql, toServerRecord, type AuthorizationServerRecord } from "./authorization-servers";
import { startsWith } from "./sql";

/** Whether `serverId` trusts tokens issued by `issuingServerId`. */
export async function trusts(db: D1Database, serverId: string, issuingServerId: string): Promise<boolean> {
  const row = await db
    .prepare(`SELECT 1 AS yes FROM trusted_servers WHERE auth_server_id = ?1 AND trusted_server_id = ?2`)
    .bind(serverId, issuingServerId)
    .first<{ yes: number }>();
  return row !== null;
}

/**
 * Adds the pairs in one batch (all or nothing); returns the ids that were already trusted, in which case nothing
 * was written.
 */
export async function addTrustedServers(db: D1Database, serverId: string, trustedIds: string[], now: string): Promise<string[]> {
  const { results } = await db
    .prepare(`SELECT trusted_server_id AS id FROM trusted_servers WHERE auth_server_id = ?1 AND trusted_server_id IN (SELECT value FROM json_each(?2))`)
    .bind(serverId, JSON.stringify(trustedIds))
    .all<{ id: string }>();
  if (results.length) return results.map((r) => r.id);
  await db.batch(
    trustedIds.map((id) =>
      db.prepare(`INSERT INTO trusted_servers (auth_server_id, trusted_server_id, created) VALUES (?1, ?2, ?3)`).bind(serverId, id, now),
    ),
  );
  return [];
}

export async function removeTrustedServer(db: D1Database, serverId: string, trustedId: string): Promise<boolean> {
  const res = await db.prepare(`DELETE FROM trusted_servers WHERE auth_server_id = ?1 AND trusted_server_id = ?2`).bind(serverId, trustedId).run();
  return res.meta.changes > 0;
}

/**
 * One page of the servers `serverId` trusts (trusted = true) or could trust (false: every other server it does
 * not), in creation order; `q` matches the name or the audience as Okta's list does.
 */
export async function listAssociatedServers(
  db: D1Database,
  serverId: string,
  opts: { trusted: boolean; q?: string; limit: number; afterSeq?: number },
): Promise<{ items: AuthorizationServerRecord[]; more: boolean }> {
  const { results } = await db
    .prepare(
      `SELECT ${getServerColumnsSql("s")} FROM authorization_servers s
       WHERE s.seq > ?2 AND s.id <> ?1
         AND (EXISTS (SELECT 1 FROM trusted_servers t WHERE t.auth_server_id = ?1 AND t.trusted_server_id = s.id)) = ?5
         AND (?3 IS NULL OR ${startsWith("s.name", "?3")}
              OR EXISTS (SELECT 1 FROM json_each(s.audiences) WHERE ${startsWith("value", "?3")}))
       ORDER BY s.seq LIMIT ?4`,
    )
    .bind(serverId, opts.afterSeq ?? 0, opts.q || null, opts.limit + 1, opts.trusted ? 1 : 0)
    .all<Parameters<typeof toServerRecord>[0]>();
  return { items: results.slice(0, opts.limit).map(toServerRecord), more: results.length > opts.limit };
}
