/**
 * SQL for Okta's lockout: consecutive failed sign-ins per person (sign_in_failures) and the LOCKED_OUT status.
 * Each step is one D1 batch (a transaction), so the counter and the status never disagree.
 */
import type { PasswordLockout } from "../policy/password";
import { userOfRows, userStatement, type UserRecord } from "./users";

/**
 * SQL that is true inside a sign-in attempt's transaction only when the attempt succeeded: `?n` is bound to the
 * attempt's id. The statements a success also runs (the session it starts, the index row of the code it leads to)
 * put it in their WHERE, so that a refused attempt's batch writes none of them.
 */
export const succeeded = (n: number): string => `EXISTS (SELECT 1 FROM sign_in_verdicts WHERE attempt_id = ?${n})`;

/** A password checked in the Worker against the hash a (possibly lagging) replica returned. */
export interface CheckedPassword {
  userId: string;
  /** The hash the password was checked against: the attempt succeeds only if the primary still has it. */
  checkedHash: string;
  correct: boolean;
  /** A fresh random id naming this attempt's verdict (`succeeded`). */
  attemptId: string;
}

export interface AttemptOutcome {
  ok: boolean;
  /** The person's row after the attempt (null: deleted meanwhile). */
  user: UserRecord | null;
  /** This attempt reached maxAttempts and locked the person. */
  lockedNow: boolean;
  /** This attempt found the person's lock older than autoUnlockMinutes and unlocked them first (Okta). */
  unlockedNow: boolean;
  /** The results of `also`, in order. */
  alsoResults: D1Result[];
}

/**
 * Okta's lockout for one attempt whose password was already checked, decided and recorded in one D1 batch (one
 * transaction, one far round trip; issue 17). In order: a LOCKED_OUT person whose lock is older than
 * autoUnlockMinutes is unlocked; the attempt succeeds only if the password was right, the primary still has the
 * hash it was checked against, the person is ACTIVE and fewer than maxAttempts failures are counted; a success runs
 * `also`, moves lastLogin and resets the counter, anything else is counted and locks the person at maxAttempts.
 * D1 runs batches one at a time, so N parallel guesses are N counted attempts and at most maxAttempts of them can
 * succeed between resets, whatever their order; a refused right password answers like a wrong one.
 */
export async function attemptSignIn(
  db: D1Database,
  a: CheckedPassword,
  lockout: PasswordLockout,
  nowMs: number,
  nowIso: string,
  also: D1PreparedStatement[] = [],
): Promise<AttemptOutcome> {
  const cutoff = lockout.autoUnlockMinutes > 0 ? nowMs - lockout.autoUnlockMinutes * 60_000 : null;
  const max = lockout.maxAttempts;
  const statements = [
    db
      .prepare(
        `UPDATE users SET status = 'ACTIVE', status_changed = ?2, last_updated = ?2 WHERE id = ?1 AND status = 'LOCKED_OUT' AND ?3 IS NOT NULL
         AND EXISTS (SELECT 1 FROM sign_in_failures WHERE user_id = ?1 AND locked_at IS NOT NULL AND locked_at <= ?3)`,
      )
      .bind(a.userId, nowIso, cutoff),
    db.prepare(`DELETE FROM sign_in_failures WHERE user_id = ?1 AND ?2 IS NOT NULL AND locked_at IS NOT NULL AND locked_at <= ?2`).bind(a.userId, cutoff),
    db
      .prepare(
        `INSERT INTO sign_in_verdicts (attempt_id, user_id) SELECT ?1, id FROM users WHERE id = ?2 AND ?3 = 1 AND password_hash = ?4 AND status = 'ACTIVE'
         AND (?5 = 0 OR coalesce((SELECT failures FROM sign_in_failures WHERE user_id = ?2), 0) < ?5)`,
      )
      .bind(a.attemptId, a.userId, a.correct ? 1 : 0, a.checkedHash, max),
    ...also,
    db.prepare(`UPDATE users SET last_login = ?2 WHERE id = ?1 AND ${succeeded(3)}`).bind(a.userId, nowIso, a.attemptId),
    // Not counted when the primary's hash is not the one checked (a replica behind a password change): the caller
    // checks the password again against the primary's row.
    db
      .prepare(
        `INSERT INTO sign_in_failures (user_id, failures) SELECT id, 1 FROM users WHERE id = ?1 AND password_hash = ?3 AND NOT ${succeeded(2)}
         ON CONFLICT (user_id) DO UPDATE SET failures = failures + 1`,
      )
      .bind(a.userId, a.attemptId, a.checkedHash),
    db
      .prepare(
        `UPDATE users SET status = 'LOCKED_OUT', status_changed = ?2, last_updated = ?2 WHERE id = ?1 AND ?3 > 0 AND status = 'ACTIVE' AND NOT ${succeeded(4)}
         AND (SELECT failures FROM sign_in_failures WHERE user_id = ?1) >= ?3 RETURNING id`,
      )
      .bind(a.userId, nowIso, max, a.attemptId),
    db
      .prepare(
        `UPDATE sign_in_failures SET locked_at = ?2 WHERE user_id = ?1 AND ?3 > 0 AND locked_at IS NULL AND NOT ${succeeded(4)}
         AND (SELECT status FROM users WHERE id = ?1) = 'LOCKED_OUT'`,
      )
      .bind(a.userId, nowMs, max, a.attemptId),
    db.prepare(`DELETE FROM sign_in_failures WHERE user_id = ?1 AND ${succeeded(2)}`).bind(a.userId, a.attemptId),
    db.prepare(`DELETE FROM sign_in_verdicts WHERE attempt_id = ?1 RETURNING user_id`).bind(a.attemptId),
    userStatement(db, a.userId),
  ];
  const results = await db.batch(statements);
  const [unlocked, , , ...rest] = results;
  const alsoResults = rest.slice(0, also.length);
  const [, , locked, , , verdict, user] = rest.slice(also.length);
  return {
    ok: (verdict?.results.length ?? 0) > 0,
    user: userOfRows(user?.results ?? []),
    lockedNow: (locked?.results.length ?? 0) > 0,
    unlockedNow: (unlocked?.meta.changes ?? 0) > 0,
    alsoResults,
  };
}

/** Okta's unlock: LOCKED_OUT becomes ACTIVE and the counter resets; false when the person was not locked out. */
export async function unlockUser(db: D1Database, userId: string, nowIso: string): Promise<boolean> {
  const [, unlocked] = await db.batch([
    db.prepare(`DELETE FROM sign_in_failures WHERE user_id = ?1 AND (SELECT status FROM users WHERE id = ?1) = 'LOCKED_OUT'`).bind(userId),
    db.prepare(`UPDATE users SET status = 'ACTIVE', status_changed = ?2, last_updated = ?2 WHERE id = ?1 AND status = 'LOCKED_OUT' RETURNING id`).bind(userId, nowIso),
  ]);
  return (unlocked?.results.length ?? 0) > 0;
}
