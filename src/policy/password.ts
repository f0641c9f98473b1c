/**
 * Okta's password policy settings (type PASSWORD), the part Mintgate enforces: complexity when a password is set,
 * lockout when a person signs in. Pure: no storage, no clock.
 */
export interface PasswordComplexity {
  minLength: number;
  /** Okta: 0 or 1, "require at least one". */
  minLowerCase: number;
  minUpperCase: number;
  minNumber: number;
  minSymbol: number;
  excludeUsername: boolean;
}

export interface PasswordLockout {
  /** Consecutive failed sign-ins that lock the account; 0 never locks (Okta). */
  maxAttempts: number;
  /** Minutes after which a locked account unlocks by itself; 0 never (Okta). */
  autoUnlockMinutes: number;
  /** Whether the sign-in page says the account is locked (Okta default false: no oracle). */
  showLockoutFailures: boolean;
}

export interface PasswordSettings {
  complexity: PasswordComplexity;
  lockout: PasswordLockout;
}

/**
 * The values of Okta's shipped default password policy (the sign-in widget's "at least 8 characters, a lowercase
 * letter, an uppercase letter, a number, no parts of your username"), which are also the rules Mintgate enforced
 * before the policy existed; lockout after 10 attempts (Okta's documented maxAttempts default).
 */
export const DEFAULT_PASSWORD_SETTINGS: PasswordSettings = {
  complexity: { minLength: 8, minLowerCase: 1, minUpperCase: 1, minNumber: 1, minSymbol: 0, excludeUsername: true },
  lockout: { maxAttempts: 10, autoUnlockMinutes: 0, showLockoutFailures: false },
};

// Okta: the username's parts are the login before any @, split on . - _ + # , of three or more characters.
const usernameParts = (login: string) => (login.split("@")[0] ?? "").toLowerCase().split(/[.\-_+#,]/).filter((p) => p.length >= 3);

/** Okta's wording of the requirements, in Okta's order. */
export function describeRequirements(c: PasswordComplexity): string {
  const parts = [`at least ${c.minLength} characters`];
  if (c.minLowerCase > 0) parts.push("a lowercase letter");
  if (c.minUpperCase > 0) parts.push("an uppercase letter");
  if (c.minNumber > 0) parts.push("a number");
  if (c.minSymbol > 0) parts.push("a symbol");
  if (c.excludeUsername) parts.push("no parts of your username");
  return `Password requirements: ${parts.join(", ")}.`;
}

/** Whether a password meets the policy's complexity; Okta's message when it does not. */
export function passwordViolation(password: string, login: string, c: PasswordComplexity): string | undefined {
  const ok =
    [...password].length >= c.minLength &&
    (c.minLowerCase === 0 || /\p{Ll}/u.test(password)) &&
    (c.minUpperCase === 0 || /\p{Lu}/u.test(password)) &&
    (c.minNumber === 0 || /\d/.test(password)) &&
    (c.minSymbol === 0 || /[^\p{L}\p{N}\s]/u.test(password)) &&
    (!c.excludeUsername || !usernameParts(login).some((p) => password.toLowerCase().includes(p)));
  if (ok) return undefined;
  return `Password requirements were not met. ${describeRequirements(c)}`;
}

/** Whether a LOCKED_OUT account has unlocked itself by time (autoUnlockMinutes), given when it locked. */
export function autoUnlocked(lockout: PasswordLockout, lockedAtMs: number, nowMs: number): boolean {
  return lockout.autoUnlockMinutes > 0 && nowMs - lockedAtMs >= lockout.autoUnlockMinutes * 60_000;
}
