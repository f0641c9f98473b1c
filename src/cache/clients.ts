import { config, type Env } from "../env";
import { isolateCache } from "./isolate-cache";
import { getAppByClientId, type AppRecord } from "../store/apps";

// Keyed by the client_id a request names (unknown ones cached as null): bounded, so made-up ids cannot grow it.
export const MAX_CACHED_CLIENTS = 10_000;
const cache = isolateCache<AppRecord | null>(MAX_CACHED_CLIENTS);

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
const verifiedSecrets = new Map<string, { storedHash: string; digest: string }>();

export const verifiedSecret = (clientId: string) => verifiedSecrets.get(clientId);

/**
 * Remembers a secret that matched. Bounded like the client cache: every client that ever authenticated to this
 * isolate would otherwise stay in it for the isolate's life (the oldest entry goes first; it costs one PBKDF2).
 */
export function rememberVerifiedSecret(clientId: string, entry: { storedHash: string; digest: string }): void {
  verifiedSecrets.delete(clientId);
  if (verifiedSecrets.size >= MAX_CACHED_CLIENTS) verifiedSecrets.delete(verifiedSecrets.keys().next().value!);
  verifiedSecrets.set(clientId, entry);
}

export const verifiedSecretCount = () => verifiedSecrets.size;
