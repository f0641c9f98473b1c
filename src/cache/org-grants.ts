import { config, type Env } from "../env";
import { listGrants } from "../store/admin-access";
import { isolateCache } from "./isolate-cache";

const cache = isolateCache<Set<string>>(10_000);

/** The okta.* scopes granted to an app (Okta: /api/v1/apps/{id}/grants), with bounded staleness. */
export function cachedOrgGrants(env: Env, appId: string, now: number): Promise<Set<string>> {
  return cache.get(appId, now, config(env).CACHE_STALENESS_SECONDS * 1000, async () => new Set((await listGrants(env.DB, appId)).map((g) => g.scopeId)));
}

export function forgetOrgGrants(appId: string): void {
  cache.invalidate(appId);
}
