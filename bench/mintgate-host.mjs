// Mintgate served by workerd through Miniflare's API: the bundle `wrangler deploy --dry-run` builds, the bindings
// wrangler.toml declares (D1 DB, Durable Object KEYS → KeyStore with SQLite, vars) plus the two secrets, state
// persisted to a temporary folder. Not `wrangler dev`: its proxy would cap what we measure.
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { unstable_readConfig } from "wrangler";
import { allowedCores, childPids, SERVER_CORE, startPinned } from "./pinned-process.mjs";

const here = import.meta.dirname;

const benchLimits = (vars) => Object.fromEntries(Object.keys(vars).filter((k) => k.startsWith("RATE_LIMIT_")).map((k) => [k, "1000000000"]));
function queueOptions(cfg) {
  const producers = cfg.queues?.producers ?? [];
  const consumers = cfg.queues?.consumers ?? [];
  return {
    queueProducers: Object.fromEntries(producers.map((p) => [p.binding, { queueName: p.queue }])),
    queueConsumers: Object.fromEntries(
      consumers.map((q) => [q.queue, { maxBatchSize: q.max_batch_size, maxBatchTimeout: q.max_batch_timeout, maxRetries: q.max_retries }]),
    ),
  };
}

/** Miniflare options for the Mintgate bundle, from wrangler.toml. */
export function mintgateOptions({ root, scriptPath, persistDir, secrets, inspectorPort, log = process.env.BENCH_LOG !== "off" }) {
  const cfg = unstable_readConfig({ config: join(root, "wrangler.toml") });
  const sqliteClasses = new Set((cfg.migrations ?? []).flatMap((m) => m.new_sqlite_classes ?? []));
  return {
    host: "127.0.0.1",
    port: 0,
    logRequests: false,
    resourcePersistencePath: persistDir,
    ...(inspectorPort ? { inspectorPort } : {}),
    workers: [
      {
        name: cfg.name ?? "mintgate",
        modules: true,
        scriptPath,
        // Module names are paths relative to this; a bundle outside the working directory needs its own.
        modulesRoot: dirname(scriptPath),
        compatibilityDate: cfg.compatibility_date,
        compatibilityFlags: cfg.compatibility_flags ?? [],
        // Okta's per-minute limits are counted per isolate: the bench's one isolate would answer 429 past 1,200
        // tokens a minute, so the measured paths run with the counting but limits out of reach.
        bindings: { ...cfg.vars, ...benchLimits(cfg.vars), ...secrets },
        // The Rate Limiting bindings wrangler.toml declares (the throttle before PBKDF2).
        ratelimits: Object.fromEntries((cfg.ratelimits ?? []).map((r) => [r.name, { namespace_id: r.namespace_id, simple: r.simple }])),
        d1Databases: Object.fromEntries(cfg.d1_databases.map((d) => [d.binding, d.database_id ?? d.database_name])),
        durableObjects: Object.fromEntries(
          (cfg.durable_objects?.bindings ?? []).map((b) => [b.name, { className: b.class_name, useSQLite: sqliteClasses.has(b.class_name) }]),
        ),
        unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
        // The System Log queue, producer and consumer, as wrangler.toml declares them; `log: false` (or BENCH_LOG=off)
        // leaves both out (the Worker then records no events): the bench's second Mintgate, for the logging cost.
        ...(log ? queueOptions(cfg) : {}),
      },
    ],
  };
}

/**
 * Starts Mintgate pinned to the server core. `probes` are requests polled in order until each answers 2xx; their
 * timings, measured from `new Miniflare()`, are the cold start. `applySchema` runs schema.sql first (a fresh state).
 */
export async function startMintgate({ root, scriptPath, persistDir, secrets, workDir, applySchema = false, probes = [], label = "mintgate", inspectorPort, log }) {
  const options = mintgateOptions({ root, scriptPath, persistDir, secrets, inspectorPort, log });
  const specFile = join(workDir, `${label}.json`);
  const name = options.workers[0].name;
  writeFileSync(
    specFile,
    JSON.stringify({ options, schemaFile: applySchema ? join(root, "schema.sql") : undefined, probes: probes.map((p) => ({ ...p, worker: name })) }),
    { mode: 0o600 },
  );
  const logFile = join(workDir, `${label}.log`);
  const host = await startPinned({ script: join(here, "miniflare-child.mjs"), args: [specFile], core: SERVER_CORE, label, logFile });
  const workerd = childPids(host.pid);
  return {
    url: host.urls[name],
    logFile,
    readyMs: host.readyMs,
    schemaMs: host.schemaMs,
    probes: host.probes,
    pids: [host.pid, ...workerd],
    pinning: { host: allowedCores(host.pid), workerd: workerd.map(allowedCores) },
    stop: host.stop,
  };
}
