/**
 * SQL for Okta's lockout: consecutive failed sign-ins per person (sign_in_failures) and the LOCKED_OUT status.
 * Each step is one D1 batch (a transaction), so the counter and the status never disagree.
 */
import type { PasswordLockout } from "../policy/password";
import { foldLogin, userByLoginStatement, userOfRows, type UserRecord } from "./users";

export interface AttemptReservation {
  /** The person may have their password checked: ACTIVE and within maxAttempts counting this attempt. */
  allowed: boolean;
  status: string | null;
  /** This attempt found the person's lock older than autoUnlockMinutes and unlocked them (Okta: user.account.unlock). */
  autoUnlocked: boolean;
}

/**
 * Counts an attempt before its password is checked. First, a LOCKED_OUT person whose lock is older than
 * autoUnlockMinutes is unlocked (Okta); then the counter goes up by one in the same transaction. Counting first
 * means N parallel guesses take N slots: no more than maxAttempts passwords are ever checked between resets.
 * By login, with the person's row as it is afterwards, in one round trip (issue 17: fewer far trips per sign-in);
 * nothing is counted for an unknown login or a person without a password.
 */
export async function reserveSignInAttemptByLogin(
  db: D1Database,
  login: string,
  lockout: PasswordLockout,
  nowMs: number,
  nowIso: string,
): Promise<{ user: UserRecord | null; reservation: AttemptReservation }> {
  const cutoff = lockout.autoUnlockMinutes > 0 ? nowMs - lockout.autoUnlockMinutes * 60_000 : null;
  const who = `(SELECT id FROM users WHERE login_lower = ?1 AND password_hash IS NOT NULL)`;
  const unlockable = `?3 IS NOT NULL AND EXISTS (SELECT 1 FROM sign_in_failures WHERE user_id = ${who} AND locked_at IS NOT NULL AND locked_at <= ?3)`;
  const folded = foldLogin(login);
  const [unlocked, , counted, row] = await db.batch([
    db.prepare(`UPDATE users SET status = 'ACTIVE', status_changed = ?2, last_updated = ?2 WHERE id = ${who} AND status = 'LOCKED_OUT' AND ${unlockable}`).bind(folded, nowIso, cutoff),
    db.prepare(`DELETE FROM sign_in_failures WHERE user_id = ${who} AND ?3 IS NOT NULL AND locked_at IS NOT NULL AND locked_at <= ?3`).bind(folded, null, cutoff),
    db
      .prepare(
        `INSERT INTO sign_in_failures (user_id, failures) SELECT id, 1 FROM users WHERE login_lower = ?1 AND password_hash IS NOT NULL
         ON CONFLICT (user_id) DO UPDATE SET failures = failures + 1 RETURNING failures`,
      )
      .bind(folded),
    userByLoginStatement(db, login),
  ]);
  const user = userOfRows(row?.results ?? []);
  const failures = (counted?.results[0] as { failures: number } | undefined)?.failures ?? 0;
  const status = user?.passwordHash ? user.status : null;
  return {
    user,
    reservation: { allowed: status === "ACTIVE" && (lockout.maxAttempts === 0 || failures <= lockout.maxAttempts), status, autoUnlocked: (unlocked?.meta.changes ?? 0) > 0 },
  };
}

/** A wrong password: locks the person when the counter has reached maxAttempts. True when this attempt locked them. */
export async function recordSignInFailure(db: D1Database, userId: string, lockout: PasswordLockout, nowMs: number, nowIso: string): Promise<boolean> {
  if (lockout.maxAttempts === 0) return false;
  const [locked] = await db.batch([
    db
      .prepare(
        `UPDATE users SET status = 'LOCKED_OUT', status_changed = ?2, last_updated = ?2
         WHERE id = ?1 AND status = 'ACTIVE' AND (SELECT failures FROM sign_in_failures WHERE user_id = ?1) >= ?3 RETURNING id`,
      )
      .bind(userId, nowIso, lockout.maxAttempts),
    db.prepare(`UPDATE sign_in_failures SET locked_at = ?2 WHERE user_id = ?1 AND locked_at IS NULL AND (SELECT status FROM users WHERE id = ?1) = 'LOCKED_OUT'`).bind(userId, nowMs),
  ]);
  return (locked?.results.length ?? 0) > 0;
}

/**
 * A successful sign-in: the counter resets (Okta) and lastLogin moves, in one transaction, with `also` (the
 * session the sign-in starts and the reads /authorize needs next: one round trip for all). Returns also's results.
 */
export async function recordSignInSuccess(db: D1Database, userId: string, nowIso: string, also: D1PreparedStatement[] = []): Promise<D1Result[]> {
  const results = await db.batch([
    db.prepare(`DELETE FROM sign_in_failures WHERE user_id = ?1`).bind(userId),
    db.prepare(`UPDATE users SET last_login = ?2 WHERE id = ?1`).bind(userId, nowIso),
    ...also,
  ]);
  return results.slice(2);
}

/** Okta's unlock: LOCKED_OUT becomes ACTIVE and the counter resets; false when the person was not locked out. */
export async function unlockUser(db: D1Database, userId: string, nowIso: string): Promise<boolean> {
  const [, unlocked] = await db.batch([
    db.prepare(`DELETE FROM sign_in_failures WHERE user_id = ?1 AND (SELECT status FROM users WHERE id = ?1) = 'LOCKED_OUT'`).bind(userId),
    db.prepare(`UPDATE users SET status = 'ACTIVE', status_changed = ?2, last_updated = ?2 WHERE id = ?1 AND status = 'LOCKED_OUT' RETURNING id`).bind(userId, nowIso),
  ]);
  return (unlocked?.results.length ?? 0) > 0;
}
