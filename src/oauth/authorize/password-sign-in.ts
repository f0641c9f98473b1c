import type { Context } from "hono";
import { isoTime } from "../../clock";
import type { AppEnv, Env } from "../../env";
import { cachedPasswordSettings } from "../../cache/password-settings";
import { verifySecret } from "../../secrets";
import { attemptSignIn } from "../../store/lockout";
import { getUserByLogin, userByLoginNearby, type UserRecord } from "../../store/users";
import { randomBase62 } from "../../ids";
import { clientIp, mayHash } from "../../throttle";

// Compared against when there is no password to check, so every refusal costs the time a wrong password does.
export const DUMMY_HASH = "pbkdf2-sha256$100000$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

/** unlockedNow: this attempt found the person's lock expired and unlocked them first (autoUnlockMinutes). */
export type SignInOutcome =
  /** alsoResults: the results of onSuccess's statements, in order. */
  | { kind: "ok"; user: UserRecord; unlockedNow?: UserRecord; alsoResults: D1Result[] }
  /** Wrong login or password, or an inactive person: one answer, no oracle. lockedNow: this attempt locked them. */
  | { kind: "failed"; lockedNow?: UserRecord; unlockedNow?: UserRecord }
  /** Locked out, told only when the policy's showLockoutFailures is true (Okta). */
  | { kind: "locked"; lockedNow?: UserRecord; unlockedNow?: UserRecord }
  /** The throttle refused before any PBKDF2. */
  | { kind: "throttled" };

/**
 * Checks a login and password the way Okta's password policy says: throttle first (no PBKDF2 past the limit), then
 * the attempt is decided and counted in one transaction (store/lockout.ts), a wrong password that reaches
 * maxAttempts locks the person, and the right password of a LOCKED_OUT person is refused like a wrong one.
 */
export function checkPassword(c: Context<AppEnv>, login: string, password: string, onSuccess?: OnSuccess): Promise<SignInOutcome> {
  return checkCredentials(c.env, clientIp(c.req.raw), login, password, c.get("now"), onSuccess);
}

/**
 * What a successful sign-in also runs, in the transaction that decides it (the session it starts, the reads
 * /authorize needs next: one round trip for all). Each statement that writes puts `succeeded(n)` (store/lockout.ts),
 * bound to attemptId, in its WHERE, so that a refused attempt writes none of them.
 */
export type OnSuccess = (userId: string, attemptId: string) => D1PreparedStatement[];

/**
 * checkPassword for callers without a page's context: the password grant and the device activation page.
 * Issue 17: the person's row comes from a nearby replica and the password is checked in the Worker; the attempt is
 * then decided, counted and (on success) followed by onSuccess's statements in one far round trip
 * (store/lockout.ts attemptSignIn), which re-checks on the primary everything the replica said.
 */
export async function checkCredentials(env: Env, ip: string | null, login: string, password: string, now: number, onSuccess?: OnSuccess): Promise<SignInOutcome> {
  if (!(await mayHash(env, { ip, account: `login:${login}` }))) return { kind: "throttled" };
  const { lockout } = await cachedPasswordSettings(env, now);
  const found = login && login.length <= 100 ? await userByLoginNearby(env.DB, login) : null;
  if (!found?.passwordHash) {
    // Nothing is counted for an unknown login or a person without a password; the refusal costs one PBKDF2 too.
    await verifySecret(password, DUMMY_HASH);
    return { kind: "failed" };
  }
  const decide = async (u: UserRecord, passwordHash: string) => {
    const attemptId = randomBase62(22);
    const correct = await verifySecret(password, passwordHash);
    return attemptSignIn(env.DB, { userId: u.id, checkedHash: passwordHash, correct, attemptId }, lockout, now, isoTime(now), onSuccess?.(u.id, attemptId));
  };
  let outcome = await decide(found, found.passwordHash);
  if (!outcome.ok && outcome.user?.passwordHash !== found.passwordHash) {
    // The replica was behind the primary (a password changed, a person re-created a moment ago): nothing was
    // counted; once more against the primary's row.
    const primary = await getUserByLogin(env.DB, login);
    if (!primary?.passwordHash) return { kind: "failed" };
    outcome = await decide(primary, primary.passwordHash);
  }
  const user = outcome.user ?? found;
  const unlockedNow = outcome.unlockedNow ? { unlockedNow: user } : {};
  if (outcome.ok && outcome.user) return { kind: "ok", user: outcome.user, alsoResults: outcome.alsoResults, ...unlockedNow };
  const lockedNow = outcome.lockedNow ? { lockedNow: user } : {};
  // Okta: a locked-out person is told so only with showLockoutFailures; otherwise it is the one failure answer.
  return user.status === "LOCKED_OUT" && lockout.showLockoutFailures ? { kind: "locked", ...lockedNow, ...unlockedNow } : { kind: "failed", ...lockedNow, ...unlockedNow };
}
