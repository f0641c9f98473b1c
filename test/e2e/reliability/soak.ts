import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { RunningServer } from "../support/server";
import { heapGrowth, inspectorPortOf, isolateHeapsAfterGc, mb, mintgateHeap, mintgateHeapUsage, workerdProcesses, wranglerInspectorPort, type HeapFigures } from "./memory";
import { api, form, personTokens, type World } from "./world";

/**
 * The soak: four clients looping over a mixed load (client_credentials, introspection, refresh, discovery, JWKS,
 * admin reads, and admin writes then deletes) against wrangler dev, after a warm-up, with memory measured at the
 * start and the end while the load is stopped.
 *
 * What "memory flat" is judged on: Mintgate's isolate's JS heap after a full GC. workerd's RSS is reported, not
 * judged: the Worker's workerd process also runs Miniflare's simulated D1, Durable Objects and queue (their SQLite
 * state grows with every refresh token and System Log event, as it would in production storage), and V8 and the
 * allocator keep memory they freed; wrangler's proxy process (in front of the Worker) runs no Mintgate code at all.
 */

/**
 * How much Mintgate's isolate's heap after GC may grow between the start and the end. After the warm-up what
 * remains is JIT code and cache entries reloaded (0.2 MB over the 10-minute soak); a leak of one small object per
 * request (a Map entry keyed by a token, a retained closure: 100+ bytes) passes 2 MB within 20,000 requests.
 */
export const HEAP_TOLERANCE_MB = Number(process.env.RELIABILITY_SOAK_HEAP_TOLERANCE_MB ?? 2);

export interface SoakFigures {
  soak_seconds: number;
  soak_warmup_seconds: number;
  soak_warmup_requests: number;
  /** Requests after the warm-up (errors count in both). */
  soak_requests: number;
  soak_errors: number;
  /** Mintgate's isolate's JS heap after a full GC, at the start (after the warm-up) and the end; MB. */
  heap_start_mb: number | null;
  heap_end_mb: number | null;
  heap_tolerance_mb: number;
  /** 1 when the heap grew by more than the tolerance (or could not be measured): a zero-figure. */
  heap_not_flat: number;
  /** RSS of the workerd process running the Worker and the simulated bindings, after GC in all its isolates; MB. */
  rss_start_mb: number;
  rss_end_mb: number;
  /** Miniflare's own isolates (D1, queue broker, ...) in that process, JS heap after GC, summed; MB. */
  bindings_heap_start_mb: number;
  bindings_heap_end_mb: number;
  /** wrangler's proxy workerd process, which forwards requests to the Worker; MB. */
  proxy_rss_start_mb: number;
  proxy_rss_end_mb: number;
  /** The D1 and Durable Object SQLite files on disk; MB. */
  disk_start_mb: number;
  disk_end_mb: number;
  /** A timeline under load (heap without a GC, so it saws up and down). */
  samples: { s: number; requests: number; heap_mb: number; rss_mb: number; proxy_rss_mb: number; disk_mb: number }[];
}

function diskBytes(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) n += statSync(join(e.parentPath, e.name)).size;
  return n;
}

const rssMb = (inspected: boolean) => Math.round(workerdProcesses().filter((p) => p.inspected === inspected).reduce((kb, p) => kb + p.rssKb, 0) / 1024);

interface Measured {
  heap: HeapFigures | null;
  bindingsHeapMb: number;
  rssMb: number;
  proxyRssMb: number;
  diskMb: number;
}

export async function runSoak(o: { server: RunningServer; world: World; adminToken: string; persistDir: string; seconds: number; warmupSeconds: number; problems: string[]; log: (s: string) => void }): Promise<SoakFigures> {
  const { world: w, log } = o;
  const base = o.server.baseUrl;
  const a = api(base, o.adminToken);
  const f: SoakFigures = {
    soak_seconds: 0, soak_warmup_seconds: o.warmupSeconds, soak_warmup_requests: 0, soak_requests: 0, soak_errors: 0, heap_start_mb: null, heap_end_mb: null, heap_tolerance_mb: HEAP_TOLERANCE_MB, heap_not_flat: 1,
    rss_start_mb: 0, rss_end_mb: 0, bindings_heap_start_mb: 0, bindings_heap_end_mb: 0, proxy_rss_start_mb: 0, proxy_rss_end_mb: 0, disk_start_mb: 0, disk_end_mb: 0, samples: [],
  };
  const proxyPort = await wranglerInspectorPort();
  const worker = workerdProcesses().find((p) => p.inspected);
  const directPort = worker ? await inspectorPortOf(worker.pid) : null;
  if (proxyPort === null || directPort === null) o.problems.push(`soak: no inspector (wrangler's proxy ${proxyPort}, workerd ${directPort}): heap not measured`);

  // Every isolate collected first (snapshots), then RSS read: what the process holds after the garbage is gone.
  const measure = async (): Promise<Measured> => {
    const heap = proxyPort === null ? null : await mintgateHeap(proxyPort);
    const others = directPort === null ? [] : await isolateHeapsAfterGc(directPort);
    return { heap, bindingsHeapMb: mb(others.reduce((n, h) => n + h.usedBytes, 0)), rssMb: rssMb(true), proxyRssMb: rssMb(false), diskMb: mb(diskBytes(o.persistDir)) };
  };
  const count = (ok: boolean, what: string) => {
    f.soak_requests++;
    if (!ok) (f.soak_errors++, o.problems.length < 30 && o.problems.push(`soak: ${what}`));
  };
  const loop = async (n: number, deadline: number) => {
    let person = await personTokens(base, w);
    count(true, "code flow");
    for (let i = 0; Date.now() < deadline; i++) {
      const cc = await form(base, `/oauth2/${w.serverId}/v1/token`, { grant_type: "client_credentials", scope: "orders:read" }, w);
      count(cc.status === 200, `client_credentials ${cc.status}`);
      if (cc.status === 200) {
        const intro = await form(base, `/oauth2/${w.serverId}/v1/introspect`, { token: cc.body.access_token }, w);
        count(intro.status === 200 && intro.body.active === true, `introspect ${intro.status} ${JSON.stringify(intro.body)}`);
      }
      const ref = await form(base, `/oauth2/${w.serverId}/v1/token`, { grant_type: "refresh_token", refresh_token: person.refresh_token }, w);
      count(ref.status === 200, `refresh ${ref.status} ${JSON.stringify(ref.body)}`);
      if (ref.status === 200) person = ref.body;
      const disc = await fetch(`${base}/oauth2/${w.serverId}/.well-known/openid-configuration`);
      await disc.arrayBuffer();
      count(disc.status === 200, `discovery ${disc.status}`);
      const keys = await fetch(`${base}/oauth2/${w.serverId}/v1/keys`);
      await keys.arrayBuffer();
      count(keys.status === 200, `keys ${keys.status}`);
      const read = await a(`/authorizationServers/${w.serverId}/scopes`);
      count(read.status === 200, `admin read ${read.status}`);
      if (i % 5 === n) {
        const made = await a(`/authorizationServers/${w.serverId}/scopes`, { method: "POST", json: { name: `soak:${n}:${i}` } });
        count(made.status === 201, `admin write ${made.status} ${JSON.stringify(made.body)}`);
        if (made.status === 201) {
          const gone = await a(`/authorizationServers/${w.serverId}/scopes/${made.body.id}`, { method: "DELETE" });
          count(gone.status === 204, `admin delete ${gone.status}`);
        }
      }
    }
  };
  const mix = (seconds: number) => Promise.all([0, 1, 2, 3].map((n) => loop(n, Date.now() + seconds * 1000)));

  // Warm-up: JIT code, the isolate's caches and the first SQLite pages are filled before the start is measured.
  await mix(o.warmupSeconds);
  const start = await measure();
  log(`soak start (after ${o.warmupSeconds} s warm-up, ${f.soak_requests} requests): mintgate heap ${start.heap ? mb(start.heap.usedBytes) : "?"} MB after GC, bindings' heaps ${start.bindingsHeapMb} MB, workerd RSS ${start.rssMb} MB (proxy ${start.proxyRssMb} MB), disk ${start.diskMb} MB`);

  const started = Date.now();
  const before = f.soak_requests;
  let sampling = true;
  let wake = () => {};
  const every = Number(process.env.RELIABILITY_SOAK_SAMPLE_SECONDS ?? 60) * 1000;
  const sampler = (async () => {
    while (sampling) {
      await new Promise<void>((r) => ((wake = r), setTimeout(r, every)));
      if (!sampling) break;
      const heap = proxyPort === null ? 0 : mb(await mintgateHeapUsage(proxyPort).catch(() => 0));
      const s = { s: Math.round((Date.now() - started) / 1000), requests: f.soak_requests - before, heap_mb: heap, rss_mb: rssMb(true), proxy_rss_mb: rssMb(false), disk_mb: mb(diskBytes(o.persistDir)) };
      f.samples.push(s);
      log(`soak ${s.s} s: ${s.requests} requests, ${f.soak_errors} errors; mintgate heap ${s.heap_mb} MB (no GC), workerd RSS ${s.rss_mb} MB (proxy ${s.proxy_rss_mb} MB), disk ${s.disk_mb} MB`);
    }
  })();
  await mix(o.seconds);
  f.soak_seconds = Math.round((Date.now() - started) / 1000);
  f.soak_warmup_requests = before;
  f.soak_requests -= before;
  sampling = false;
  wake();
  await sampler;
  const end = await measure();
  log(`soak end (${f.soak_seconds} s, ${f.soak_requests} requests): mintgate heap ${end.heap ? mb(end.heap.usedBytes) : "?"} MB after GC, bindings' heaps ${end.bindingsHeapMb} MB, workerd RSS ${end.rssMb} MB (proxy ${end.proxyRssMb} MB), disk ${end.diskMb} MB`);

  Object.assign(f, {
    rss_start_mb: start.rssMb, rss_end_mb: end.rssMb, proxy_rss_start_mb: start.proxyRssMb, proxy_rss_end_mb: end.proxyRssMb,
    bindings_heap_start_mb: start.bindingsHeapMb, bindings_heap_end_mb: end.bindingsHeapMb, disk_start_mb: start.diskMb, disk_end_mb: end.diskMb,
  });
  if (start.heap && end.heap) {
    f.heap_start_mb = mb(start.heap.usedBytes);
    f.heap_end_mb = mb(end.heap.usedBytes);
    const growth = end.heap.usedBytes - start.heap.usedBytes;
    f.heap_not_flat = growth > HEAP_TOLERANCE_MB * 1024 * 1024 ? 1 : 0;
    const perRequest = Math.round(growth / Math.max(1, f.soak_requests));
    log(`soak heap: ${growth >= 0 ? "+" : ""}${mb(growth)} MB (${perRequest} bytes per request; tolerance ${HEAP_TOLERANCE_MB} MB); grew most:\n  ${heapGrowth(start.heap, end.heap, 8).join("\n  ")}`);
    if (f.heap_not_flat) o.problems.push(`soak: mintgate's heap after GC grew ${mb(growth)} MB (> ${HEAP_TOLERANCE_MB} MB): ${heapGrowth(start.heap, end.heap, 5).join("; ")}`);
  }
  return f;
}
