import { describe, expect, it } from "vitest";
import { isolateCache } from "../../src/cache/isolate-cache";

/** A load that settles when the test says so. */
function deferred<V>() {
  let resolve!: (v: V) => void;
  const promise = new Promise<V>((r) => (resolve = r));
  return { promise, resolve };
}

describe("the isolate cache with versions", () => {
  // Found by `npm run reliability` (rotation under load): a key snapshot loaded before a rotation, finishing after
  // one loaded after it, was kept and served, so the JWKS lost the key the isolate had just signed tokens with.
  it("keeps and serves the newer value when an older load finishes last", async () => {
    const cache = isolateCache<{ version: number }>(10, (a, b) => a.version < b.version);
    const slowOld = deferred<{ version: number }>();
    const first = cache.get("k", 0, 1000, () => slowOld.promise);
    const second = await cache.get("k", 0, 1000, async () => ({ version: 2 }));
    slowOld.resolve({ version: 1 });
    expect(second).toEqual({ version: 2 });
    expect(await first).toEqual({ version: 2 });
    expect(await cache.get("k", 10, 1000, async () => ({ version: 0 }))).toEqual({ version: 2 });
  });

  it("still keeps the last load to finish when no order is given", async () => {
    const cache = isolateCache<{ version: number }>(10);
    const slowOld = deferred<{ version: number }>();
    const first = cache.get("k", 0, 1000, () => slowOld.promise);
    await cache.get("k", 0, 1000, async () => ({ version: 2 }));
    slowOld.resolve({ version: 1 });
    expect(await first).toEqual({ version: 1 });
    expect(await cache.get("k", 10, 1000, async () => ({ version: 0 }))).toEqual({ version: 1 });
  });

  it("forgets a newer value on invalidation, so a change in this isolate takes effect at once", async () => {
    const cache = isolateCache<{ version: number }>(10, (a, b) => a.version < b.version);
    await cache.get("k", 0, 1000, async () => ({ version: 5 }));
    cache.invalidate("k");
    expect(await cache.get("k", 1, 1000, async () => ({ version: 0 }))).toEqual({ version: 0 });
  });
});
