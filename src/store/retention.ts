/**
 * SQL for retention: deleting rows that can no longer change any answer (issue 10, section 6). Every purge deletes
 * in batches of BATCH rows, `DELETE ... WHERE rowid IN (SELECT rowid ... LIMIT n)`, because D1 limits the work of
 * one query, and stops after MAX_BATCHES per table so that one run stays bounded; the next run goes on.
 * `now` is epoch seconds, passed in. Each rule below says why a row is no longer needed.
 */
import { ACCESS_TOKEN_MAX_MINUTES } from "../policy/lifetimes";

export const BATCH = 500;
export const MAX_BATCHES = 40;

/** Okta's longest access-token lifetime (1 day): no access token outlives its issue by more. */
export const LONGEST_ACCESS_TOKEN_SECONDS = ACCESS_TOKEN_MAX_MINUTES * 60;

/** The window of the activation page's guessing limit (oauth/device/activate.ts). */
export const USER_CODE_WINDOW_SECONDS = 15 * 60;

/** One table's purge: a statement that deletes at most `?2` rows that are dead at `?1`. */
interface Purge {
  table: string;
  sql: string;
}

const PURGES: Purge[] = [
  {
    // A code is kept LONGEST_ACCESS_TOKEN_SECONDS past its expiry (RFC 6749 10.5): a replay until then still
    // revokes the access token its redemption produced, which cannot live longer than that.
    table: "authorization_codes",
    sql: `DELETE FROM authorization_codes WHERE rowid IN (
            SELECT rowid FROM authorization_codes WHERE expires_at < ?1 - ${LONGEST_ACCESS_TOKEN_SECONDS} LIMIT ?2)`,
  },
  {
    // A refresh token is past its lifetime when its absolute expiry (NULL: none) or its idle window has passed.
    // Its row goes only when every row of its family is past its lifetime too: until then a rotated row must stay,
    // since presenting it again is the reuse that revokes the family (RFC 9700 4.14.2).
    table: "refresh_tokens",
    sql: `DELETE FROM refresh_tokens WHERE rowid IN (
            SELECT r.rowid FROM refresh_tokens r
            WHERE (r.idle_expires_at < ?1 OR r.expires_at < ?1)
              AND NOT EXISTS (SELECT 1 FROM refresh_tokens l WHERE l.family_id = r.family_id
                                AND l.idle_expires_at >= ?1 AND (l.expires_at IS NULL OR l.expires_at >= ?1))
            LIMIT ?2)`,
  },
  {
    // A revoked-family marker outlives every token of the family (its rows go first, above) and at least the
    // longest access-token lifetime after the revocation, which covers a code redemption still in flight when a
    // replay revoked its family.
    table: "revoked_families",
    sql: `DELETE FROM revoked_families WHERE rowid IN (
            SELECT f.rowid FROM revoked_families f
            WHERE f.revoked_at < ?1 - ${LONGEST_ACCESS_TOKEN_SECONDS}
              AND NOT EXISTS (SELECT 1 FROM refresh_tokens r WHERE r.family_id = f.family_id)
            LIMIT ?2)`,
  },
  {
    // expires_at is the revoked access token's own exp (or issue + the longest lifetime): past it, verification
    // refuses the token as expired before it would look here.
    table: "revoked_tokens",
    sql: `DELETE FROM revoked_tokens WHERE rowid IN (SELECT rowid FROM revoked_tokens WHERE expires_at < ?1 LIMIT ?2)`,
  },
  {
    // A session past expires_at is dead (getLiveSession); signing out already deletes the row.
    table: "sessions",
    sql: `DELETE FROM sessions WHERE rowid IN (SELECT rowid FROM sessions WHERE expires_at < ?1 LIMIT ?2)`,
  },
  {
    // RFC 7523 3: a jti need only be remembered while the assertion carrying it is valid; past its exp the
    // assertion is refused as expired.
    table: "used_assertions",
    sql: `DELETE FROM used_assertions WHERE rowid IN (SELECT rowid FROM used_assertions WHERE expires_at < ?1 LIMIT ?2)`,
  },
  {
    // A family's access-token record is needed only to revoke that token, and past its exp it is dead anyway.
    table: "family_access_tokens",
    sql: `DELETE FROM family_access_tokens WHERE rowid IN (SELECT rowid FROM family_access_tokens WHERE expires_at < ?1 LIMIT ?2)`,
  },
  {
    // Past `until` no token of the deleted app can be valid, so its client_id may be taken again.
    table: "retired_client_ids",
    sql: `DELETE FROM retired_client_ids WHERE rowid IN (SELECT rowid FROM retired_client_ids WHERE until < ?1 LIMIT ?2)`,
  },
  {
    // RFC 9126 4: a pushed request past expires_at can no longer be used (takePushedRequest refuses it).
    table: "pushed_requests",
    sql: `DELETE FROM pushed_requests WHERE rowid IN (SELECT rowid FROM pushed_requests WHERE expires_at < ?1 LIMIT ?2)`,
  },
  {
    // RFC 9449 11.1: past the end of its iat window a proof is refused as stale, so its jti need not be kept.
    table: "used_dpop_proofs",
    sql: `DELETE FROM used_dpop_proofs WHERE rowid IN (SELECT rowid FROM used_dpop_proofs WHERE expires_at < ?1 LIMIT ?2)`,
  },
  {
    // RFC 8628: a device code past expires_at only answers expired_token; a day later it may answer invalid_grant.
    // Tokens a redemption produced are refresh families and access tokens of their own, not tied to this row.
    table: "device_authorizations",
    sql: `DELETE FROM device_authorizations WHERE rowid IN (
            SELECT rowid FROM device_authorizations WHERE expires_at < ?1 - ${LONGEST_ACCESS_TOKEN_SECONDS} LIMIT ?2)`,
  },
  {
    // A guessing window restarts after USER_CODE_WINDOW_SECONDS: an older row counts nothing.
    table: "user_code_attempts",
    sql: `DELETE FROM user_code_attempts WHERE rowid IN (SELECT rowid FROM user_code_attempts WHERE window_start < ?1 - ${USER_CODE_WINDOW_SECONDS} LIMIT ?2)`,
  },
  {
    // Issue 17: an index row names a SessionStore whose tokens for that person and client are all past their
    // lifetime at expires_at (NULL: no limit, never purged here); kept one more day so that an admin revocation
    // can still list the access tokens those families issued. The objects delete their own state (their alarm).
    table: "token_holders",
    sql: `DELETE FROM token_holders WHERE rowid IN (
            SELECT rowid FROM token_holders WHERE expires_at < ?1 - ${LONGEST_ACCESS_TOKEN_SECONDS} LIMIT ?2)`,
  },
];

export type PurgeCounts = Record<string, number>;

/**
 * Deletes what is dead at `now`, table by table in the order above (refresh tokens before their families'
 * markers), at most BATCH rows per statement and MAX_BATCHES statements per table. Returns rows deleted per table.
 */
export async function purgeExpired(db: D1Database, now: number, limits = { batch: BATCH, maxBatches: MAX_BATCHES }): Promise<PurgeCounts> {
  const counts: PurgeCounts = {};
  for (const { table, sql } of PURGES) {
    let deleted = 0;
    for (let i = 0; i < limits.maxBatches; i++) {
      const { meta } = await db.prepare(sql).bind(now, limits.batch).run();
      deleted += meta.changes;
      if (meta.changes < limits.batch) break;
    }
    counts[table] = deleted;
  }
  return counts;
}
