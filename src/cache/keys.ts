import { createLocalJWKSet } from "jose";
import { config, openingSecrets, type Env } from "../env";
import { isolateCache } from "./isolate-cache";
import { sha256Hex } from "../digest";
import { importSigningKey, openPrivateKey } from "../keys/crypto";
import { keyStore, type KeySnapshot } from "../keys/key-store";

/** A server's keys as this isolate holds them: the JWKS body ready to serve, and the ACTIVE key to sign with. */
export interface CachedKeys {
  snapshot: KeySnapshot;
  jwksBody: string;
  etag: string;
  /** Imported once per snapshot version, on first use. */
  signer: () => Promise<{ kid: string; alg: string; key: CryptoKey }>;
  /** Resolves published public keys by kid, for verifying this server's own tokens. */
  verifier: ReturnType<typeof createLocalJWKSet>;
  loadedAt: number;
}

// Snapshots carry the Durable Object's version: a load that asked before a rotation and finished after one that
// asked later must not bring the old keys back (it would serve a JWKS without the key tokens are being signed with).
const cache = isolateCache<CachedKeys>(1000, (a, b) => a.snapshot.version < b.snapshot.version);

async function load(env: Env, serverId: string, now: number): Promise<CachedKeys> {
  const snapshot = await keyStore(env, serverId).snapshot(serverId);
  // RFC 7517: the published set; Okta lists ACTIVE, NEXT and EXPIRED keys with no status field.
  const jwksBody = JSON.stringify({ keys: snapshot.keys.map((k) => k.jwk) });
  const etag = `"${(await sha256Hex(`${serverId}:${jwksBody}`)).slice(0, 32)}"`;
  // The imported key is kept once settled; concurrent first uses each import (see isolate-cache.ts on why no
  // pending promise is shared between requests).
  let signer: Awaited<ReturnType<CachedKeys["signer"]>> | undefined;
  return {
    snapshot,
    jwksBody,
    etag,
    verifier: createLocalJWKSet({ keys: snapshot.keys.map((k) => ({ ...k.jwk })) }),
    loadedAt: now,
    signer: async () => {
      if (signer) return signer;
      const { kid, alg, sealed } = snapshot.active;
      const jwk = await openPrivateKey(openingSecrets(config(env)), serverId, kid, sealed);
      signer = { kid, alg, key: await importSigningKey(jwk, alg) };
      return signer;
    },
  };
}

/**
 * The server's keys with bounded staleness. The Durable Object publishes NEXT keys ahead of rotation and keeps
 * EXPIRED keys published for KEY_OVERLAP_SECONDS, longer than this staleness plus any token lifetime, so a
 * token signed from a stale snapshot always verifies against the published JWKS.
 */
export function cachedKeys(env: Env, serverId: string, now: number): Promise<CachedKeys> {
  return cache.get(serverId, now, config(env).CACHE_STALENESS_SECONDS * 1000, () => load(env, serverId, now));
}

export function forgetKeys(serverId: string): void {
  cache.invalidate(serverId);
}
