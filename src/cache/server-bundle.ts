import { config, type Env } from "../env";
import { isolateCache } from "./isolate-cache";
import type { PolicyConfig } from "../policy/types";
import { getServer, type AuthorizationServerRecord } from "../store/authorization-servers";
import { loadPolicyConfigs } from "../store/policies";
import { listActiveClaims } from "../store/claims";
import { listScopes, type ScopeRecord } from "../store/scopes";
import { prepareClaims, type PreparedClaim } from "../policy/claims/custom-claims";

/** Everything the OAuth endpoints need to know about one custom authorization server. */
export interface ServerBundle {
  server: AuthorizationServerRecord;
  scopes: ScopeRecord[];
  policies: PolicyConfig[];
  /** ACTIVE custom claims, parsed once when the bundle is loaded. */
  claims: PreparedClaim[];
}

const cache = isolateCache<ServerBundle | null>();

async function load(env: Env, id: string): Promise<ServerBundle | null> {
  const [server, scopes, policies, claims] = await Promise.all([
    getServer(env.DB, id),
    listScopes(env.DB, id),
    loadPolicyConfigs(env.DB, id),
    listActiveClaims(env.DB, id),
  ]);
  return server ? { server, scopes, policies, claims: prepareClaims(claims) } : null;
}

/**
 * A server's configuration, scopes and policies with bounded staleness (CACHE_STALENESS_SECONDS): a warm isolate
 * answers discovery and mints tokens without a D1 query. Admin writes in this isolate drop the entry at once.
 */
export function cachedServer(env: Env, id: string, now: number): Promise<ServerBundle | null> {
  return cache.get(id, now, config(env).CACHE_STALENESS_SECONDS * 1000, () => load(env, id));
}

export function forgetServer(id: string): void {
  cache.invalidate(id);
}
