import { env } from "cloudflare:workers";

/**
 * How big a run is. `npm run reliability` sets RELIABILITY_MODE=full through test/reliability/vitest.config.ts;
 * the ordinary suite (`npm test`) leaves it unset and runs the fixed-seed slice.
 */
const vars = env as unknown as Record<string, string | undefined>;
export const FULL = vars.RELIABILITY_MODE === "full";
/** One seed for every generator, printed with each figure so a failing run can be replayed exactly. */
export const SEED = Number(vars.RELIABILITY_SEED ?? 20261207);

/** `slice` in the ordinary suite, `full` in `npm run reliability`. */
export const scaled = <T>(slice: T, full: T): T => (FULL ? full : slice);

/**
 * One part's figures, as one line scripts/reliability.mjs reads from vitest's output (workerd cannot write the
 * results file itself). `detail` carries what a person needs to replay or read a failure.
 */
export function report(part: string, figures: Record<string, number>, detail: Record<string, unknown> = {}): void {
  console.log(`RELIABILITY ${JSON.stringify({ part, mode: FULL ? "full" : "slice", seed: SEED, figures, detail })}`);
}
