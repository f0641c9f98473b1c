import { config, type Env } from "../env";
import { isolateCache } from "./isolate-cache";
import { getAppByClientId, type AppRecord } from "../store/apps";

const cache = isolateCache<AppRecord | null>(10_000);

/** A client's registration with bounded staleness (CACHE_STALENESS_SECONDS): the token hot path reads no D1. */
export function cachedClient(env: Env, clientId: string, now: number): Promise<AppRecord | null> {
  return cache.get(clientId, now, config(env).CACHE_STALENESS_SECONDS * 1000, () => getAppByClientId(env.DB, clientId));
}

export function forgetClient(clientId: string): void {
  cache.invalidate(clientId);
  verifiedSecrets.delete(clientId);
}

/**
 * Secrets this isolate has already checked against a client's stored PBKDF2 hash, as SHA-256 digests keyed by
 * the hash they matched: a warm isolate pays one SHA-256 per request instead of 100,000 PBKDF2 rounds, and a
 * changed secret (new stored hash) never matches an old entry.
 */
export const verifiedSecrets = new Map<string, { storedHash: string; digest: string }>();
