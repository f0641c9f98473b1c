#!/usr/bin/env node
// Where Mintgate's CPU goes on one scenario: the bench's setup, then wrk while V8's sampling profiler runs in
// Mintgate's isolate (through workerd's inspector). Prints the top functions by self and by inclusive time and
// writes bench/results/profile-<scenario>.cpuprofile (open it in Chrome DevTools, Performance tab).
//
//   node bench/profile.mjs cc_es256 discovery        (scenario keys from bench/scenarios.mjs)
//
// The profiler itself slows the isolate down: read shares, not req/s. Uses bench/results/dist/index.js when
// `npm run bench` has built it, or BENCH_SCRIPT.
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startMintgate } from "./mintgate-host.mjs";
import { SCENARIOS } from "./scenarios.mjs";
import { setupMintgate } from "./setup.mjs";
import { runWrk } from "./wrk.mjs";

const root = join(import.meta.dirname, "..");
const scriptPath = process.env.BENCH_SCRIPT ?? join(root, "bench", "results", "dist", "index.js");
const seconds = Number(process.env.BENCH_DURATION ?? 5);
const keys = process.argv.slice(2);
if (!keys.length || keys.some((k) => !SCENARIOS.find((s) => s.key === k && s.target === "mintgate"))) {
  console.error(`usage: node bench/profile.mjs <scenario>...  (one of: ${SCENARIOS.filter((s) => s.target === "mintgate").map((s) => s.key).join(", ")})`);
  process.exit(2);
}
if (!existsSync(scriptPath)) {
  console.error(`no bundle at ${scriptPath}: run npm run bench once, or set BENCH_SCRIPT`);
  process.exit(2);
}

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

/** A Chrome DevTools Protocol session on one inspector target. */
async function cdp(url) {
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => ((ws.onopen = resolve), (ws.onerror = reject)));
  let id = 0;
  const pending = new Map();
  ws.onmessage = (e) => {
    const m = JSON.parse(e.data);
    pending.get(m.id)?.(m.result);
    pending.delete(m.id);
  };
  const send = (method, params = {}) => new Promise((resolve) => (pending.set(++id, resolve), ws.send(JSON.stringify({ id, method, params }))));
  return { send, close: () => ws.close() };
}

/** Self and inclusive time per function (name, file, line) of a V8 CPU profile, idle time excluded. */
function tables(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const name = (n) => `${n.callFrame.functionName || "(anonymous)"} ${n.callFrame.url.split("/").pop()}:${n.callFrame.lineNumber + 1}`;
  const self = new Map();
  const incl = new Map();
  let busy = 0;
  profile.samples.forEach((sid, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    if (byId.get(sid).callFrame.functionName === "(idle)") return;
    busy += dt;
    self.set(name(byId.get(sid)), (self.get(name(byId.get(sid))) ?? 0) + dt);
    const seen = new Set();
    for (let id = sid; id !== undefined; id = parent.get(id)) {
      const k = name(byId.get(id));
      if (k.startsWith("(root)") || seen.has(k)) continue;
      seen.add(k);
      incl.set(k, (incl.get(k) ?? 0) + dt);
    }
  });
  const top = (m, n) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `${((v / busy) * 100).toFixed(1).padStart(6)}%  ${k}`);
  return { busyMs: busy / 1000, self: top(self, 25), inclusive: top(incl, 35) };
}

const workDir = mkdtempSync(join(tmpdir(), "mintgate-profile-"));
const secrets = { ADMIN_TOKEN: "00" + randomBytes(30).toString("base64url"), KEY_ENCRYPTION_SECRET: randomBytes(32).toString("base64url") };
const inspectorPort = await freePort();
const mg = await startMintgate({ root, scriptPath, persistDir: join(workDir, "state"), secrets, workDir, applySchema: true, inspectorPort });
try {
  const targets = await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json();
  const target = targets.find((t) => /core:user:/.test(t.title));
  if (!target) throw new Error(`no Mintgate isolate among the inspector's targets: ${targets.map((t) => t.title).join(", ")}`);
  const setup = await setupMintgate(mg.url, secrets.ADMIN_TOKEN);
  const ctx = { seconds, warmupSeconds: 2, rounds: 1, connections: 32, mg: { url: mg.url, setup }, workDir, log: console.error, roundResults: {} };
  for (const key of keys) {
    const s = SCENARIOS.find((x) => x.key === key);
    const warm = await runWrk({ ...(await s.prepare(ctx, "warmup")), seconds: 2, connections: 32 });
    const spec = await s.prepare(ctx, "measure", warm);
    const session = await cdp(target.webSocketDebuggerUrl);
    await session.send("Profiler.enable");
    await session.send("Profiler.setSamplingInterval", { interval: 100 });
    await session.send("Profiler.start");
    const r = await runWrk({ ...spec, seconds, connections: 32 });
    const { profile } = await session.send("Profiler.stop");
    session.close();
    const file = join(root, "bench", "results", `profile-${key}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    const t = tables(profile);
    console.log(`\n${key}: ${Math.round(r.rps)} req/s under the profiler, ${r.requests} requests, isolate busy ${t.busyMs.toFixed(0)} ms (${((t.busyMs * 1000) / r.requests).toFixed(0)} us/request)`);
    console.log(`self time:\n${t.self.join("\n")}\ninclusive time:\n${t.inclusive.join("\n")}\nprofile: ${file}`);
  }
} finally {
  await mg.stop();
  rmSync(workDir, { recursive: true, force: true });
}
process.exit(0);
