import type { Context } from "hono";
import { isoTime } from "../../clock";
import type { AppEnv, Env } from "../../env";
import { cachedPasswordSettings } from "../../cache/password-settings";
import { verifySecret } from "../../secrets";
import { recordSignInFailure, recordSignInSuccess, reserveSignInAttemptByLogin } from "../../store/lockout";
import type { UserRecord } from "../../store/users";
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
 * the attempt is counted before the password is checked (lockout.ts), a wrong password that reaches maxAttempts
 * locks the person, and the right password of a LOCKED_OUT person is refused like a wrong one.
 */
export function checkPassword(c: Context<AppEnv>, login: string, password: string, onSuccess?: OnSuccess): Promise<SignInOutcome> {
  return checkCredentials(c.env, clientIp(c.req.raw), login, password, c.get("now"), onSuccess);
}

/** What a successful sign-in also runs, in the same transaction as its success (the session it starts, reads). */
export type OnSuccess = (userId: string) => D1PreparedStatement[];

/** checkPassword for callers without a page's context: the password grant and the device activation page. */
export async function checkCredentials(env: Env, ip: string | null, login: string, password: string, now: number, onSuccess?: OnSuccess): Promise<SignInOutcome> {
  if (!(await mayHash(env, { ip, account: `login:${login}` }))) return { kind: "throttled" };
  const { lockout } = await cachedPasswordSettings(env, now);
  const nowIso = isoTime(now);
  // The person's row and the attempt's reservation in one round trip (store/lockout.ts).
  const found = login && login.length <= 100 ? await reserveSignInAttemptByLogin(env.DB, login, lockout, now, nowIso) : null;
  const user = found?.user;
  if (!found || !user || !user.passwordHash) {
    await verifySecret(password, DUMMY_HASH);
    return { kind: "failed" };
  }
  const { reservation } = found;
  const unlockedNow = reservation.autoUnlocked ? { unlockedNow: user } : {};
  if (!reservation.allowed) {
    await verifySecret(password, DUMMY_HASH);
    return reservation.status === "LOCKED_OUT" && lockout.showLockoutFailures ? { kind: "locked", ...unlockedNow } : { kind: "failed", ...unlockedNow };
  }
  if (!(await verifySecret(password, user.passwordHash))) {
    const locked = await recordSignInFailure(env.DB, user.id, lockout, now, nowIso);
    const lockedNow = locked ? { lockedNow: user } : {};
    return locked && lockout.showLockoutFailures ? { kind: "locked", ...lockedNow, ...unlockedNow } : { kind: "failed", ...lockedNow, ...unlockedNow };
  }
  const alsoResults = await recordSignInSuccess(env.DB, user.id, nowIso, onSuccess?.(user.id));
  return { kind: "ok", user, alsoResults, ...unlockedNow };
}
