import { config, type Env } from "../env";
import { isolateCache } from "../isolate-cache";
import { getServer, type AuthorizationServerRecord } from "../store/authorization-servers";

const cache = isolateCache<AuthorizationServerRecord | null>();

/** A server's configuration as the OAuth endpoints see it, with bounded staleness (CACHE_STALENESS_SECONDS). */
export function cachedServer(env: Env, id: string, now: number): Promise<AuthorizationServerRecord | null> {
  return cache.get(id, now, config(env).CACHE_STALENESS_SECONDS * 1000, () => getServer(env.DB, id));
}

export function forgetServer(id: string): void {
  cache.invalidate(id);
}
