/** The one place that reads the wall clock, so that tests and pure code take `now` as a value. */
export function nowMs(): number {
  return Date.now();
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

export function epochSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}
