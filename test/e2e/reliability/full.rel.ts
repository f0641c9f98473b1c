import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { it } from "vitest";
import { runE2eReliability } from "./run";

// The full end-to-end part of `npm run reliability` (scripts/reliability.mjs runs it with this folder's config and
// reads the figures it writes). RELIABILITY_SOAK_SECONDS shortens the soak when iterating.
it("restarts workerd and soaks it", { timeout: 30 * 60_000 }, async () => {
  const soakSeconds = Number(process.env.RELIABILITY_SOAK_SECONDS ?? 600);
  const figures = await runE2eReliability({ soakSeconds, restarts: 4, log: (s) => process.stderr.write(`${s}\n`) });
  const dir = join(process.cwd(), "test-results");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "reliability-e2e.json"), JSON.stringify(figures, null, 2));
});
