import type { Context } from "hono";
import { isoTime } from "../../clock";
import type { AppEnv, Env } from "../../env";
import { verifySecret } from "../../secrets";
import { recordSignInFailure, recordSignInSuccess, reserveSignInAttempt } from "../../store/lockout";
import { passwordSettings } from "../../store/password-policy";
import { getUserByLogin, type UserRecord } from "../../store/users";
import { clientIp, mayHash } from "../../throttle";

// Compared against when there is no password to check, so every refusal costs the time a wrong password does.
export const DUMMY_HASH = "pbkdf2-sha256$100000$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

/** unlockedNow: this attempt found the person's lock expired and unlocked them first (autoUnlockMinutes). */
export type SignInOutcome =
  | { kind: "ok"; user: UserRecord; unlockedNow?: UserRecord }
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
export function checkPassword(c: Context<AppEnv>, login: string, password: string): Promise<SignInOutcome> {
  return checkCredentials(c.env, clientIp(c.req.raw), login, password, c.get("now"));
}

/** checkPassword for callers without a page's context: the password grant and the device activation page. */
export async function checkCredentials(env: Env, ip: string | null, login: string, password: string, now: number): Promise<SignInOutcome> {
  if (!(await mayHash(env, { ip, account: `login:${login}` }))) return { kind: "throttled" };
  const user = login && login.length <= 100 ? await getUserByLogin(env.DB, login) : null;
  if (!user || !user.passwordHash) {
    await verifySecret(password, DUMMY_HASH);
    return { kind: "failed" };
  }
  const { lockout } = await passwordSettings(env.DB);
  const nowIso = isoTime(now);
  const reservation = await reserveSignInAttempt(env.DB, user.id, lockout, now, nowIso);
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
  await recordSignInSuccess(env.DB, user.id, nowIso);
  return { kind: "ok", user, ...unlockedNow };
}
