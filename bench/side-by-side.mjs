#!/usr/bin/env node
// Two Mintgates under the same load at the same time, both pinned to core 0: the kernel shares the core between
// them, so the ratio of their req/s is the ratio of their CPU cost per request, and the VM's drift (15-30 % between
// runs here) falls on both alike. For a difference of a few per cent between two builds, or logging on and off,
// that sequential runs cannot resolve. Not a figure for the README's tables: each runs at about half its own rate,
// and a process with more runnable threads may get more than half of the core.
//
//   node bench/side-by-side.mjs <label>=<bundle>[:nolog] <label>=<bundle>[:nolog] [scenario] [rounds] [seconds]
//   node bench/side-by-side.mjs new=bench/results/dist/index.js old=/tmp/old/index.js cc_es256 6 10
//
// A bundle is `wrangler deploy --dry-run --outdir DIR`'s DIR/index.js; `:nolog` starts it without the System Log's
// queue. Scenarios: cc_rs256, cc_es256, discovery, jwks. Prints each round and the median of the ratios first/second.
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startMintgate } from "./mintgate-host.mjs";
import { basic, SCOPE, setupMintgate } from "./setup.mjs";
import { ensureWrk, runWrk } from "./wrk.mjs";

const FORM = "Content-Type: application/x-www-form-urlencoded";
const REQUESTS = {
  cc_rs256: (m) => ({ url: `${m.url}/oauth2/${m.setup.rs.id}/v1/token`, args: ["POST", `grant_type=client_credentials&scope=${encodeURIComponent(SCOPE)}`, FORM, `Authorization: ${basic(m.setup.service.clientId, m.setup.service.secret)}`] }),
  cc_es256: (m) => ({ url: `${m.url}/oauth2/${m.setup.es.id}/v1/token`, args: ["POST", `grant_type=client_credentials&scope=${encodeURIComponent(SCOPE)}`, FORM, `Authorization: ${basic(m.setup.service.clientId, m.setup.service.secret)}`] }),
  discovery: (m) => ({ url: `${m.url}/oauth2/${m.setup.rs.id}/.well-known/openid-configuration`, args: ["GET", ""] }),
  jwks: (m) => ({ url: `${m.url}/oauth2/${m.setup.rs.id}/v1/keys`, args: ["GET", ""] }),
};

const [a, b, scenario = "cc_es256", rounds = "6", seconds = "10"] = process.argv.slice(2);
const parse = (arg) => {
  const m = /^([\w-]+)=(.+?)(:nolog)?$/.exec(arg ?? "");
  return m && existsSync(m[2]) ? { label: m[1], scriptPath: resolve(m[2]), log: !m[3] } : null;
};
const sides = [parse(a), parse(b)];
if (sides.includes(null) || !REQUESTS[scenario] || !(Number(rounds) > 0) || !(Number(seconds) > 0)) {
  console.error(`usage: node bench/side-by-side.mjs <label>=<bundle>[:nolog] <label>=<bundle>[:nolog] [${Object.keys(REQUESTS).join("|")}] [rounds] [seconds]`);
  process.exit(2);
}

const root = join(import.meta.dirname, "..");
const workDir = mkdtempSync(join(tmpdir(), "mintgate-side-by-side-"));
const secrets = { ADMIN_TOKEN: "00" + randomBytes(30).toString("base64url"), KEY_ENCRYPTION_SECRET: randomBytes(32).toString("base64url") };
const running = [];
const stopAll = async () => {
  for (const m of running.splice(0)) await m.stop().catch(() => {});
  rmSync(workDir, { recursive: true, force: true });
};
for (const signal of ["SIGINT", "SIGTERM"]) process.once(signal, () => stopAll().then(() => process.exit(130)));

try {
  ensureWrk(console.error);
  for (const side of sides) {
    const mg = await startMintgate({ root, scriptPath: side.scriptPath, persistDir: join(workDir, `state-${side.label}`), secrets, workDir, label: side.label, log: side.log, applySchema: true });
    running.push(mg);
    side.request = REQUESTS[scenario]({ url: mg.url, setup: await setupMintgate(mg.url, secrets.ADMIN_TOKEN) });
  }
  // Warm-up: both isolates compile the path and fill their caches.
  await Promise.all(sides.map((s) => runWrk({ ...s.request, seconds: 3, connections: 16 })));
  const ratios = [];
  for (let round = 1; round <= Number(rounds); round++) {
    const results = await Promise.all(sides.map((s) => runWrk({ ...s.request, seconds: Number(seconds), connections: 16 })));
    const rps = results.map((r) => (r.requests - r.non2xx) / Number(seconds));
    if (results.some((r) => r.non2xx)) console.log(`round ${round}: non-2xx answers: ${results.map((r) => r.non2xx).join(" / ")}`);
    ratios.push(rps[0] / rps[1]);
    console.log(`round ${round}: ${sides[0].label} ${rps[0].toFixed(0)} req/s, ${sides[1].label} ${rps[1].toFixed(0)} req/s, ratio ${(rps[0] / rps[1]).toFixed(3)}`);
  }
  const sorted = [...ratios].sort((x, y) => x - y);
  const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
  console.log(`side-by-side ${scenario}: ${sides[0].label}/${sides[1].label}=${median.toFixed(3)} (median of ${ratios.length} rounds)`);
} finally {
  await stopAll();
}
