import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { it } from "vitest";
import { runE2eReliability } from "./run";

// The full end-to-end part of `npm run reliability` (scripts/reliability.mjs runs it with this folder's config and
// reads the figures it writes). RELIABILITY_SOAK_SECONDS shortens the soak when iterating (RELIABILITY_RESTARTS,
// RELIABILITY_SOAK_WARMUP_SECONDS and RELIABILITY_SOAK_SAMPLE_SECONDS too).
it("restarts workerd and soaks it", { timeout: 30 * 60_000 }, async () => {
  const soakSeconds = Number(process.env.RELIABILITY_SOAK_SECONDS ?? 600);
  const warmupSeconds = Number(process.env.RELIABILITY_SOAK_WARMUP_SECONDS ?? 30);
  // wrangler dev records a trace of every invocation into a SQLite Durable Object in the Worker's workerd process
  // (its local "observability", on by default): a development tool that production does not have, which halves the
  // soak's throughput and adds its own state to the process measured. The soak measures Mintgate, so it is off.
  process.env.X_LOCAL_OBSERVABILITY = "false";
  const figures = await runE2eReliability({ soakSeconds, warmupSeconds, restarts: Number(process.env.RELIABILITY_RESTARTS ?? 4), log: (s) => process.stderr.write(`${s}\n`) });
  const dir = join(process.cwd(), "test-results");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "reliability-e2e.json"), JSON.stringify(figures, null, 2));
});
