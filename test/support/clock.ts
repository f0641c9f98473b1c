import { afterEach } from "vitest";
import { nowMs, setClock } from "../../src/clock";

let frozen: number | null = null;

/** Stops the Worker's clock at `at` (default: now); returns the frozen time in epoch milliseconds. */
export function freezeTime(at: number = nowMs()): number {
  frozen = at;
  setClock(() => frozen!);
  return at;
}

/** Moves the frozen clock forward (freezing it first if needed). */
export function advanceTime(ms: number): number {
  return freezeTime((frozen ?? nowMs()) + ms);
}

/** Back to the wall clock. */
export function restoreTime(): void {
  frozen = null;
  setClock(null);
}

afterEach(restoreTime);
