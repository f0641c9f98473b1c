import { describe, expect, it, vi } from "vitest";
import { RACES } from "./support/race-table";
import { report, scaled } from "./support/run";

/**
 * Part 2: races. Every entry of the table is run `ROUNDS` times with `CONTENDERS` attempts at once: never more
 * winners than the single-use thing allows (double_spends), and the stored state checked after each round.
 */

const ROUNDS = scaled(1, 15);
const CONTENDERS = scaled(4, 8);

describe("races on single-use things and contended writes", () => {
  it(`${RACES.length} races x ${ROUNDS} rounds x ${CONTENDERS} contenders: at most one winner, stored state valid`, { timeout: scaled(90_000, 900_000) }, async () => {
    let trials = 0;
    let doubleSpends = 0;
    let badState = 0;
    const skipped: Record<string, string> = {};
    const problems: string[] = [];
    const winners: Record<string, number[]> = {};
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      for (const race of RACES) {
        const absent = await race.absent();
        if (absent) {
          skipped[race.name] = absent;
          continue;
        }
        winners[race.name] = [];
        for (let round = 0; round < ROUNDS; round++) {
          const ctx = await race.setup();
          const responses = await Promise.all(Array.from({ length: CONTENDERS }, (_, i) => race.attempt(ctx, i)));
          const answers = await Promise.all(responses.map(async (r) => ({ status: r.status, body: await r.text(), res: r })));
          trials++;
          const won = answers.filter((a) => race.won(a.res, a.body)).length;
          winners[race.name]!.push(won);
          if (answers.some((a) => a.status >= 500)) problems.push(`${race.name}: a 5xx: ${answers.find((a) => a.status >= 500)!.body.slice(0, 200)}`);
          if (race.maxWinners !== null && won > race.maxWinners) {
            doubleSpends += won - race.maxWinners;
            problems.push(`${race.name}: ${won} winners`);
          }
          if (race.maxWinners !== null && won === 0) problems.push(`${race.name}: no winner at all`);
          const bad = await race.check(ctx, answers);
          if (bad.length) {
            badState++;
            problems.push(...bad.map((b) => `${race.name}: ${b}`));
          }
        }
      }
    } finally {
      log.mockRestore();
    }
    report("races", { race_trials: trials, double_spends: doubleSpends, race_bad_state: badState, race_attempts: trials * CONTENDERS }, { skipped, problems, winners });
    expect(problems).toEqual([]);
    expect(doubleSpends).toBe(0);
  });
});
