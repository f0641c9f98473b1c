/**
 * A per-isolate cache with bounded staleness: an entry is served for at most `ttlMs` after it was loaded,
 * then reloaded; concurrent misses share one load. Admin writes in this isolate invalidate at once;
 * other isolates see the change within the bound (CACHE_STALENESS_SECONDS, stated in the README).
 */
export interface IsolateCache<V> {
  get(key: string, now: number, ttlMs: number, load: () => Promise<V>): Promise<V>;
  invalidate(key: string): void;
  clear(): void;
}

export function isolateCache<V>(maxEntries = 1000): IsolateCache<V> {
  const entries = new Map<string, { value: V; loadedAt: number }>();
  const loading = new Map<string, Promise<V>>();
  return {
    async get(key, now, ttlMs, load) {
      const hit = entries.get(key);
      if (hit && now - hit.loadedAt < ttlMs) return hit.value;
      let pending = loading.get(key);
      if (!pending) {
        pending = load().then(
          (value) => {
            if (entries.size >= maxEntries && !entries.has(key)) entries.delete(entries.keys().next().value!);
            entries.set(key, { value, loadedAt: now });
            loading.delete(key);
            return value;
          },
          (err: unknown) => {
            loading.delete(key);
            throw err;
          },
        );
        loading.set(key, pending);
      }
      return pending;
    },
    invalidate(key) {
      entries.delete(key);
      loading.delete(key);
    },
    clear() {
      entries.clear();
      loading.clear();
    },
  };
}
