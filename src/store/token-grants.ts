/**
 * SQL for the admin views of issued refresh tokens (Okta's OAuth2RefreshToken under an authorization server's
 * clients or a user's clients). A refresh-token "grant" is a live family: its id is the family id, stable across
 * rotation, so that an admin revoking what they listed is not outrun by a client's refresh. Only live families are
 * listed (unrotated, unrevoked, within lifetime and idle window).
 */
import { at, parseStored } from "./stored-json";
import { UserGrantSchema, type UserGrant } from "./user-grant";

export interface IssuedRefreshToken {
  /** rowid of the family's current token: the paging cursor. */
  seq: number;
  familyId: string;
  authServerId: string;
  clientId: string;
  userId: string;
  grant: UserGrant;
  /** When the family began (epoch seconds). */
  familyCreated: number;
  /** When its current token was issued (the last rotation). */
  created: number;
  /** When it dies if not used: the earlier of its absolute expiry and its idle window (epoch seconds). */
  expiresAt: number;
}

interface Row {
  seq: number;
  family_id: string;
  auth_server_id: string;
  client_id: string;
  user_id: string;
  grant_json: string;
  family_created: number;
  created: number;
  expires_at: number | null;
  idle_expires_at: number;
}

const toIssued = (r: Row): IssuedRefreshToken => ({
  seq: r.seq,
  familyId: r.family_id,
  authServerId: r.auth_server_id,
  clientId: r.client_id,
  userId: r.user_id,
  grant: parseStored(UserGrantSchema, r.grant_json, at("refresh_tokens.grant_json", r.family_id)),
  familyCreated: r.family_created,
  created: r.created,
  expiresAt: r.expires_at === null ? r.idle_expires_at : Math.min(r.expires_at, r.idle_expires_at),
});

/** Live current tokens, `?1` = now; the caller's condition uses ?2 onwards. */
const LIVE = `SELECT r.rowid AS seq, r.family_id, r.auth_server_id, r.client_id, r.user_id, r.grant_json, r.created, r.expires_at,
    r.idle_expires_at, (SELECT MIN(f.created) FROM refresh_tokens f WHERE f.family_id = r.family_id) AS family_created
  FROM refresh_tokens r
  WHERE r.rotated_at IS NULL AND r.revoked = 0 AND (r.expires_at IS NULL OR r.expires_at > ?1) AND r.idle_expires_at > ?1
    AND NOT EXISTS (SELECT 1 FROM revoked_families x WHERE x.family_id = r.family_id)`;

/** Whose tokens: one client's at one server, or one person's with one client. */
export type TokenOwner = { authServerId: string; clientId: string } | { userId: string; clientId: string };

function ownerSql(o: TokenOwner): { sql: string; binds: unknown[] } {
  return "authServerId" in o
    ? { sql: `r.auth_server_id = ?2 AND r.client_id = ?3`, binds: [o.authServerId, o.clientId] }
    : { sql: `r.user_id = ?2 AND r.client_id = ?3`, binds: [o.userId, o.clientId] };
}

export async function listIssuedRefreshTokens(
  db: D1Database,
  owner: TokenOwner,
  now: number,
  page: { limit: number; afterSeq?: number },
): Promise<{ items: IssuedRefreshToken[]; more: boolean }> {
  const { sql, binds } = ownerSql(owner);
  const { results } = await db
    .prepare(`${LIVE} AND ${sql} AND r.rowid > ?4 ORDER BY r.rowid LIMIT ?5`)
    .bind(now, ...binds, page.afterSeq ?? 0, page.limit + 1)
    .all<Row>();
  return { items: results.slice(0, page.limit).map(toIssued), more: results.length > page.limit };
}

export async function getIssuedRefreshToken(db: D1Database, owner: TokenOwner, familyId: string, now: number): Promise<IssuedRefreshToken | null> {
  const { sql, binds } = ownerSql(owner);
  const row = await db.prepare(`${LIVE} AND ${sql} AND r.family_id = ?4`).bind(now, ...binds, familyId).first<Row>();
  return row ? toIssued(row) : null;
}

/** client_ids holding live refresh tokens of a server (Okta: "the clients for which the server has tokens"). */
export async function clientsWithTokensAt(db: D1Database, authServerId: string, now: number): Promise<string[]> {
  const { results } = await db
    .prepare(`SELECT DISTINCT client_id FROM (${LIVE} AND r.auth_server_id = ?2) ORDER BY client_id`)
    .bind(now, authServerId)
    .all<{ client_id: string }>();
  return results.map((r) => r.client_id);
}

/** client_ids a person gave consent to or holds live refresh tokens for (Okta: "grants or tokens"). */
export async function clientsOfUser(db: D1Database, userId: string, now: number): Promise<string[]> {
  const { results } = await db
    .prepare(
      `SELECT client_id FROM (${LIVE} AND r.user_id = ?2)
       UNION SELECT client_id FROM consents WHERE user_id = ?2 ORDER BY client_id`,
    )
    .bind(now, userId)
    .all<{ client_id: string }>();
  return results.map((r) => r.client_id);
}
