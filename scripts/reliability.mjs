#!/usr/bin/env node
// `npm run reliability`: the workerd parts (test/reliability, full size) and the end-to-end parts (test/e2e/reliability:
// workerd restarts and the soak against wrangler dev) side by side, then one table, test-results/reliability.json and
// one machine-readable line. Exits non-zero when a zero-figure is not zero or a part did not finish.
// RELIABILITY_SEED replays another seed; RELIABILITY_SOAK_SECONDS (default 600) shortens the soak when iterating.
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const vitest = join(root, "node_modules", ".bin", "vitest");
const results = join(root, "test-results");
mkdirSync(results, { recursive: true });
const e2eFile = join(results, "reliability-e2e.json");
rmSync(e2eFile, { force: true });

/** Runs vitest with a config; resolves with its exit code and everything it printed. */
function run(label, config) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [vitest, "run", "--config", config], { cwd: root, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" } });
    let out = "";
    const keep = (chunk) => {
      out += chunk;
      for (const line of String(chunk).split("\n")) if (/RELIABILITY |^(restart|soak)|✓|×|FAIL/.test(line.trim())) process.stderr.write(`[${label}] ${line.trim().slice(0, 240)}\n`);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.on("close", (code) => resolve({ code, out, seconds: Math.round((Date.now() - started) / 1000) }));
  });
}

const [workerd, e2e] = await Promise.all([run("workerd", "test/reliability/vitest.config.ts"), run("e2e", "test/e2e/reliability/vitest.config.ts")]);
writeFileSync(join(results, "reliability-workerd.log"), workerd.out);
writeFileSync(join(results, "reliability-e2e.log"), e2e.out);

const parts = {};
for (const m of workerd.out.matchAll(/RELIABILITY (\{.*\})\s*$/gm)) {
  const p = JSON.parse(m[1]);
  parts[p.part] = p;
}
let e2eFigures = null;
try {
  e2eFigures = JSON.parse(readFileSync(e2eFile, "utf8"));
} catch {
  // the e2e part did not finish: reported below
}

const fig = (part, name) => parts[part]?.figures?.[name];
const figures = {
  fuzz_requests: fig("fuzz", "fuzz_requests"),
  fuzz_5xx: fig("fuzz", "fuzz_5xx"),
  fuzz_bad_shape: fig("fuzz", "fuzz_bad_shape"),
  race_trials: fig("races", "race_trials"),
  double_spends: fig("races", "double_spends"),
  rotations: fig("rotation", "rotations"),
  verify_failures: fig("rotation", "verify_failures"),
  faults: fig("faults", "faults"),
  wrong_dialect: fig("faults", "wrong_dialect"),
  half_written: fig("faults", "half_written"),
  restarts: e2eFigures && parts["restarts-workerd"] ? fig("restarts-workerd", "restarts") + e2eFigures.restarts : undefined,
  keys_lost: e2eFigures && parts["restarts-workerd"] ? fig("restarts-workerd", "keys_lost") + e2eFigures.keys_lost : undefined,
};
// Figures that must be zero, in the line; race_bad_state, soak_errors and heap_not_flat are zero-figures of the table too.
const ZERO = ["fuzz_5xx", "fuzz_bad_shape", "double_spends", "verify_failures", "wrong_dialect", "half_written", "keys_lost"];
const extra = {
  race_bad_state: fig("races", "race_bad_state"),
  soak_errors: e2eFigures?.soak_errors,
  // 1 when Mintgate's isolate's JS heap after GC grew by more than the tolerance over the soak (test/e2e/reliability/soak.ts).
  heap_not_flat: e2eFigures?.heap_not_flat,
};

const rows = [
  ["1 fuzzing", `${figures.fuzz_requests} requests over ${fig("fuzz", "fuzz_routes")} routes`, `fuzz_5xx=${figures.fuzz_5xx} fuzz_bad_shape=${figures.fuzz_bad_shape}`],
  ["2 races", `${figures.race_trials} races (${fig("races", "race_attempts")} attempts)`, `double_spends=${figures.double_spends} race_bad_state=${extra.race_bad_state}`],
  ["3 rotation under load", `${figures.rotations} rotations, ${fig("rotation", "rotation_tokens")} tokens verified`, `verify_failures=${figures.verify_failures}`],
  ["4 injected faults", `${figures.faults} failed binding calls`, `wrong_dialect=${figures.wrong_dialect} half_written=${figures.half_written}`],
  ["5 restarts", `${fig("restarts-workerd", "restarts")} DO evictions + ${e2eFigures?.restarts} workerd restarts`, `keys_lost=${figures.keys_lost}`],
  ["6 soak", `${e2eFigures?.soak_seconds} s, ${e2eFigures?.soak_requests} requests; heap after GC ${e2eFigures?.heap_start_mb} -> ${e2eFigures?.heap_end_mb} MB (tolerance ${e2eFigures?.heap_tolerance_mb}); workerd RSS ${e2eFigures?.rss_start_mb} -> ${e2eFigures?.rss_end_mb} MB`, `soak_errors=${extra.soak_errors} heap_not_flat=${extra.heap_not_flat}`],
];
const w0 = Math.max(...rows.map((r) => r[0].length));
const w1 = Math.max(...rows.map((r) => r[1].length));
console.log(`\n${"part".padEnd(w0)} | ${"what ran".padEnd(w1)} | must be zero`);
console.log(`${"-".repeat(w0)}-|-${"-".repeat(w1)}-|-------------`);
for (const r of rows) console.log(`${r[0].padEnd(w0)} | ${r[1].padEnd(w1)} | ${r[2]}`);

const failures = [];
for (const k of [...ZERO, ...Object.keys(extra)]) {
  const v = k in figures ? figures[k] : extra[k];
  if (v === undefined) failures.push(`${k} missing (its part did not finish)`);
  else if (v !== 0) failures.push(`${k}=${v}`);
}
if (workerd.code !== 0) failures.push(`the workerd parts exited with ${workerd.code} (test-results/reliability-workerd.log)`);
if (e2e.code !== 0) failures.push(`the end-to-end parts exited with ${e2e.code} (test-results/reliability-e2e.log)`);

const report = {
  date: new Date().toISOString(),
  seed: parts.fuzz?.seed,
  figures,
  extra,
  seconds: { workerd: workerd.seconds, e2e: e2e.seconds },
  parts,
  e2e: e2eFigures,
  failures,
};
writeFileSync(join(results, "reliability.json"), JSON.stringify(report, null, 2));
if (failures.length) console.log(`\nnot zero or not finished: ${failures.join("; ")}`);
console.log(`reliability: ${Object.entries(figures).map(([k, v]) => `${k}=${v ?? "?"}`).join(" ")}`);
process.exit(failures.length ? 1 : 0);
