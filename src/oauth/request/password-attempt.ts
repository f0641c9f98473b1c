import type { Env } from "../../env";
import { verifySecret } from "../../secrets";
import { getUserByLogin, type UserRecord } from "../../store/users";

// Compared against when the login is unknown, so that an unknown login costs as much time as a wrong password.
const DUMMY_HASH = "pbkdf2-sha256$100000$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
/** Okta's logins are at most 100 characters; a longer one is not looked up (and still costs one hash). */
const MAX_LOGIN = 100;

export type PasswordAttempt = { kind: "verified"; user: UserRecord } | { kind: "refused" };

/**
 * The one place a password grant or the device activation page checks a person's password, and records that an
 * attempt was made. Unknown login, wrong password and a person who is not ACTIVE are one answer that takes the same
 * time (one PBKDF2 either way), so nothing tells which was wrong. A lockout counter (Okta's password policy) belongs
 * here: it is checked before the hash and counts the refusal after it, for every caller at once.
 */
export async function checkPasswordAttempt(env: Env, login: string, password: string, _now: number): Promise<PasswordAttempt> {
  const trimmed = login.trim();
  const user = trimmed && trimmed.length <= MAX_LOGIN ? await getUserByLogin(env.DB, trimmed) : null;
  const ok = await verifySecret(password, user?.passwordHash ?? DUMMY_HASH);
  if (!user || !ok || user.status !== "ACTIVE") return { kind: "refused" };
  return { kind: "verified", user };
}
