// The printed report: one table of figures, one of ratios, then bundle size, cold start and the ratio line.
import { RATIOS, SCENARIOS } from "./scenarios.mjs";

const TARGET_NAME = { mintgate: "Mintgate", mintgate_log: "Mintgate, log twin", mintgate_nolog: "Mintgate, no log", platform: "platform", peer: "oidc-provider" };
const fmtInt = (n) => (n == null || !Number.isFinite(n) ? "-" : Math.round(n).toLocaleString("en-US"));
const fmtMs = (n) => (n == null || !Number.isFinite(n) ? "-" : n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : n.toFixed(0));
const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);

export const median = (xs) => {
  const v = xs.filter((x) => x != null && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return null;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
};

/** Per scenario, the medians over rounds (and the worst max). */
export function summarise(rounds) {
  const out = {};
  for (const s of SCENARIOS) {
    const runs = rounds.map((r) => r[s.key]).filter(Boolean);
    if (!runs.length) continue;
    const tagged = rounds.flatMap((r, i) => (r[s.key]?.problems ?? []).map((p) => (rounds.length > 1 ? `round ${i + 1}: ${p}` : p)));
    out[s.key] = {
      target: s.target,
      label: s.label,
      rps: median(runs.map((r) => r.okRps ?? r.rps)),
      p50: median(runs.map((r) => r.latencyMs.p50)),
      p99: median(runs.map((r) => r.latencyMs.p99)),
      max: Math.max(...runs.map((r) => r.latencyMs.max ?? 0)),
      requests: runs.reduce((a, r) => a + r.requests, 0),
      cpuUs: median(runs.map((r) => r.cpuUsPerRequest)),
      foreign: median(runs.map((r) => r.cpu?.foreign)),
      problems: tagged,
    };
  }
  for (const alg of ["RS256", "ES256"]) {
    const key = `sign_loop_${alg.toLowerCase()}`;
    const runs = rounds.map((r) => r[key]).filter(Boolean);
    if (runs.length) {
      out[key] = {
        target: "platform",
        label: `in-isolate signing loop, ${alg} (sign-loop.js)`,
        rps: median(runs.map((r) => r.perSecond)),
        unit: "sig/s",
        cpuUs: median(runs.map((r) => 1e6 / r.perCpuSecond)),
        foreign: median(runs.map((r) => r.cpu?.foreign)),
        problems: [],
      };
    }
  }
  return out;
}

/**
 * Mintgate's req/s over the reference's, from the same run. `byCpu` is the same ratio from server CPU time per
 * request (reference's over Mintgate's): what the ratio would be on a core of its own, whatever else ran.
 */
export function ratios(summary, signatures) {
  const out = {};
  const byCpu = {};
  for (const r of RATIOS) {
    const per = r.per ? Math.max(1, signatures?.[r.per] ?? 1) : 1;
    const a = summary[r.of];
    const b = summary[r.over];
    out[r.key] = a?.rps != null && b?.rps ? a.rps / (b.rps / per) : null;
    byCpu[r.key] = a?.cpuUs && b?.cpuUs ? (b.cpuUs * per) / a.cpuUs : null;
  }
  return { values: out, byCpu };
}

/** Issue 17's figures for the last line: far trips per request in the simulated-distance run, p50 over the floor. */
export function edgeValues(edge) {
  if (!edge) return {};
  const d = edge.distance;
  const over = (k) => (d[k]?.p50 != null && edge.floor?.p50 ? d[k].p50 / edge.floor.p50 : null);
  return { code_far_trips: d.code?.far ?? null, refresh_far_trips: d.refresh?.far ?? null, code_p50_vs_floor: over("code"), refresh_p50_vs_floor: over("refresh") };
}

// The last line: the ratios as before, then issue 17's keys in the order the issue lists them.
export function ratioLine(values, edge = null) {
  const fmt = (k, v) => `${k}=${Number.isInteger(v) ? v : v.toFixed(2)}`;
  const before = RATIOS.filter((r) => !r.edge && values[r.key] != null).map((r) => fmt(r.key, values[r.key]));
  const extra = Object.entries({ ...edgeValues(edge), code_vs_platform: values.code_vs_platform, refresh_vs_platform: values.refresh_vs_platform })
    .filter(([, v]) => v != null)
    .map(([k, v]) => fmt(k, v));
  return "bench: " + [...before, ...extra].join(" ");
}

const EDGE_GOALS = {
  signin_page: "far <= 1, near <= 1",
  signin: "far <= 1, near <= 1",
  authorize: "far <= 1, near <= 1",
  code: "far 0, near <= 1",
  refresh: "far 0, near <= 1",
};

/** Issue 17: storage round trips per person-facing flow, and the same flows at a simulated distance. */
export function printEdge(edge, print = console.log) {
  if (!edge) return;
  const { trips, distance, floor, delays } = edge;
  print("");
  print(`storage round trips per request (counted through instrumented bindings; far: D1 primary, replica: D1 via withSession, near: Durable Objects)`);
  print(`${pad("flow", 62)}${lpad("far", 5)}${lpad("replica", 9)}${lpad("near", 6)}${lpad("queue", 7)}   issue 17's goal`);
  for (const [key, t] of Object.entries(trips)) {
    if (!EDGE_GOALS[key]) continue;
    print(`${pad(edgeLabel(key), 62)}${lpad(t.far, 5)}${lpad(t.replica, 9)}${lpad(t.near, 6)}${lpad(t.queue, 7)}   ${EDGE_GOALS[key]}`);
  }
  print(`(queue: System Log events sent, written to D1 later by the consumer in batches of up to 100: not on the request path)`);
  print("");
  print(`simulated distance: each far trip +${delays.far} ms, replica +${delays.replica} ms, near +${delays.near} ms; one request in flight`);
  print(`${pad("flow", 62)}${lpad("p50 ms", 8)}${lpad("p99 ms", 8)}${lpad("far/req", 9)}${lpad("vs floor", 10)}`);
  for (const [key, d] of Object.entries(distance)) {
    const vs = (key === "code" || key === "refresh") && floor?.p50 ? (d.p50 / floor.p50).toFixed(2) : "";
    print(`${pad(edgeLabel(key), 62)}${lpad(fmtMs(d.p50), 8)}${lpad(fmtMs(d.p99), 8)}${lpad(d.far == null ? "-" : d.far.toFixed(2), 9)}${lpad(vs, 10)}`);
  }
  print(
    `${pad(`floor: 2 RS256 signatures + 1 DO write ${delays.near} ms away (platform-floor.js)`, 62)}${lpad(fmtMs(floor.p50), 8)}${lpad(fmtMs(floor.p99), 8)}` +
      `   computed: ${floor.computedMs == null ? "-" : `${fmtMs(floor.computedMs)} ms (2 x sign-loop's RS256 + ${delays.near} ms)`}; target p50 <= 1.5x floor`,
  );
  print(`(p99 by nearest rank: with fewer than 100 sequential requests it is their maximum; BENCH_DISTANCE_SAMPLES raises the count)`);
}

const EDGE_LABELS = {
  signin_page: "sign-in page (GET /v1/authorize, no session)",
  signin: "sign-in (POST /v1/authorize/signin)",
  authorize: "authorize with a session (GET /v1/authorize -> code)",
  code: "code redemption (authorization_code, PKCE)",
  refresh: "refresh rotation (refresh_token)",
};
const edgeLabel = (k) => EDGE_LABELS[k] ?? k;

export function printReport(res, print = console.log) {
  const { summary, ratioValues, ratioByCpu } = res;
  print("");
  print(`Mintgate bench, ${res.startedAt}: ${res.settings.rounds} round(s) of ${res.settings.seconds} s per scenario after a ${res.settings.warmupSeconds} s warm-up (discarded);`);
  print(`wrk -t1 -c${res.settings.connections} --latency on core ${res.settings.loadCore}; every server pinned to core ${res.settings.serverCore}. Medians over rounds; max is the worst;`);
  print(`req/s counts successful answers only (wrk's Requests/sec minus non-2xx).`);
  print("");
  const pct = (x) => (x == null ? "-" : `${Math.round(x * 100)}%`);
  print(`${pad("scenario", 46)}${pad("server", 15)}${lpad("req/s", 9)}${lpad("p50 ms", 9)}${lpad("p99 ms", 9)}${lpad("max ms", 9)}${lpad("CPU us/req", 12)}${lpad("other load", 12)}  problems`);
  for (const [, s] of Object.entries(summary)) {
    if (s.unit) continue;
    print(
      `${pad(s.label, 46)}${pad(TARGET_NAME[s.target], 15)}${lpad(fmtInt(s.rps), 9)}${lpad(fmtMs(s.p50), 9)}${lpad(fmtMs(s.p99), 9)}${lpad(fmtMs(s.max), 9)}${lpad(fmtInt(s.cpuUs), 12)}${lpad(pct(s.foreign), 12)}  ${s.problems.join("; ")}`,
    );
  }
  for (const [, s] of Object.entries(summary)) {
    if (s.unit) print(`${pad(s.label, 46)}${pad(TARGET_NAME[s.target], 15)}${lpad(fmtInt(s.rps), 9)} ${pad(s.unit, 27)}${lpad(fmtInt(s.cpuUs), 12)}${lpad(pct(s.foreign), 12)}`);
  }
  print(`(CPU us/req: the server's CPU time per request or signature; other load: share of core ${res.settings.serverCore} busy with processes that are not this bench's)`);
  print("");
  print(`${pad("ratio (Mintgate / reference)", 30)}${lpad("req/s", 7)}${lpad("by CPU", 8)}${lpad("target", 9)}           reference`);
  for (const r of RATIOS) {
    const v = ratioValues[r.key];
    if (v == null) continue;
    const c = ratioByCpu[r.key];
    const t = r.target == null ? "" : `>= ${r.target}`;
    const met = r.target == null ? "" : v >= r.target ? " met" : " NOT MET";
    const ref = `${TARGET_NAME[summary[r.over]?.target] ?? ""}: ${summary[r.over]?.label ?? r.over}${r.per ? ` / ${res.signatures?.[r.per]} signatures` : ""}`;
    print(`${pad(r.key, 30)}${lpad(v.toFixed(2), 7)}${lpad(c == null ? "-" : c.toFixed(2), 8)}${lpad(t, 9)}${pad(met, 9)}  ${ref}`);
  }
  printEdge(res.edge, print);
  print("");
  const b = res.bundle;
  print(`bundle: ${fmtInt(b.bytes / 1024)} KiB, gzip ${(b.gzipBytes / 1024).toFixed(1)} KiB (gzip -9: ${(b.gzip9Bytes / 1024).toFixed(1)} KiB; wrangler says: ${b.wranglerSays ?? "?"})`);
  const c = res.coldStart;
  const first = c.firstStart.probes[0];
  print(`cold start, empty state:   workerd listening ${fmtInt(c.firstStart.readyMs)} ms after new Miniflare(); first ${first.name}: ${fmtInt(first.sinceStartMs)} ms (that request ${fmtInt(first.requestMs)} ms; schema.sql's ${fmtInt(c.firstStart.schemaMs)} ms left out)`);
  print(`cold start, restart on the bench's state (servers, keys, clients in D1 and Durable Objects; every isolate cache empty):`);
  for (const p of c.restart.probes) {
    print(`  first ${pad(p.name, 26)} ${lpad(fmtInt(p.sinceStartMs), 6)} ms after new Miniflare() (that request ${fmtInt(p.requestMs)} ms)`);
  }
  const ft = c.firstTokenOnNewServerMs;
  print(`  first token of a newly created server (its keys read from its Durable Object): RS256 ${fmtInt(ft.rs256)} ms, ES256 ${fmtInt(ft.es256)} ms`);
  print(`worst cold start seen: ${fmtInt(c.worst.sinceStartMs)} ms to a first successful response (${c.worst.name}); worst first-request latency ${fmtInt(c.worst.requestMs)} ms`);
  const l = res.machine.loadavg;
  print(`machine: ${res.machine.cpus} cores, load average ${l.before.toFixed(2)} before and ${l.after.toFixed(2)} after${l.after > 1.5 || l.before > 1.5 ? " (other processes competed for the CPU: absolute figures are low and noisy; same-run ratios hold better)" : ""}`);
  print(`pinning: mintgate workerd on core(s) ${res.pinning.mintgate.workerd.join(",")}, platform workerd ${res.pinning.platform.workerd.join(",")}, oidc-provider ${res.pinning.peer.process}`);
  const failed = Object.values(summary).some((s) => s.problems.length);
  print(`total ${(res.totalMs / 1000).toFixed(0)} s; JSON in ${res.resultFile}${failed ? `; some runs had errors: Mintgate's log is ${res.mintgateLog}` : ""}`);
  print(ratioLine(ratioValues, res.edge));
}
