/**
 * Retention inside a SessionStore (issue 17): each object deletes its own dead state from its alarm, by the same
 * rules the D1 retention job applied to these tables before (src/store/retention.ts): a code a day past its expiry
 * (a replay until then still revokes what it produced), a family's rows once every row is past its lifetime (a
 * rotated row must stay while the family lives, for reuse detection), a revoked-family marker a day after the
 * revocation once its rows are gone, access-token records past their exp, snapshots of families with no rows.
 * `now` in epoch seconds. Returns whether anything is left (then the alarm is set again).
 */
const DAY = 24 * 3600;

export function sweep(sql: SqlStorage, now: number): boolean {
  sql.exec(`DELETE FROM authorization_codes WHERE expires_at < ?`, now - DAY);
  sql.exec(
    `DELETE FROM refresh_tokens WHERE family_id IN (
       SELECT family_id FROM refresh_tokens GROUP BY family_id
       HAVING SUM(CASE WHEN idle_expires_at >= ?1 AND (expires_at IS NULL OR expires_at >= ?1) THEN 1 ELSE 0 END) = 0)`,
    now,
  );
  sql.exec(`DELETE FROM revoked_families WHERE revoked_at < ? AND family_id NOT IN (SELECT family_id FROM refresh_tokens)`, now - DAY);
  sql.exec(`DELETE FROM family_access_tokens WHERE expires_at < ?`, now);
  sql.exec(`DELETE FROM family_people WHERE family_id NOT IN (SELECT family_id FROM refresh_tokens)`);
  const left = sql
    .exec<{ n: number }>(
      `SELECT (SELECT COUNT(*) FROM authorization_codes) + (SELECT COUNT(*) FROM refresh_tokens) + (SELECT COUNT(*) FROM revoked_families)
         + (SELECT COUNT(*) FROM family_access_tokens) AS n`,
    )
    .one().n;
  return left > 0;
}

/** How often an object with state looks for dead state: daily, as the D1 job's hourly runs amortise. */
export const SWEEP_EVERY_MS = DAY * 1000;
