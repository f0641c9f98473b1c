/**
 * A per-isolate cache with bounded staleness: an entry is served for at most `ttlMs` after it was loaded,
 * then reloaded. Admin writes in this isolate invalidate at once; other isolates see the change within the
 * bound (CACHE_STALENESS_SECONDS, stated in the README).
 *
 * Only settled values are shared between requests, never a pending promise: in Workers, a request that awaits
 * a promise another request's I/O will settle continues in that other request's context and may no longer
 * touch its own body ("Cannot perform I/O on behalf of a different request"). Concurrent misses therefore each
 * load; the last to finish is kept.
 */
export interface IsolateCache<V> {
  get(key: string, now: number, ttlMs: number, load: () => Promise<V>): Promise<V>;
  invalidate(key: string): void;
  clear(): void;
  /** Entries held now (never more than maxEntries). */
  size(): number;
}

/**
 * `older(a, b)`, when given, says whether value `a` is an older version of the same thing than `b`: a load that
 * finishes after a newer one (it asked before a change, the other after) then neither replaces the newer value nor
 * is served, so the isolate never goes back in time (for keys: never publishes a JWKS without the key it signs with).
 */
export function isolateCache<V>(maxEntries = 1000, older?: (a: V, b: V) => boolean): IsolateCache<V> {
  const entries = new Map<string, { value: V; loadedAt: number }>();
  // Bumped by every invalidation, so a load that started before an admin write cannot store its result after it.
  let epoch = 0;
  return {
    async get(key, now, ttlMs, load) {
      const hit = entries.get(key);
      if (hit && now - hit.loadedAt < ttlMs) return hit.value;
      const started = epoch;
      const value = await load();
      const current = entries.get(key);
      if (older && current && epoch === started && older(value, current.value)) return current.value;
      if (epoch === started) {
        if (entries.size >= maxEntries && !entries.has(key)) entries.delete(entries.keys().next().value!);
        entries.set(key, { value, loadedAt: now });
      }
      return value;
    },
    invalidate(key) {
      entries.delete(key);
      epoch++;
    },
    clear() {
      entries.clear();
      epoch++;
    },
    size: () => entries.size,
  };
}
