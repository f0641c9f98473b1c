import { config, type Env } from "../env";
import { listActiveTrustedOrigins } from "../store/trusted-origins";
import { isolateCache } from "./isolate-cache";

const cache = isolateCache<Set<string>>(1);

/** ACTIVE trusted origins with the CORS scope, lower-cased, with bounded staleness (CACHE_STALENESS_SECONDS). */
export function cachedCorsOrigins(env: Env, now: number): Promise<Set<string>> {
  return cache.get("cors", now, config(env).CACHE_STALENESS_SECONDS * 1000, async () => {
    const all = await listActiveTrustedOrigins(env.DB);
    return new Set(all.filter((o) => o.scopes.includes("CORS")).map((o) => o.origin.toLowerCase()));
  });
}

export function forgetCorsOrigins(): void {
  cache.clear();
}
