#!/usr/bin/env node
// `npm run bench`: Mintgate's hot paths under wrk, side by side with the platform's limits (same workerd) and
// with oidc-provider, on a 2-core machine: servers on core 0, wrk (and this script) on core 1. Prints a table
// and, last, one line of ratios; writes bench/results/latest.json. See bench/README.md.
//
// BENCH_DURATION (s, default 10), BENCH_WARMUP (s, default 2), BENCH_ROUNDS (default 1),
// BENCH_CONNECTIONS (default 32), BENCH_ONLY (comma-separated scenario keys; `edge` for issue 17's figures),
// BENCH_DISTANCE_SAMPLES (default 40), BENCH_KEEP_STATE=1,
// BENCH_SCRIPT (a bundle built elsewhere, to compare two builds; the default builds the working tree).
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { LOAD_CORE, SERVER_CORE } from "./pinned-process.mjs";

const root = join(import.meta.dirname, "..");
const MIN_NODE = 22;

// Run pinned to the load core, on the project's Node (node_modules/.bin/node is 24) when this one is too old.
if (!process.env.BENCH_PINNED) {
  const major = Number(process.versions.node.split(".")[0]);
  const node = major >= MIN_NODE ? process.execPath : join(root, "node_modules", ".bin", "node");
  const child = spawn("taskset", ["-c", String(LOAD_CORE), node, import.meta.filename, ...process.argv.slice(2)], {
    stdio: "inherit",
    env: { ...process.env, BENCH_PINNED: "1" },
  });
  // A signal to this process (Ctrl-C, a CI timeout) is passed on, so that the run stops what it started.
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(sig, () => child.kill(sig));
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
  await new Promise(() => {});
}

const { combineRuns, ensureWrk, runWrk } = await import("./wrk.mjs");
const { startMintgate } = await import("./mintgate-host.mjs");
const { signLoop, startPlatform } = await import("./platform-host.mjs");
const { startPeer } = await import("./peer-oidc-provider.mjs");
const { setupMintgate, SCOPE, basic } = await import("./setup.mjs");
const { SCENARIOS, problems, roundOrder } = await import("./scenarios.mjs");
const { printReport, ratios, summarise } = await import("./report.mjs");
const { cpuMeter, processCpuSeconds } = await import("./cpu.mjs");
const { runEdge } = await import("./edge.mjs");

const t0 = performance.now();
const envNumber = (name, fallback) => {
  const v = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number`);
  return v;
};
const settings = {
  seconds: envNumber("BENCH_DURATION", 10),
  warmupSeconds: envNumber("BENCH_WARMUP", 2),
  rounds: Math.round(envNumber("BENCH_ROUNDS", 1)),
  connections: Math.round(envNumber("BENCH_CONNECTIONS", 32)),
  serverCore: SERVER_CORE,
  loadCore: LOAD_CORE,
};
const only = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(",").map((s) => s.trim())) : null;
// `edge` (issue 17): the round-trip table and the simulated distance (bench/edge.mjs), and the rate scenarios
// their ratios need: `BENCH_ONLY=edge` runs just those.
if (only?.has("edge")) for (const k of ["platform_floor", "auth_code", "refresh", "sign_loop"]) only.add(k);
// `log` (issue 13): client_credentials with the System Log on and off, `BENCH_ONLY=log`.
if (only?.has("log")) for (const k of ["cc_rs256_log", "cc_rs256_nolog", "cc_es256_log", "cc_es256_nolog"]) only.add(k);
const scenarios = SCENARIOS.filter((s) => !only || only.has(s.key));
const edgeWanted = !only || only.has("edge");
const edgeSamples = Math.round(Number(process.env.BENCH_DISTANCE_SAMPLES ?? 40));
const log = (msg) => process.stderr.write(`[${((performance.now() - t0) / 1000).toFixed(1).padStart(5)} s] ${msg}\n`);

// Every request loop here is bounded; this bounds the whole run too.
const maxSeconds = 120 + scenarios.length * settings.rounds * (settings.seconds + settings.warmupSeconds + 45) + (edgeWanted ? 120 + edgeSamples * 12 : 0);
setTimeout(() => {
  log(`bench: still running after ${maxSeconds} s, giving up`);
  process.exit(2);
}, maxSeconds * 1000).unref();
process.on("SIGINT", () => process.exit(130));
process.on("SIGTERM", () => process.exit(143));
process.on("SIGHUP", () => process.exit(129));

const workDir = mkdtempSync(join(tmpdir(), "mintgate-bench-"));
const resultsDir = join(root, "bench", "results");
mkdirSync(resultsDir, { recursive: true });
const stops = [];
process.once("exit", () => {
  if (!process.env.BENCH_KEEP_STATE) rmSync(workDir, { recursive: true, force: true });
});

/** `wrangler deploy --dry-run --outdir`: the bundle that would be uploaded, and its gzipped size. */
function buildBundle() {
  if (process.env.BENCH_SCRIPT) return bundleFacts(process.env.BENCH_SCRIPT, null);
  const outdir = join(resultsDir, "dist");
  const r = spawnSync(process.execPath, [join(root, "node_modules", "wrangler", "bin", "wrangler.js"), "deploy", "--dry-run", "--outdir", outdir], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1", FORCE_COLOR: "0", WRANGLER_LOG_PATH: join(workDir, "wrangler-logs") },
  });
  if (r.status !== 0) throw new Error(`wrangler deploy --dry-run failed:\n${r.stdout}\n${r.stderr}`);
  return bundleFacts(join(outdir, "index.js"), /Total Upload: ([^\n]+)/.exec(r.stdout)?.[1]?.trim() ?? null);
}

function bundleFacts(scriptPath, wranglerSays) {
  const code = readFileSync(scriptPath);
  return { scriptPath: resolve(scriptPath), bytes: code.length, gzipBytes: gzipSync(code).length, gzip9Bytes: gzipSync(code, { level: 9 }).length, wranglerSays };
}

/**
 * Waits until Mintgate's process is idle: the System Log's queue consumer writes a scenario's events to D1 after
 * the load has stopped (batches of up to 100 messages, 1 s apart), and that work would otherwise be counted against
 * whichever scenario runs next. Idle = under 5% of a core over 250 ms, or 30 s at most (said in the log).
 */
async function settle(targetPids, nextKey) {
  const t0 = performance.now();
  for (;;) {
    const c0 = targetPids.reduce((a, p) => a + processCpuSeconds(p), 0);
    await new Promise((r) => setTimeout(r, 250));
    const busy = (targetPids.reduce((a, p) => a + processCpuSeconds(p), 0) - c0) / 0.25;
    if (busy < 0.05) return;
    if (performance.now() - t0 > 30_000) return log(`before ${nextKey}: Mintgate still ${Math.round(busy * 100)}% busy after 30 s; measuring anyway`);
  }
}

async function main() {
  const loadBefore = loadavg()[0];
  ensureWrk(log);
  log("building the Worker bundle (wrangler deploy --dry-run)");
  const bundle = buildBundle();
  log(`bundle ${(bundle.bytes / 1024).toFixed(0)} KiB, gzip ${(bundle.gzipBytes / 1024).toFixed(1)} KiB`);

  const secrets = { ADMIN_TOKEN: "00" + randomBytes(30).toString("base64url"), KEY_ENCRYPTION_SECRET: randomBytes(32).toString("base64url") };
  const persistDir = join(workDir, "state");
  const mgBase = { root, scriptPath: bundle.scriptPath, persistDir, secrets, workDir };

  log("starting the platform workers, Mintgate (fresh state) and oidc-provider, all on core 0");
  const platform = await startPlatform({ root, workDir });
  stops.push(platform.stop);
  let mg = await startMintgate({ ...mgBase, applySchema: true, probes: [{ name: "discovery (default server)", path: "/oauth2/default/.well-known/openid-configuration" }] });
  stops.push(() => mg.stop());
  const firstStart = { readyMs: mg.readyMs, schemaMs: mg.schemaMs, probes: mg.probes };
  const peer = await startPeer();
  stops.push(peer.stop);
  log("setting up Mintgate through the admin API and signing a person in");
  const setup = await setupMintgate(mg.url, secrets.ADMIN_TOKEN);
  log(`first client_credentials token of a new server: RS256 ${setup.firstTokenMs.rs256.toFixed(0)} ms, ES256 ${setup.firstTokenMs.es256.toFixed(0)} ms`);

  // The System Log's cost (issue 13), measured in this run: two more Mintgates, each on its own fresh state, that
  // serve only client_credentials, one with the queue and one without. (The first Mintgate serves every scenario,
  // and that history alone made it about 9 % slower than a fresh twin on the same requests, logging off in both.)
  // A new pair every round: two workerd processes running the same code differ by several per cent for as long as
  // they live (one pair kept for a run measured logging on/off anywhere from 0.83 to 1.07 with the same bundle), so
  // a pair per round, in alternating order (roundOrder), gives the median something to take the middle of.
  const twins = {};
  const twinCtx = {};
  const pids = { mintgate: mg.pids, platform: platform.pids, peer: peer.pids };
  const stopTwins = async () => {
    for (const target of Object.keys(twins)) {
      await twins[target].stop();
      delete twins[target];
      delete pids[target];
    }
  };
  stops.push(stopTwins);
  async function freshTwins(round) {
    await stopTwins();
    for (const [target, logOn] of [["mintgate_log", true], ["mintgate_nolog", false]]) {
      if (!scenarios.some((s) => s.target === target)) continue;
      const twin = await startMintgate({ ...mgBase, persistDir: join(workDir, `state-${target}-${round}`), label: `${target}-${round}`, log: logOn, applySchema: true });
      twins[target] = twin;
      pids[target] = twin.pids;
      twinCtx[target] = { url: twin.url, setup: await setupMintgate(twin.url, secrets.ADMIN_TOKEN) };
    }
  }
  const ctx = { ...settings, mg: { url: mg.url, setup }, twins: twinCtx, platform, peer, workDir, log, roundResults: {} };
  const meter = (target) => cpuMeter(SERVER_CORE, pids[target], Object.values(pids).flat());
  const rounds = [];
  /**
   * The measured run of a scenario: one wrk run of BENCH_DURATION, or, for a scenario with `slices`, that many
   * shorter runs each prepared just before it (the CPU meter runs during wrk only), combined (wrk.mjs).
   */
  const measured = async (s, warm) => {
    const n = s.slices ?? 1;
    const seconds = settings.seconds / n;
    const parts = [];
    for (let i = 0; i < n; i++) {
      const spec = await s.prepare(ctx, "measure", warm, seconds);
      const stop = meter(s.target);
      const part = await runWrk({ ...spec, seconds, connections: settings.connections });
      part.cpu = stop();
      parts.push(part);
    }
    return n === 1 ? parts[0] : combineRuns(parts);
  };
  for (let round = 1; round <= settings.rounds; round++) {
    const results = (ctx.roundResults = {});
    rounds.push(results);
    await freshTwins(round);
    if (!only || only.has("sign_loop")) {
      for (const alg of ["RS256", "ES256"]) {
        const stop = meter("platform");
        const r = await signLoop(platform.urls["sign-loop"], alg);
        r.cpu = stop();
        r.perCpuSecond = r.signatures / r.cpu.targetSeconds;
        results[`sign_loop_${alg.toLowerCase()}`] = r;
        log(`round ${round}: sign-loop ${alg}: ${r.perSecond.toLocaleString("en-US")} signatures/s in one isolate`);
      }
    }
    for (const s of roundOrder(scenarios, round)) {
      await settle([...pids.mintgate, ...(pids.mintgate_log ?? [])], s.key);
      const warmSpec = await s.prepare(ctx, "warmup");
      const warm = await runWrk({ ...warmSpec, seconds: settings.warmupSeconds, connections: settings.connections });
      const r = await measured(s, warm);
      r.cpuUsPerRequest = (r.cpu.targetSeconds * 1e6) / r.requests;
      // What the table shows: answers that were not errors, per second (wrk's Requests/sec counts all).
      r.okRps = (r.requests - r.non2xx) / r.seconds;
      r.problems = problems(r, s);
      r.warmup = { rps: warm.rps, problems: problems(warm, s) };
      if (s.flood) {
        // Each 401 to a wrong secret ran one PBKDF2 (it is never cached); each 429 ran none.
        const counted = (status) => r.lua.reduce((a, l) => a + (l.counted?.[status] ?? 0), 0);
        r.flood = { pbkdf2PerSecond: counted("401") / r.seconds, throttledPerSecond: counted("429") / r.seconds };
        log(`round ${round}: ${s.key}: ${r.flood.pbkdf2PerSecond.toFixed(1)} PBKDF2 runs/s (401), ${Math.round(r.flood.throttledPerSecond)} throttled/s (429)`);
      }
      results[s.key] = r;
      const l = r.latencyMs;
      log(`round ${round}: ${s.key.padEnd(16)} ${Math.round(r.okRps).toLocaleString("en-US").padStart(7)} req/s  p50 ${l.p50} ms  p99 ${l.p99} ms  max ${l.max} ms  server CPU ${Math.round(r.cpuUsPerRequest)} us/req, core ${SERVER_CORE} ${Math.round(r.cpu.foreign * 100)}% busy elsewhere${r.problems.length ? `  PROBLEMS: ${r.problems.join("; ")}` : ""}`);
    }
  }

  let edge = null;
  if (edgeWanted) {
    const signPerSecond = rounds.map((r) => r.sign_loop_rs256?.perSecond).filter(Boolean).sort((a, b) => a - b);
    const signUs = signPerSecond.length ? 1e6 / signPerSecond[signPerSecond.length >> 1] : null;
    edge = await runEdge({ root, resultsDir, workDir, secrets, platform, log, samples: edgeSamples, signUs });
  }

  log("restarting Mintgate on the bench's state: cold start of a warm deployment");
  await mg.stop();
  // What the Worker logged under load (errors carry an errorId and a stack), kept beside the results.
  const mintgateLog = join(resultsDir, "mintgate.log");
  copyFileSync(mg.logFile, mintgateLog);
  const service = basic(setup.service.clientId, setup.service.secret);
  const tokenInit = { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", Authorization: service }, body: `grant_type=client_credentials&scope=${encodeURIComponent(SCOPE)}` };
  mg = await startMintgate({
    ...mgBase,
    label: "mintgate-restart",
    probes: [
      { name: "client_credentials RS256", path: `/oauth2/${setup.rs.id}/v1/token`, init: tokenInit },
      { name: "client_credentials ES256", path: `/oauth2/${setup.es.id}/v1/token`, init: tokenInit },
      { name: "JWKS", path: `/oauth2/${setup.rs.id}/v1/keys` },
      { name: "discovery", path: `/oauth2/${setup.rs.id}/.well-known/openid-configuration` },
    ],
  });
  const restart = { readyMs: mg.readyMs, probes: mg.probes };
  const firsts = [firstStart.probes[0], restart.probes[0]];
  const all = [...firstStart.probes, ...restart.probes];
  const coldStart = {
    firstStart,
    restart,
    firstTokenOnNewServerMs: setup.firstTokenMs,
    worst: { ...firsts.reduce((a, b) => (b.sinceStartMs > a.sinceStartMs ? b : a)), requestMs: Math.max(...all.map((p) => p.requestMs)) },
  };
  const pinning = { mintgate: mg.pinning, platform: platform.pinning, peer: peer.pinning };
  for (const stop of stops.reverse()) await stop();

  const summary = summarise(rounds);
  const resultFile = join(resultsDir, "latest.json");
  const res = {
    startedAt: new Date(Date.now() - (performance.now() - t0)).toISOString(),
    settings,
    versions: {
      node: process.version,
      miniflare: JSON.parse(readFileSync(join(root, "node_modules", "miniflare", "package.json"), "utf8")).version,
      wrangler: JSON.parse(readFileSync(join(root, "node_modules", "wrangler", "package.json"), "utf8")).version,
      oidcProvider: peer.version,
      wrk: spawnSync("wrk", ["--version"], { encoding: "utf8" }).stdout.split("\n")[0].trim(),
    },
    machine: { cpus: cpus().length, model: cpus()[0]?.model, loadavg: { before: loadBefore, after: loadavg()[0] } },
    bundle: { ...bundle, scriptPath: relative(root, bundle.scriptPath) },
    coldStart,
    pinning,
    signatures: setup.signatures,
    summary,
    ...(({ values, byCpu }) => ({ ratioValues: values, ratioByCpu: byCpu }))(ratios(summary, setup.signatures)),
    edge,
    rounds: rounds.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, { ...v, raw: undefined }]))),
    resultFile: relative(root, resultFile),
    mintgateLog: relative(root, mintgateLog),
  };
  res.totalMs = performance.now() - t0;
  writeFileSync(resultFile, JSON.stringify(res, null, 2) + "\n");
  printReport(res);
}

try {
  await main();
  process.exit(0);
} catch (err) {
  log(`bench failed: ${err?.stack ?? err}`);
  for (const stop of stops.reverse()) await stop().catch(() => {});
  process.exit(1);
}
