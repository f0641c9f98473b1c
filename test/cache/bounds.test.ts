import { describe, expect, it } from "vitest";
import { MAX_CACHED_CLIENTS, rememberVerifiedSecret, verifiedSecret, verifiedSecretCount } from "../../src/cache/clients";
import { isolateCache } from "../../src/cache/isolate-cache";

// Per-isolate state lives as long as the isolate (hours under load): every map keyed by something a request or a
// growing org supplies must be bounded, or memory grows with the keys ever seen (issue 18, the soak's "memory flat").
describe("per-isolate caches stay bounded", () => {
  it("an isolate cache holds at most its maxEntries after more distinct keys, dropping the oldest", async () => {
    const cache = isolateCache<string | null>(100);
    for (let i = 0; i < 150; i++) await cache.get(`made-up-client-${i}`, 0, 60_000, async () => null);
    expect(cache.size()).toBe(100);
    let reloaded = 0;
    await cache.get("made-up-client-149", 1, 60_000, async () => (reloaded++, null));
    expect(reloaded).toBe(0);
    await cache.get("made-up-client-0", 1, 60_000, async () => (reloaded++, null));
    expect(reloaded).toBe(1);
    expect(cache.size()).toBe(100);
  });

  it("a reload of a key already held does not evict another", async () => {
    const cache = isolateCache<number>(3);
    for (const k of ["a", "b", "c"]) await cache.get(k, 0, 10, async () => 1);
    await cache.get("a", 100, 10, async () => 2);
    expect(cache.size()).toBe(3);
    expect(await cache.get("b", 100, 1000, async () => 9)).toBe(1);
  });

  it("the secrets this isolate verified stay at most MAX_CACHED_CLIENTS after more clients authenticated", () => {
    const before = verifiedSecretCount();
    for (let i = 0; i < MAX_CACHED_CLIENTS + 50; i++) rememberVerifiedSecret(`bounds-client-${i}`, { storedHash: `h${i}`, digest: `d${i}` });
    expect(verifiedSecretCount()).toBe(MAX_CACHED_CLIENTS);
    expect(before).toBeLessThanOrEqual(MAX_CACHED_CLIENTS);
    expect(verifiedSecret("bounds-client-0")).toBeUndefined();
    expect(verifiedSecret(`bounds-client-${MAX_CACHED_CLIENTS + 49}`)).toEqual({ storedHash: `h${MAX_CACHED_CLIENTS + 49}`, digest: `d${MAX_CACHED_CLIENTS + 49}` });
  });

  it("a client verified again moves to the newest end instead of being evicted first", () => {
    rememberVerifiedSecret("bounds-again", { storedHash: "h", digest: "d" });
    for (let i = 0; i < MAX_CACHED_CLIENTS - 1; i++) rememberVerifiedSecret(`bounds-fill-${i}`, { storedHash: "h", digest: "d" });
    rememberVerifiedSecret("bounds-again", { storedHash: "h2", digest: "d2" });
    rememberVerifiedSecret("bounds-one-more", { storedHash: "h", digest: "d" });
    expect(verifiedSecret("bounds-again")).toEqual({ storedHash: "h2", digest: "d2" });
    expect(verifiedSecretCount()).toBe(MAX_CACHED_CLIENTS);
  });
});
