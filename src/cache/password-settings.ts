import { config, type Env } from "../env";
import type { PasswordSettings } from "../policy/password";
import { passwordSettings } from "../store/password-policy";
import { isolateCache } from "./isolate-cache";

const cache = isolateCache<PasswordSettings>(1);

/**
 * The default password policy's lockout and complexity with bounded staleness (CACHE_STALENESS_SECONDS), like the
 * rest of the configuration: a sign-in reads no D1 for it (issue 17, fewer far round trips per sign-in).
 */
export function cachedPasswordSettings(env: Env, now: number): Promise<PasswordSettings> {
  return cache.get("default", now, config(env).CACHE_STALENESS_SECONDS * 1000, () => passwordSettings(env.DB));
}

export function forgetPasswordSettings(): void {
  cache.clear();
}
