// One Miniflare instance in a process of its own, started by mintgate-host.mjs or platform-host.mjs under
// `taskset -c 0`, so that workerd (its child) runs on the server core. Reads its options as JSON from the file
// named by argv[2], prints one JSON line when every worker answers, and disposes of Miniflare on SIGTERM.
//
// Each worker is served on a direct socket (unsafeDirectSockets): requests go straight to the Worker, as they do
// in production, not through Miniflare's entry worker, which would add a hop and log every request through Node.
import { readFileSync } from "node:fs";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { schemaStatements } from "../scripts/schema-statements.ts";

const spec = JSON.parse(readFileSync(process.argv[2], "utf8"));
const reply = (msg) => process.stdout.write(JSON.stringify(msg) + "\n");

/** Polls `url` until it answers 2xx; returns when that was and how long that one request took. */
async function firstSuccess(url, init, deadline) {
  let attempts = 0;
  for (;;) {
    attempts++;
    const sent = performance.now();
    try {
      const res = await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
      const body = await res.text();
      const at = performance.now();
      if (res.ok) return { at, requestMs: at - sent, attempts, status: res.status };
      if (at > deadline) throw new Error(`${url} answered ${res.status}: ${body.slice(0, 300)}`);
    } catch (err) {
      if (performance.now() > deadline) throw err;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

let mf;
let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  try {
    await mf?.dispose();
  } finally {
    process.exit(code);
  }
}
process.on("SIGTERM", () => stop(0));
process.on("SIGINT", () => stop(0));
// The parent holds our stdin open; when it goes away, so do we (and workerd with us).
process.stdin.on("end", () => stop(0));
process.stdin.resume();

try {
  const t0 = performance.now();
  // The familiar option names (scriptPath, d1Databases, durableObjects, bindings…) in Miniflare 5's own shape.
  mf = new Miniflare(convertV4MiniflareOptions(spec.options));
  await mf.ready;
  const readyMs = performance.now() - t0;
  const urls = {};
  for (const w of spec.options.workers) urls[w.name] = (await mf.unsafeGetDirectURL(w.name)).href.replace(/\/$/, "");
  let schemaMs = null;
  if (spec.schemaFile) {
    const s = performance.now();
    const db = await mf.getD1Database("DB", spec.options.workers[0].name);
    await db.batch(schemaStatements(readFileSync(spec.schemaFile, "utf8")).map((q) => db.prepare(q)));
    schemaMs = performance.now() - s;
  }
  // Cold start: from `new Miniflare()` to the first successful response of each probe, in order; applying
  // schema.sql is the bench's own setup, not part of a start, so its time is left out.
  const probes = [];
  for (const p of spec.probes ?? []) {
    const r = await firstSuccess(urls[p.worker] + p.path, p.init, performance.now() + 60_000);
    probes.push({ name: p.name, sinceStartMs: r.at - t0 - (schemaMs ?? 0), requestMs: r.requestMs, attempts: r.attempts });
  }
  reply({ ok: true, pid: process.pid, urls, readyMs, schemaMs, probes });
} catch (err) {
  reply({ ok: false, error: String(err?.stack ?? err) });
  await stop(1);
}
