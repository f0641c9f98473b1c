// wrk (Debian's package) on the load core: install it when missing, run it, and read its --latency report.
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { LOAD_CORE } from "./pinned-process.mjs";

const LUA = join(import.meta.dirname, "lua");

function hasWrk() {
  return spawnSync("wrk", ["--version"], { stdio: "ignore" }).error === undefined;
}

/** wrk from Debian's archive, with apt-get, when it is not on the PATH (needs root, as on the bench machines). */
export function ensureWrk(log) {
  if (hasWrk()) return;
  log("wrk is missing: installing Debian's package with apt-get");
  const install = () => spawnSync("apt-get", ["install", "-y", "-qq", "wrk"], { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  if (install().status !== 0) {
    spawnSync("apt-get", ["update", "-qq"], { stdio: ["ignore", "ignore", "inherit"] });
    install();
  }
  if (!hasWrk()) throw new Error("wrk is not installed and apt-get could not install it (try: sudo apt-get install wrk)");
}

const UNIT_MS = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const toMs = (v) => {
  const m = /^([\d.]+)(us|ms|s|m|h)$/.exec(v);
  return m ? Number(m[1]) * UNIT_MS[m[2]] : null;
};

/** wrk's text report (with --latency) as numbers; latencies in milliseconds. */
export function parseWrk(text) {
  const latency = /^\s*Latency\s+(\S+)\s+(\S+)\s+(\S+)/m.exec(text);
  const pct = (p) => toMs(new RegExp(`^\\s*${p}%\\s+(\\S+)`, "m").exec(text)?.[1] ?? "");
  const done = /(\d+) requests in ([\d.]+)(us|ms|s|m)/.exec(text);
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const lua = [...text.matchAll(/^bench-lua: (.*)$/gm)].map((m) => JSON.parse(m[1]));
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1]);
  if (!done || !Number.isFinite(rps)) throw new Error(`unreadable wrk output:\n${text}`);
  return {
    requests: Number(done[1]),
    seconds: toMs(`${done[2]}${done[3]}`) / 1000,
    rps,
    latencyMs: { mean: toMs(latency?.[1] ?? ""), stdev: toMs(latency?.[2] ?? ""), max: toMs(latency?.[3] ?? ""), p50: pct(50), p75: pct(75), p90: pct(90), p99: pct(99) },
    non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(text)?.[1] ?? 0),
    socketErrors: sock ? { connect: +sock[1], read: +sock[2], write: +sock[3], timeout: +sock[4] } : { connect: 0, read: 0, write: 0, timeout: 0 },
    lua,
  };
}

/**
 * One wrk run pinned to the load core: one thread (the one-time-credential scripts need it, and one thread
 * saturates a single-core server), fixed connections and duration, --latency.
 */
const running = new Set();
process.once("exit", () => {
  for (const child of running) child.kill("SIGTERM");
});

export function runWrk({ url, script = "request.lua", args = [], seconds, connections, env = {}, timeoutSeconds = 10 }) {
  const argv = ["-c", String(LOAD_CORE), "wrk", "-t1", `-c${connections}`, `-d${seconds}s`, `--timeout`, `${timeoutSeconds}s`, "--latency", "-s", join(LUA, script), url];
  if (args.length) argv.push("--", ...args);
  return new Promise((resolve, reject) => {
    const child = spawn("taskset", argv, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
    running.add(child);
    child.once("exit", () => running.delete(child));
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    const killer = setTimeout(() => child.kill("SIGKILL"), (seconds + timeoutSeconds + 30) * 1000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(killer);
      if (code !== 0) return reject(new Error(`wrk exited ${code}: ${err}${out}`));
      try {
        resolve({ ...parseWrk(out), raw: out });
      } catch (e) {
        reject(e);
      }
    });
  });
}

/**
 * Several wrk runs of one scenario as one result: counts, seconds and CPU add up; the mean latency is weighted by
 * requests; p50 and p75 are the median of the runs' own, p90, p99 and max the worst run's (no run's tail hides);
 * the core's busy shares are weighted by seconds.
 */
export function combineRuns(parts) {
  const sum = (f) => parts.reduce((a, p) => a + f(p), 0);
  const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  const worst = (f) => Math.max(...parts.map(f));
  const requests = sum((p) => p.requests);
  const seconds = sum((p) => p.seconds);
  const l = (k) => parts.map((p) => p.latencyMs[k]);
  return {
    requests,
    seconds,
    rps: requests / seconds,
    latencyMs: {
      mean: sum((p) => p.latencyMs.mean * p.requests) / requests,
      stdev: worst((p) => p.latencyMs.stdev),
      max: Math.max(...l("max")),
      p50: median(l("p50")),
      p75: median(l("p75")),
      p90: Math.max(...l("p90")),
      p99: Math.max(...l("p99")),
    },
    non2xx: sum((p) => p.non2xx),
    socketErrors: Object.fromEntries(["connect", "read", "write", "timeout"].map((k) => [k, sum((p) => p.socketErrors[k])])),
    lua: parts.flatMap((p) => p.lua),
    slices: parts.length,
    cpu: {
      targetSeconds: sum((p) => p.cpu.targetSeconds),
      coreBusy: sum((p) => p.cpu.coreBusy * p.seconds) / seconds,
      foreign: sum((p) => p.cpu.foreign * p.seconds) / seconds,
    },
  };
}
