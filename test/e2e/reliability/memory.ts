import { readdirSync, readFileSync, readlinkSync } from "node:fs";

/**
 * Memory of the workerd processes this process started (through wrangler dev), for the soak: each process's RSS
 * from /proc, and V8 isolates' JS heaps after a full GC through the inspector (Chrome DevTools Protocol): Mintgate's
 * through wrangler's inspector proxy, which holds workerd's one session on it, Miniflare's own isolates directly.
 * RSS alone does not say whether an isolate leaks: V8 and workerd's allocator keep memory they freed, and the
 * simulated D1, Durable Objects and queue broker live in the Worker's process.
 */

export interface WorkerdProcess {
  pid: number;
  rssKb: number;
  /** wrangler dev runs two: its proxy (no inspector) and the one running the Worker (started with --inspector-addr). */
  inspected: boolean;
}

export interface IsolateHeap {
  /** The inspector target's title: `core:user:mintgate` is Mintgate's isolate; Miniflare's own services are others. */
  title: string;
  usedBytes: number;
  totalBytes: number;
}

/** workerd processes among this process's descendants, from /proc. */
export function workerdProcesses(ancestor = process.pid): WorkerdProcess[] {
  const parent = new Map<number, number>();
  const name = new Map<number, string>();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const m = /^\d+ \((.*)\) \S+ (\d+)/.exec(readFileSync(`/proc/${d}/stat`, "utf8"));
      if (m) (parent.set(Number(d), Number(m[2])), name.set(Number(d), m[1]!));
    } catch {
      // gone
    }
  }
  const mine = (pid: number): boolean => {
    for (let p = pid, hops = 0; p > 1 && hops < 20; p = parent.get(p) ?? 0, hops++) if (p === ancestor) return true;
    return false;
  };
  const out: WorkerdProcess[] = [];
  for (const [pid, n] of name) {
    if (n !== "workerd" || !mine(pid)) continue;
    try {
      const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
      const inspected = readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("--inspector-addr");
      out.push({ pid, rssKb: rss, inspected });
    } catch {
      // gone
    }
  }
  return out;
}

/** TCP ports a process listens on (IPv4 loopback): its sockets' inodes matched against /proc/net/tcp. */
function listeningPorts(pid: number): number[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]!);
    } catch {
      // closed meanwhile
    }
  }
  const ports: number[] = [];
  for (const line of readFileSync(`/proc/${pid}/net/tcp`, "utf8").split("\n").slice(1)) {
    const f = line.trim().split(/\s+/);
    // f[1] local address HEX_IP:HEX_PORT, f[3] state (0A = LISTEN), f[9] inode
    if (f.length > 9 && f[3] === "0A" && inodes.has(f[9]!)) ports.push(parseInt(f[1]!.split(":")[1]!, 16));
  }
  return ports;
}

/** The inspector port of a workerd process: the listening port whose /json answers with targets. */
export async function inspectorPortOf(pid: number): Promise<number | null> {
  for (const port of listeningPorts(pid)) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/json`, { signal: AbortSignal.timeout(2000) });
      if (res.ok && Array.isArray(await res.json())) return port;
    } catch {
      // not the inspector
    }
  }
  return null;
}

/** A Chrome DevTools Protocol session; `headers` for wrangler's inspector proxy, which checks Origin. */
async function cdp(url: string, onEvent: (m: { method: string; params: any }) => void = () => {}) {
  const ws = new WebSocket(url, { headers: { Origin: "http://localhost" } } as unknown as string[]);
  await new Promise((resolve, reject) => ((ws.onopen = resolve), (ws.onerror = reject)));
  let id = 0;
  const pending = new Map<number, (r: any) => void>();
  ws.onmessage = (e) => {
    const m = JSON.parse(String(e.data));
    if (m.id !== undefined && pending.has(m.id)) {
      pending.get(m.id)!(m.result ?? m.error);
      pending.delete(m.id);
    } else if (m.method) onEvent(m);
  };
  const send = (method: string, params = {}) =>
    new Promise<any>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${method}: no answer`)), 120_000);
      pending.set(++id, (r) => (clearTimeout(timer), resolve(r)));
      ws.send(JSON.stringify({ id, method, params }));
    });
  return { send, close: () => ws.close() };
}

/** The port of wrangler's inspector proxy (the user Worker's isolate, one client at a time): in wrangler's proxy process. */
export async function wranglerInspectorPort(): Promise<number | null> {
  for (const p of workerdProcesses()) if (!p.inspected) {
    const port = await inspectorPortOf(p.pid);
    if (port !== null) return port;
  }
  return null;
}

export interface HeapFigures {
  /** V8's used heap right after the snapshot's full GC (Runtime.getHeapUsage). */
  usedBytes: number;
  /** The live objects' self sizes summed over the snapshot. */
  liveBytes: number;
  /** Live objects per constructor (or node type), for comparing a start and an end snapshot. */
  byConstructor: Map<string, { count: number; bytes: number }>;
}

/**
 * Mintgate's isolate after a full garbage collection. workerd does not answer HeapProfiler.collectGarbage, so this
 * takes a heap snapshot (V8 collects all garbage before it walks the heap) and reads the heap usage right after.
 */
export async function mintgateHeap(proxyPort: number): Promise<HeapFigures> {
  const chunks: string[] = [];
  const s = await cdp(`ws://127.0.0.1:${proxyPort}/ws`, (m) => {
    if (m.method === "HeapProfiler.addHeapSnapshotChunk") chunks.push(m.params.chunk);
  });
  try {
    await s.send("HeapProfiler.enable");
    await s.send("HeapProfiler.takeHeapSnapshot", { reportProgress: false });
    const usage = await s.send("Runtime.getHeapUsage");
    const snap = JSON.parse(chunks.join(""));
    const fields: string[] = snap.snapshot.meta.node_fields;
    const types: string[] = snap.snapshot.meta.node_types[0];
    const [ti, ni, si] = [fields.indexOf("type"), fields.indexOf("name"), fields.indexOf("self_size")];
    const byConstructor = new Map<string, { count: number; bytes: number }>();
    let liveBytes = 0;
    for (let i = 0; i < snap.nodes.length; i += fields.length) {
      const type = types[snap.nodes[i + ti]]!;
      const key = type === "object" || type === "closure" ? `${snap.strings[snap.nodes[i + ni]]}${type === "closure" ? "()" : ""}` : `(${type})`;
      const size = snap.nodes[i + si] as number;
      liveBytes += size;
      const e = byConstructor.get(key) ?? { count: 0, bytes: 0 };
      e.count++;
      e.bytes += size;
      byConstructor.set(key, e);
    }
    return { usedBytes: usage.usedSize, liveBytes, byConstructor };
  } finally {
    s.close();
  }
}

/** Mintgate's isolate's heap now, without a GC (cheap; for the soak's timeline). */
export async function mintgateHeapUsage(proxyPort: number): Promise<number> {
  const s = await cdp(`ws://127.0.0.1:${proxyPort}/ws`);
  try {
    return (await s.send("Runtime.getHeapUsage")).usedSize;
  } finally {
    s.close();
  }
}

/** The constructors whose live bytes grew most between two snapshots. */
export function heapGrowth(a: HeapFigures, b: HeapFigures, top = 12): string[] {
  const rows: [string, number, number][] = [];
  for (const [k, v] of b.byConstructor) {
    const was = a.byConstructor.get(k) ?? { count: 0, bytes: 0 };
    rows.push([k, v.bytes - was.bytes, v.count - was.count]);
  }
  return rows.sort((x, y) => y[1] - x[1]).slice(0, top).map(([k, d, n]) => `${k}: ${d >= 0 ? "+" : ""}${Math.round(d / 1024)} KB, ${n >= 0 ? "+" : ""}${n} objects`);
}

export const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** Every isolate but Mintgate's in the Worker's workerd (Miniflare's D1, queue broker, ...): heap after a full GC (a snapshot each). */
export async function isolateHeapsAfterGc(inspectorPort: number): Promise<IsolateHeap[]> {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json()) as { title: string; webSocketDebuggerUrl: string }[];
  const out: IsolateHeap[] = [];
  for (const t of targets) {
    // Mintgate's own target answers through wrangler's proxy only (mintgateHeap).
    if (t.title.endsWith("core:user:mintgate")) continue;
    const s = await cdp(t.webSocketDebuggerUrl).catch(() => null);
    if (!s) continue;
    try {
      await s.send("HeapProfiler.enable");
      await s.send("HeapProfiler.takeHeapSnapshot", { reportProgress: false });
      const u = await s.send("Runtime.getHeapUsage");
      out.push({ title: t.title.replace("workerd: worker ", ""), usedBytes: u.usedSize, totalBytes: u.totalSize });
    } finally {
      s.close();
    }
  }
  return out;
}
