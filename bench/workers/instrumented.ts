// Bench only, never deployed: Mintgate's own Worker (src/index.ts) over bindings that count, and optionally delay,
// every storage round trip, so that the bench can report per flow how many trips go far (D1's primary), to a
// replica (D1 reads through DB.withSession) and near (Durable Objects: KEYS, and SESSIONS once it exists), and how
// a flow's latency looks when those trips cost what distance costs (issue 17, "Measurement").
//
// Bindings are found by shape, not by name, so a Durable Object namespace added later (SESSIONS) is counted without
// a change here. A D1 trip is one first()/all()/run()/raw() of a statement, one batch() or one exec(); a Durable
// Object trip is one call on a stub (fetch() or an RPC method). Queue sends are counted apart (not storage).
//
// Per request, headers (removed before Mintgate sees the request):
//   x-bench-flow: <name>                       adds the request's trips to that flow's totals
//   x-bench-delay: far=150,replica=5,near=5    waits that many ms before each trip of that kind
//   x-bench-settle: 1                          answers only after the request's waitUntil work, so its trips count
// The answer carries x-bench-trips: far=N replica=N near=N queue=N. GET /__bench/trips returns the totals per
// flow (and the queue consumer's, under "queue-consumer"); POST /__bench/trips/reset clears them.
import mintgate from "../../src/index";
import type { Env } from "../../src/env";

export * from "../../src/index";

type Kind = "far" | "replica" | "near";
type Delays = Record<Kind, number>;
interface Tally {
  requests: number;
  far: number;
  replica: number;
  near: number;
  queue: number;
  calls: Record<string, number>;
}

const NO_DELAY: Delays = { far: 0, replica: 0, near: 0 };
const totals = new Map<string, Tally>();
const newTally = (): Tally => ({ requests: 0, far: 0, replica: 0, near: 0, queue: 0, calls: {} });

function parseDelays(spec: string | null): Delays {
  if (!spec) return NO_DELAY;
  const out = { ...NO_DELAY };
  for (const part of spec.split(",")) {
    const [k, v] = part.split("=");
    if (k && k.trim() in out) out[k.trim() as Kind] = Number(v) || 0;
  }
  return out;
}

/** What one request (or one queue batch) did, and where it adds up. */
interface Meter {
  tally: Tally;
  flowTally: Tally | null;
  delays: Delays;
}

async function trip(m: Meter, kind: Kind, what: string): Promise<void> {
  for (const t of [m.tally, m.flowTally]) {
    if (!t) continue;
    t[kind]++;
    const key = `${kind} ${what}`;
    if (t.calls[key] !== undefined || Object.keys(t.calls).length < 64) t.calls[key] = (t.calls[key] ?? 0) + 1;
  }
  const ms = m.delays[kind];
  if (ms > 0) await new Promise((r) => setTimeout(r, ms));
}

const isRead = (sql: string) => /^\s*(select|with)\b/i.test(sql) && !/\b(insert|update|delete|replace)\b/i.test(sql);
const label = (sql: string) => sql.replace(/\s+/g, " ").trim().slice(0, 70);

/** A D1 database (or a D1 Sessions API session) whose statements count. `kindOf` says where a statement goes. */
function countingD1<T extends D1Database | D1DatabaseSession>(db: T, m: Meter, kindOf: (sql: string) => Kind): T {
  const raw = new WeakMap<object, { stmt: D1PreparedStatement; sql: string }>();
  const wrap = (stmt: D1PreparedStatement, sql: string): D1PreparedStatement => {
    const p = new Proxy(stmt, {
      get(target, prop) {
        if (prop === "bind") return (...args: unknown[]) => wrap(target.bind(...args), sql);
        if (prop === "first" || prop === "all" || prop === "run" || prop === "raw") {
          return async (...args: unknown[]) => {
            await trip(m, kindOf(sql), `${prop}: ${label(sql)}`);
            return (target[prop] as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        const v = Reflect.get(target, prop, target);
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
    raw.set(p, { stmt, sql });
    return p;
  };
  return new Proxy(db, {
    get(target, prop) {
      if (prop === "prepare") return (sql: string) => wrap(target.prepare(sql), sql);
      if (prop === "batch") {
        return async (stmts: D1PreparedStatement[]) => {
          // One trip for the whole batch; a replica can serve it only if every statement reads.
          const sqls = stmts.map((s) => raw.get(s)?.sql ?? "");
          const kind = kindOf(sqls.every(isRead) ? (sqls[0] ?? "") : "INSERT");
          await trip(m, kind, `batch of ${stmts.length}: ${sqls.map((q) => label(q).slice(0, 30)).join(" | ")}`);
          return target.batch(stmts.map((s) => raw.get(s)?.stmt ?? s));
        };
      }
      if (prop === "exec") {
        return async (sql: string) => {
          await trip(m, "far", `exec: ${label(sql)}`);
          return (target as D1Database).exec(sql);
        };
      }
      if (prop === "withSession") {
        return (constraint?: string) => {
          const session = (target as D1Database).withSession(constraint as D1SessionConstraint);
          // The Sessions API: reads may be served by a replica; writes, and the first query of a "first-primary"
          // session, go to the primary.
          let first = constraint === "first-primary";
          return countingD1(session, m, (sql) => {
            const kind: Kind = first || !isRead(sql) ? "far" : "replica";
            first = false;
            return kind;
          });
        };
      }
      const v = Reflect.get(target, prop, target);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}

function countingStub<T extends object>(stub: T, m: Meter, binding: string): T {
  return new Proxy(stub, {
    get(target, prop) {
      if (prop === "then") return undefined;
      const v = Reflect.get(target, prop);
      if (typeof v !== "function" || typeof prop === "symbol") return v;
      return async (...args: unknown[]) => {
        await trip(m, "near", `${binding}.${prop}`);
        return Reflect.apply(v, target, args);
      };
    },
  });
}

function countingNamespace<T extends DurableObjectNamespace>(ns: T, m: Meter, binding: string): T {
  return new Proxy(ns, {
    get(target, prop) {
      const v = Reflect.get(target, prop);
      if (typeof v !== "function") return v;
      return (...args: unknown[]) => {
        const result = Reflect.apply(v, target, args);
        return prop === "get" || prop === "getByName" ? countingStub(result as object, m, binding) : result;
      };
    },
  });
}

function countingQueue<T extends Queue>(q: T, m: Meter): T {
  return new Proxy(q, {
    get(target, prop) {
      const v = Reflect.get(target, prop);
      if (prop === "send") {
        return (...args: unknown[]) => {
          m.tally.queue++;
          if (m.flowTally) m.flowTally.queue++;
          return Reflect.apply(v as (...a: unknown[]) => unknown, target, args);
        };
      }
      if (prop === "sendBatch") {
        return (msgs: unknown[], ...rest: unknown[]) => {
          m.tally.queue += msgs.length;
          if (m.flowTally) m.flowTally.queue += msgs.length;
          return Reflect.apply(v as (...a: unknown[]) => unknown, target, [msgs, ...rest]);
        };
      }
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}

/** env with every D1 database, Durable Object namespace and queue replaced by a counting one. */
function countingEnv(env: Env, m: Meter): Env {
  const out: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(env as unknown as Record<string, unknown>)) {
    const b = v as Record<string, unknown> | null;
    if (b && typeof b === "object" && typeof b.prepare === "function" && typeof b.batch === "function") {
      out[name] = countingD1(b as unknown as D1Database, m, () => "far");
    } else if (b && typeof b === "object" && typeof b.idFromName === "function" && typeof b.get === "function") {
      out[name] = countingNamespace(b as unknown as DurableObjectNamespace, m, name);
    } else if (b && typeof b === "object" && typeof b.send === "function" && typeof b.sendBatch === "function") {
      out[name] = countingQueue(b as unknown as Queue, m);
    } else {
      out[name] = v;
    }
  }
  return out as unknown as Env;
}

function flowTally(flow: string | null): Tally | null {
  if (!flow) return null;
  let t = totals.get(flow);
  if (!t) totals.set(flow, (t = newTally()));
  return t;
}

const BENCH_HEADERS = ["x-bench-flow", "x-bench-delay", "x-bench-settle"];

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/__bench/trips") {
      if (request.method === "POST") totals.clear();
      return Response.json(Object.fromEntries(totals));
    }
    const flow = request.headers.get("x-bench-flow");
    const m: Meter = { tally: newTally(), flowTally: flowTally(flow), delays: parseDelays(request.headers.get("x-bench-delay")) };
    const settle = request.headers.has("x-bench-settle");
    if (BENCH_HEADERS.some((h) => request.headers.has(h))) {
      const headers = new Headers(request.headers);
      for (const h of BENCH_HEADERS) headers.delete(h);
      request = new Request(request, { headers });
    }
    if (m.flowTally) m.flowTally.requests++;
    const pending: Promise<unknown>[] = [];
    const innerCtx = {
      waitUntil: (p: Promise<unknown>) => {
        pending.push(p);
        ctx.waitUntil(p);
      },
      passThroughOnException: () => ctx.passThroughOnException(),
      props: (ctx as { props?: unknown }).props,
    } as ExecutionContext;
    const res = await mintgate.fetch(request, countingEnv(env, m), innerCtx);
    if (settle) await Promise.allSettled(pending);
    const out = new Response(res.body, res);
    const t = m.tally;
    out.headers.set("x-bench-trips", `far=${t.far} replica=${t.replica} near=${t.near} queue=${t.queue}`);
    return out;
  },
  scheduled: mintgate.scheduled,
  // The System Log consumer's writes: D1 trips per batch of events, under "queue-consumer".
  queue: (batch: MessageBatch, env: Env, ctx: ExecutionContext) =>
    (mintgate.queue as ExportedHandlerQueueHandler<Env>)(batch, countingEnv(env, { tally: newTally(), flowTally: flowTally("queue-consumer"), delays: NO_DELAY }), ctx),
} satisfies ExportedHandler<Env>;
