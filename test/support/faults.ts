import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { expect, vi } from "vitest";
import { app } from "../../src/app";
import { invalidate } from "../../src/cache/invalidate";
import type { Env } from "../../src/env";
import { ORG_ACCESS_TOKEN_KEYS } from "../../src/tokens/org-server";
import { BASE } from "./admin";
import { ERROR_ID } from "./fixtures";
import { aroundMethods } from "./around-methods";

/**
 * Bindings that fail on purpose: the real D1 database, Durable Object namespace and any Queue producer, wrapped so
 * that the Nth call a request makes to any of them (a D1 statement run, a batch, a Durable Object RPC, a queue
 * send) fails the way an outage does. A
 * request with no failure counts the calls, so a test can fail each call site in turn.
 */
export interface FaultyBindings {
  env: Env;
  /** What the request called, in order: "D1 first", "D1 batch", "DO snapshot", … */
  calls: string[];
}

/** D1's own wording for a failed query; not retryable, so it reads as a server_error. */
const d1Failure = () => new Error("D1_ERROR: injected failure (test)");

/** A Durable Object call that failed in transit: workerd marks these retryable. */
function durableObjectFailure(): Error {
  return Object.assign(new Error("Durable Object is overloaded (injected failure, test)"), { retryable: true });
}

const STATEMENT_RUNS = new Set(["first", "all", "run", "raw"]);

export function faultyBindings(failAt: number | null = null, base: Env = env): FaultyBindings {
  const calls: string[] = [];
  /** Records a call; rejects when it is the one to fail. */
  const call = (name: string, failure: () => Error): Error | null => {
    calls.push(name);
    return calls.length === failAt ? failure() : null;
  };
  const unwrapped = new WeakMap<object, D1PreparedStatement>();
  const statement = (s: D1PreparedStatement): D1PreparedStatement => {
    const proxy = new Proxy(s, {
      get(target, prop) {
        const value = Reflect.get(target, prop);
        if (typeof value !== "function") return value;
        if (prop === "bind") return (...args: unknown[]) => statement(Reflect.apply(value, target, args) as D1PreparedStatement);
        if (typeof prop === "string" && STATEMENT_RUNS.has(prop)) {
          return (...args: unknown[]) => {
            const failure = call(`D1 ${prop}`, d1Failure);
            return failure ? Promise.reject(failure) : Reflect.apply(value, target, args);
          };
        }
        return (...args: unknown[]) => Reflect.apply(value, target, args);
      },
    });
    unwrapped.set(proxy, s);
    return proxy;
  };
  // The database, and any Sessions API session of it (DB.withSession: reads a replica may serve), fail alike.
  const database = <T extends object>(d1: T): T => new Proxy(d1, {
    get(target, prop) {
      const value = Reflect.get(target, prop);
      if (typeof value !== "function") return value;
      if (prop === "prepare") return (...args: unknown[]) => statement(Reflect.apply(value, target, args) as D1PreparedStatement);
      if (prop === "withSession") return (...args: unknown[]) => database(Reflect.apply(value, target, args) as D1DatabaseSession);
      if (prop === "batch") {
        return (statements: D1PreparedStatement[]) => {
          const failure = call("D1 batch", d1Failure);
          if (failure) return Promise.reject(failure);
          return Reflect.apply(value, target, [statements.map((s) => unwrapped.get(s) ?? s)]);
        };
      }
      if (prop === "exec") {
        return (...args: unknown[]) => {
          const failure = call("D1 exec", d1Failure);
          return failure ? Promise.reject(failure) : Reflect.apply(value, target, args);
        };
      }
      return (...args: unknown[]) => Reflect.apply(value, target, args);
    },
  });
  const db = database(base.DB);
  // Getting a stub is local; every RPC on it reaches the Durable Object and can fail.
  const stub = (s: object) =>
    new Proxy(s, {
      get(target, prop) {
        if (prop === "then") return undefined;
        const value = Reflect.get(target, prop);
        if (typeof value !== "function" || typeof prop !== "string") return value;
        return (...args: unknown[]) => {
          const failure = call(`DO ${prop}`, durableObjectFailure);
          return failure ? Promise.reject(failure) : Reflect.apply(value, target, args);
        };
      },
    });
  // Getting a stub from a namespace is local; its RPCs go through stub() above.
  const stubsOf = <N extends object>(ns: N): N =>
    aroundMethods(ns, (prop, _args, invoke) => {
      const result = invoke();
      return prop === "get" || prop === "getByName" ? stub(result as object) : result;
    });
  const keys = stubsOf(base.KEYS);
  // Issue 17: the SessionStore objects (codes, refresh-token families) fail the same way, call by call.
  const sessions = stubsOf(base.SESSIONS);
  // Any Queue producer binding (one with send and sendBatch): each send can fail as a queue outage does.
  const queues: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(base)) {
    const q = value as { send?: unknown; sendBatch?: unknown } | null;
    if (typeof q !== "object" || q === null || typeof q.send !== "function" || typeof q.sendBatch !== "function") continue;
    queues[name] = new Proxy(q, {
      get(target, prop) {
        const v = Reflect.get(target, prop);
        if (typeof v !== "function" || (prop !== "send" && prop !== "sendBatch")) return v;
        return (...args: unknown[]) => {
          const failure = call(`Queue ${name} ${prop}`, () => new Error("Queue send failed (injected failure, test)"));
          return failure ? Promise.reject(failure) : Reflect.apply(v, target, args);
        };
      },
    });
  }
  return { env: { ...base, ...queues, DB: db, KEYS: keys, SESSIONS: sessions } as Env, calls };
}

/** What a cold isolate knows about these servers, clients and apps: nothing, so every call site is reached. */
export function forgetEverything(o: { servers?: string[]; clients?: string[]; apps?: string[] }): void {
  for (const server of [...(o.servers ?? []), "default", "org", ORG_ACCESS_TOKEN_KEYS]) invalidate({ server, keys: server });
  for (const client of o.clients ?? []) invalidate({ client });
  for (const orgGrants of o.apps ?? []) invalidate({ orgGrants });
  invalidate({ trustedOrigins: true });
}

export interface FaultyRequest {
  path: string;
  init?: RequestInit;
}

/** Sends a request to the Worker's fetch handler over these bindings, as workerd would, and waits for its tail work. */
export async function fetchWith(bindings: FaultyBindings, r: FaultyRequest): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await app.fetch(new Request(`${BASE}${r.path}`, { redirect: "manual", ...r.init }), bindings.env, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

/** RFC 6749 5.2 shape of an outage: a 5xx server_error or temporarily_unavailable, never cached, with an errorId. */
export async function expectOAuthOutage(res: Response, what: string): Promise<void> {
  const text = await res.text();
  expect(res.status, `${what}: ${res.status} ${text}`).toBeGreaterThanOrEqual(500);
  const body = JSON.parse(text) as Record<string, unknown>;
  expect(Object.keys(body).sort(), what).toEqual(["error", "error_description"]);
  expect(["server_error", "temporarily_unavailable"], what).toContain(body.error);
  expect(res.status, what).toBe(body.error === "server_error" ? 500 : 503);
  expect(body.error_description, what).toMatch(/^An unexpected error occurred \(errorId oae[0-9A-Za-z]{22}\)\.$/);
  expect(res.headers.get("Cache-Control"), what).toBe("no-store");
  expect(res.headers.get("WWW-Authenticate"), what).toBeNull();
}

/** Okta's shape of an outage: 500 E0000009 with a fresh errorId, never cached. */
export async function expectOktaOutage(res: Response, what: string): Promise<void> {
  const text = await res.text();
  expect(res.status, `${what}: ${text}`).toBe(500);
  expect(JSON.parse(text), what).toEqual({
    errorCode: "E0000009",
    errorSummary: "Internal Server Error",
    errorLink: "E0000009",
    errorId: expect.stringMatching(ERROR_ID),
    errorCauses: [],
  });
  expect(res.headers.get("Cache-Control"), what).toBe("no-store");
}

/** The page dialect's outage: a 5xx page for the person, no redirect to the client, the page's security headers. */
export async function expectPageOutage(res: Response, what: string, title = "Sign-in error"): Promise<string> {
  const html = await res.text();
  expect({ status: res.status >= 500, location: res.headers.get("Location") }, `${what}: ${res.status} ${html.slice(0, 300)}`).toEqual({ status: true, location: null });
  expect(res.headers.get("Content-Type"), what).toBe("text/html; charset=utf-8");
  expect(res.headers.get("Content-Security-Policy"), what).toContain("default-src 'none'");
  expect(res.headers.get("Cache-Control"), what).toBe("no-store");
  expect(html, what).toContain(`<title>${title}</title>`);
  expect(html, what).toMatch(res.status === 503 ? /<code>temporarily_unavailable<\/code>/ : /<code>server_error<\/code>/);
  expect(html, what).toMatch(/errorId oae[0-9A-Za-z]{22}/);
  return html;
}

/** The call sites each test failed, by test name, for a summary line. */
export const coverage = new Map<string, string[]>();

/** One line per flow: how many binding calls it makes and which. */
export function printCoverage(): void {
  for (const [name, calls] of coverage) console.log(`fault coverage: ${name}: ${calls.length} calls: ${calls.join(", ")}`);
}

/**
 * Runs `request` once over counting bindings (it must succeed: `ok`), then once per call it made with that call
 * failing, each from a cold isolate (`setup` runs before every attempt and returns the request and a check of
 * the stored state). Returns the call names of the successful run.
 */
export async function failEachCall<T>(o: {
  setup: () => Promise<{ request: FaultyRequest; context: T }>;
  ok: (res: Response, context: T) => Promise<void>;
  /** `n` is the failing call (1-based) among `calls`, the successful run's calls. */
  failed: (res: Response, what: string, context: T, n: number, calls: readonly string[]) => Promise<void>;
  forget: () => void;
}): Promise<string[]> {
  const first = await o.setup();
  o.forget();
  const counting = faultyBindings();
  await o.ok(await fetchWith(counting, first.request), first.context);
  expect(counting.calls.length).toBeGreaterThan(0);
  for (let n = 1; n <= counting.calls.length; n++) {
    const attempt = await o.setup();
    o.forget();
    const faulty = faultyBindings(n);
    const what = `call ${n} of ${counting.calls.length} (${counting.calls[n - 1]}) failing`;
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    let res: Response;
    let logged: unknown[][];
    try {
      res = await fetchWith(faulty, attempt.request);
    } finally {
      logged = [...log.mock.calls];
      log.mockRestore();
    }
    if (counting.calls[n - 1]!.startsWith("Queue ")) {
      // The System Log's queue is off the request path (issue 13): a failed send loses those events, logged as
      // one line, and the request is answered as if nothing had failed.
      expect(logged.length, what).toBe(1);
      const line = JSON.parse(String(logged[0]![0])) as { event: string; error: string };
      expect(line, what).toMatchObject({ event: "system_log_send_failed", error: expect.stringContaining("injected failure") });
      await o.ok(res, attempt.context);
      continue;
    }
    // One structured log line with the cause, and the errorId the client was given.
    expect(logged.length, what).toBe(1);
    const line = JSON.parse(String(logged[0]![0])) as { errorId: string; error: string };
    expect(line.error, what).toContain("injected failure");
    expect(await res.clone().text(), what).toContain(line.errorId);
    await o.failed(res, what, attempt.context, n, counting.calls);
  }
  coverage.set(expect.getState().currentTestName ?? "?", counting.calls);
  return counting.calls;
}
