// Issue 17's measurements of the person-facing flows: storage round trips per flow (far: D1's primary; replica:
// D1 reads through the Sessions API; near: Durable Objects), counted by Mintgate's own Worker running over
// counting bindings (workers/instrumented.ts); and the same flows with each trip delayed as distance would delay
// it (far 150 ms, replica and near 5 ms), their p50/p99 next to the floor: the platform-floor Worker (two RS256
// signatures and one Durable Object write) with its one near trip delayed the same 5 ms.
//
// Requests here are sequential (one in flight): these are latencies, not rates; the rates are wrk's scenarios.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { startMintgate } from "./mintgate-host.mjs";
import { authorizeUrl, basic, codeFrom, cookiePair, mintCodes, REDIRECT_URI, setupMintgate } from "./setup.mjs";

export const DELAYS = { far: 150, replica: 5, near: 5 };
const DELAY_HEADER = `far=${DELAYS.far},replica=${DELAYS.replica},near=${DELAYS.near}`;
const FORM = "application/x-www-form-urlencoded";

/** The flows, in the order they are reported; `measured` is the request whose trips and latency count. */
export const FLOWS = [
  { key: "signin_page", label: "sign-in page (GET /v1/authorize, no session)" },
  { key: "signin", label: "sign-in (POST /v1/authorize/signin: password, session, code)" },
  { key: "authorize", label: "authorize with a session (GET /v1/authorize → code)" },
  { key: "code", label: "code redemption (POST /v1/token, authorization_code)" },
  { key: "refresh", label: "refresh rotation (POST /v1/token, refresh_token)" },
];

/** Builds the bench-only bundle: Mintgate's Worker over counting bindings. */
export function buildInstrumented(root, resultsDir, env) {
  const outdir = join(resultsDir, "dist-instrumented");
  const r = spawnSync(process.execPath, [join(root, "node_modules", "wrangler", "bin", "wrangler.js"), "deploy", join(root, "bench", "workers", "instrumented.ts"), "--dry-run", "--outdir", outdir], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1", FORCE_COLOR: "0", ...env },
  });
  if (r.status !== 0) throw new Error(`building bench/workers/instrumented.ts failed:\n${r.stdout}\n${r.stderr}`);
  return join(outdir, "instrumented.js");
}

const parseTrips = (h) => Object.fromEntries((h ?? "").split(" ").filter(Boolean).map((kv) => kv.split("=")).map(([k, v]) => [k, Number(v)]));

/** One person's flows against a Mintgate URL; `headers(flow)` adds the bench headers to the measured request. */
function flows(base, p) {
  const tokenRequest = (body, headers) =>
    fetch(`${base}/oauth2/${p.serverId}/v1/token`, { method: "POST", headers: { "Content-Type": FORM, Authorization: basic(p.web.clientId, p.web.secret), ...headers }, body });
  const expect = async (res, what, ok) => {
    const text = await res.text();
    if (!ok(res)) throw new Error(`${what}: ${res.status} ${text.slice(0, 300)}`);
    return text;
  };
  let refreshToken = null;
  return {
    // Each returns { res, body } of the measured request; `prepare()` runs first, outside the measurement.
    signin_page: { run: async (h) => ({ res: await fetch(authorizeUrl(base, p), { redirect: "manual", headers: h }), ok: (r) => r.status === 200 }) },
    signin: {
      prepare: async () => {
        const page = await fetch(authorizeUrl(base, p), { redirect: "manual" });
        const html = await page.text();
        const tx = /name="tx" value="([^"]+)"/.exec(html)?.[1];
        const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
        const cookie = cookiePair(page, "__Host-mg_csrf") ?? cookiePair(page, "mg_csrf");
        if (!tx || !csrf || !cookie) throw new Error(`no sign-in form: ${page.status}`);
        return { tx, csrf, cookie };
      },
      run: async (h, f) => ({
        res: await fetch(`${base}/oauth2/${p.serverId}/v1/authorize/signin`, {
          method: "POST",
          redirect: "manual",
          headers: { "Content-Type": FORM, Cookie: f.cookie, ...h },
          body: new URLSearchParams({ tx: f.tx, csrf: f.csrf, username: p.user.login, password: p.user.password }).toString(),
        }),
        ok: (r) => r.status === 302,
      }),
    },
    authorize: { run: async (h) => ({ res: await fetch(authorizeUrl(base, p), { redirect: "manual", headers: { Cookie: p.sessionCookie, ...h } }), ok: (r) => r.status === 302 && codeFrom(r) }) },
    code: {
      prepare: async () => (await mintCodes(base, p, 1))[0],
      run: async (h, code) => ({
        res: await tokenRequest(`grant_type=authorization_code&code=${code}&redirect_uri=${encodeURIComponent(REDIRECT_URI)}&code_verifier=${p.verifier}`, h),
        ok: (r) => r.status === 200,
      }),
    },
    refresh: {
      prepare: async () => {
        if (refreshToken) return refreshToken;
        const [code] = await mintCodes(base, p, 1);
        const res = await tokenRequest(`grant_type=authorization_code&code=${code}&redirect_uri=${encodeURIComponent(REDIRECT_URI)}&code_verifier=${p.verifier}`, {});
        return (refreshToken = JSON.parse(await expect(res, "code for a refresh chain", (r) => r.status === 200)).refresh_token);
      },
      run: async (h, token) => {
        const res = await tokenRequest(`grant_type=refresh_token&refresh_token=${encodeURIComponent(token)}`, h);
        return { res, ok: (r) => r.status === 200, after: (text) => (refreshToken = JSON.parse(text).refresh_token) };
      },
    },
    expect,
  };
}

/** Runs `flow` `n` times, one request at a time; returns each measured request's latency and trips header. */
async function sample(f, key, n, headers) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const step = f[key];
    const input = step.prepare ? await step.prepare() : undefined;
    const t0 = performance.now();
    const { res, ok, after } = await step.run({ "x-bench-flow": key, ...headers }, input);
    const text = await res.text();
    const ms = performance.now() - t0;
    if (!ok(res)) throw new Error(`${key}: ${res.status} ${text.slice(0, 300)}`);
    after?.(text);
    out.push({ ms, trips: parseTrips(res.headers.get("x-bench-trips")) });
  }
  return out;
}

export const percentile = (xs, q) => {
  const v = [...xs].sort((a, b) => a - b);
  return v.length ? v[Math.min(v.length - 1, Math.ceil(q * v.length) - 1)] : null;
};
const medianOf = (xs) => percentile(xs, 0.5);

async function totals(base, reset = false) {
  const res = await fetch(`${base}/__bench/trips`, { method: reset ? "POST" : "GET" });
  return res.json();
}

/**
 * The trips table and the simulated-distance run on an instrumented Mintgate of its own (fresh state, the same
 * setup as the main one), then the floor on the platform Worker. `samples` is per flow for code and refresh (the
 * issue's targets); the other flows take half.
 */
export async function runEdge({ root, resultsDir, workDir, secrets, platform, log, samples, signUs }) {
  log("edge: building and starting Mintgate over counting bindings (bench/workers/instrumented.ts)");
  const scriptPath = buildInstrumented(root, resultsDir, { WRANGLER_LOG_PATH: join(workDir, "wrangler-logs") });
  const mg = await startMintgate({ root, scriptPath, persistDir: join(workDir, "state-instrumented"), secrets, workDir, applySchema: true, label: "mintgate-instrumented" });
  try {
    const setup = await setupMintgate(mg.url, secrets.ADMIN_TOKEN);
    const f = flows(mg.url, setup.people);
    // Warm the isolate's caches (server, client, keys) as a running deployment has them; counted apart.
    for (const { key } of FLOWS) await sample(f, key, 2, { "x-bench-flow": `warm-${key}` });

    const trips = {};
    for (const { key } of FLOWS) {
      const runs = await sample(f, key, key === "signin" ? 3 : 5, { "x-bench-settle": "1" });
      const kinds = ["far", "replica", "near", "queue"];
      trips[key] = Object.fromEntries(kinds.map((k) => [k, medianOf(runs.map((r) => r.trips[k] ?? 0))]));
    }
    const counted = await totals(mg.url);
    await totals(mg.url, true);
    for (const { key } of FLOWS) trips[key].calls = counted[key]?.calls ?? {};
    trips.queueConsumer = counted["queue-consumer"] ?? null;
    log(`edge: trips per request (far/replica/near): ${FLOWS.map(({ key }) => `${key} ${trips[key].far}/${trips[key].replica}/${trips[key].near}`).join(", ")}`);

    const distance = {};
    for (const { key } of FLOWS) {
      const n = key === "code" || key === "refresh" ? samples : Math.max(5, Math.ceil(samples / 2));
      const runs = await sample(f, key, n, { "x-bench-delay": DELAY_HEADER });
      distance[key] = { samples: n, p50: percentile(runs.map((r) => r.ms), 0.5), p99: percentile(runs.map((r) => r.ms), 0.99) };
      log(`edge: simulated distance, ${key}: p50 ${distance[key].p50.toFixed(0)} ms, p99 ${distance[key].p99.toFixed(0)} ms (${n} requests)`);
    }
    // Far trips per request as the distance run counted them, from the Worker's totals.
    const during = await totals(mg.url);
    for (const { key } of FLOWS) {
      const t = during[key];
      if (t?.requests) Object.assign(distance[key], { far: t.far / t.requests, replica: t.replica / t.requests, near: t.near / t.requests });
    }

    const floorUrl = `${platform.urls["platform-floor"]}/?near_ms=${DELAYS.near}`;
    const floorMs = [];
    // Warm: each of the Worker's 64 objects is created by its first request.
    for (let i = 0; i < 70; i++) await (await fetch(floorUrl)).text();
    for (let i = 0; i < Math.max(50, samples); i++) {
      const t0 = performance.now();
      const res = await fetch(floorUrl);
      await res.text();
      if (!res.ok) throw new Error(`platform-floor: ${res.status}`);
      floorMs.push(performance.now() - t0);
    }
    const floor = {
      samples: floorMs.length,
      p50: percentile(floorMs, 0.5),
      p99: percentile(floorMs, 0.99),
      // The same floor computed: two in-isolate RS256 signatures (sign-loop's CPU per signature) and one near trip.
      computedMs: signUs ? (2 * signUs) / 1000 + DELAYS.near : null,
    };
    log(`edge: floor (two RS256 signatures + one Durable Object write ${DELAYS.near} ms away): p50 ${floor.p50.toFixed(1)} ms, p99 ${floor.p99.toFixed(1)} ms`);
    return { delays: DELAYS, trips, distance, floor, log: mg.logFile };
  } finally {
    await mg.stop();
  }
}
