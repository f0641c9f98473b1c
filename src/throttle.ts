import type { Env } from "./env";
import { ApiError } from "./errors";

/**
 * The cheap check before every PBKDF2 (100,000 rounds, the most expensive thing an anonymous caller can make
 * Mintgate do): the Workers Rate Limiting binding, by client IP and by the login or client_id attempted. Its
 * counters are per Cloudflare location and approximate (README, Security): an attacker spreading requests over
 * locations gets more, which is why lockout (strongly consistent, in D1) is the backstop for passwords.
 */
export interface ThrottleSubject {
  /** CF-Connecting-IP; absent only off Cloudflare (tests, wrangler dev without a proxy). */
  ip: string | null | undefined;
  /** What is being guessed at: "login:<login>", "client:<client_id>", "user:<id>". */
  account: string;
}

/** True when the caller may run one more PBKDF2 now; both limits are consumed. */
export async function mayHash(env: Env, s: ThrottleSubject): Promise<boolean> {
  const checks: Array<Promise<RateLimitOutcome>> = [];
  if (s.ip && env.PBKDF2_THROTTLE_IP) checks.push(env.PBKDF2_THROTTLE_IP.limit({ key: `ip:${s.ip}` }));
  if (env.PBKDF2_THROTTLE_ACCOUNT) checks.push(env.PBKDF2_THROTTLE_ACCOUNT.limit({ key: s.account.toLowerCase() }));
  const outcomes = await Promise.all(checks);
  return outcomes.every((o) => o.success);
}

/** Okta answers brute-force limits (its per-username limit on /token and /authn) with 429 E0000047. */
export const throttled = () => new ApiError("E0000047", undefined, [], { "Retry-After": "60" });

/** mayHash, or Okta's 429 (for the token, introspection and revocation endpoints and the admin API). */
export async function requireMayHash(env: Env, s: ThrottleSubject): Promise<void> {
  if (!(await mayHash(env, s))) throw throttled();
}

/** The caller's IP as Cloudflare reports it. */
export const clientIp = (req: Request) => req.headers.get("CF-Connecting-IP");
