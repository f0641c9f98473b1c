import type { Env } from "../../env";
import type { UserRecord } from "../../store/users";
import { throttled } from "../../throttle";
import { checkCredentials, type OnSuccess } from "../authorize/password-sign-in";
import type { EventInput } from "../../log/event";
import { accountEvents } from "../people-events";

/** events: the lockout events the attempt caused (an automatic unlock, a lock), for the caller's System Log. */
export type PasswordAttempt = { kind: "verified"; user: UserRecord; events: EventInput[] } | { kind: "refused"; events: EventInput[] };

/**
 * The one place the password grant and the device activation page check a person's password: the same throttle,
 * lockout counter (Okta's password policy) and single-PBKDF2 timing as the sign-in page (checkCredentials).
 * Unknown login, wrong password, a person who is not ACTIVE and a locked-out person are one answer, so nothing
 * tells which was wrong; past the throttle it is Okta's 429 E0000047, before any PBKDF2.
 */
export async function checkPasswordAttempt(env: Env, login: string, password: string, now: number, ip: string | null, onSuccess?: OnSuccess): Promise<PasswordAttempt> {
  const outcome = await checkCredentials(env, ip, login.trim(), password, now, onSuccess);
  if (outcome.kind === "throttled") throw throttled();
  const events = accountEvents(outcome);
  if (outcome.kind !== "ok" || outcome.user.status !== "ACTIVE") return { kind: "refused", events };
  return { kind: "verified", user: outcome.user, events };
}
