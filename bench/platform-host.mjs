// The platform's own limits, in the same workerd: bench/workers/static.js (a static JSON answer),
// sign-only.js (one WebCrypto signature per request with a cached key), sign-loop.js (signatures per second
// inside one isolate), d1-read.js (one D1 read per request) and platform-floor.js (two RS256 signatures and one
// Durable Object write per request), each on its own direct socket, pinned to the
// server core like Mintgate.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { unstable_readConfig } from "wrangler";
import { allowedCores, childPids, SERVER_CORE, startPinned } from "./pinned-process.mjs";

const here = import.meta.dirname;
const WORKERS = ["static", "sign-only", "sign-loop", "d1-read", "platform-floor"];

export async function startPlatform({ root, workDir }) {
  const { compatibility_date } = unstable_readConfig({ config: join(root, "wrangler.toml") });
  const options = {
    host: "127.0.0.1",
    port: 0,
    logRequests: false,
    // D1 persisted like Mintgate's (a folder on the same disk), so a read costs the same here and there.
    resourcePersistencePath: join(workDir, "platform-state"),
    workers: WORKERS.map((name) => ({
      name,
      modules: true,
      scriptPath: join(here, "workers", `${name}.js`),
      compatibilityDate: compatibility_date,
      ...(name === "d1-read" ? { d1Databases: { DB: "bench-platform" } } : {}),
      // platform-floor.js: two RS256 signatures and one Durable Object write per request (SQLite-backed, as Mintgate's).
      ...(name === "platform-floor" ? { durableObjects: { FAMILY: { className: "FloorFamily", useSQLite: true } } } : {}),
      unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
    })),
  };
  const specFile = join(workDir, "platform.json");
  writeFileSync(specFile, JSON.stringify({ options, probes: [{ name: "static", worker: "static", path: "/" }] }));
  const host = await startPinned({ script: join(here, "miniflare-child.mjs"), args: [specFile], core: SERVER_CORE, label: "platform" });
  const workerd = childPids(host.pid);
  return {
    urls: host.urls,
    readyMs: host.readyMs,
    pids: [host.pid, ...workerd],
    pinning: { host: allowedCores(host.pid), workerd: workerd.map(allowedCores) },
    stop: host.stop,
  };
}

/** One call to sign-loop.js: signatures per second in one isolate, for `ms` milliseconds. */
export async function signLoop(url, alg, ms = 1500) {
  const res = await fetch(`${url}/?alg=${alg}&ms=${ms}`, { signal: AbortSignal.timeout(ms + 30_000) });
  if (!res.ok) throw new Error(`sign-loop ${alg}: ${res.status} ${await res.text()}`);
  return res.json();
}
