/**
 * The one place that reads the wall clock. Each request reads it once (app.ts puts it on the context as
 * `c.get("now")`), so a request sees one time throughout, and pure code takes `now` as a value.
 */
type Clock = () => number;

const systemClock: Clock = () => Date.now();
let clock: Clock = systemClock;

/** Epoch milliseconds now. */
export function nowMs(): number {
  return clock();
}

/**
 * Tests set the time here (test/support/clock.ts) instead of faking the global Date: the Worker, its Durable
 * Objects and the tests share this module in the vitest pool. Nothing in the Worker calls it.
 */
export function setClock(next: Clock | null): void {
  clock = next ?? systemClock;
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** RFC 7519 NumericDate: whole seconds since the epoch, as JWTs and the stored expiries count time. */
export function epochSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}
