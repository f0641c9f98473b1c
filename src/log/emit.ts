/**
 * Writing to the System Log from a request: events go to the LOG_QUEUE producer and the request never waits for
 * storage (issue 13). The queue consumer (consumer.ts) writes them to D1 in batches. The send itself is handed to
 * waitUntil, so the response does not wait for the queue either; a failed send is logged, never the client's error.
 */
import type { Context } from "hono";
import type { AppEnv, Env } from "../env";
import { executionCtxOf } from "../execution-ctx";
import { uuidV7 } from "../ids";
import { actorOf, SYSTEM_ACTOR, type Actor, type EventInput, type EventOrigin } from "./event";
import type { WireEntry } from "./wire";

/** Someone the request does not identify (an unauthenticated caller). */
const ANONYMOUS: Actor = actorOf("unknown", "PublicClientApp", "unknown", "Unknown");

function originOf(c: Context<AppEnv>): EventOrigin {
  const actor = c.get("actor") ?? ANONYMOUS;
  return {
    now: c.get("now"),
    transactionId: c.get("requestId"),
    transactionType: "WEB",
    // Cloudflare sets CF-Connecting-IP at its edge; a client cannot forge it there.
    ipAddress: c.req.header("CF-Connecting-IP") ?? null,
    userAgent: c.req.header("User-Agent") ?? null,
    // Okta: requestUri is the path; the query may carry codes and tokens, so it is left out.
    requestUri: c.req.path,
    actor,
    transactionDetail: actor.type === "ApiToken" ? { requestApiTokenId: actor.id } : {},
  };
}

async function send(env: Env, entries: WireEntry[]): Promise<void> {
  if (!env.LOG_QUEUE || entries.length === 0) return;
  try {
    await env.LOG_QUEUE.send(entries);
  } catch (err) {
    // The log is not worth a failed token request; the line below is how an operator sees the loss.
    const count = entries.reduce((n, e) => n + e.events.length, 0);
    console.error(JSON.stringify({ event: "system_log_send_failed", count, error: String(err) }));
  }
}

const entryOf = (inputs: EventInput[], origin: EventOrigin): WireEntry => ({
  origin,
  events: inputs.map((input) => ({ uuid: uuidV7(origin.now), input })),
});

/**
 * Events of concurrent requests in this isolate share one queue message: the first request opens a buffer and
 * sends it COALESCE_MS later under its own waitUntil; requests in between only append their entry to it, up to
 * MESSAGE_EVENTS events (Queues bill per 64 KB written and take messages up to 128 KB; an event's wire entry is
 * under 1 KB, its user agent capped in event.ts). Per-request sends cost the bench about half its
 * client_credentials throughput.
 */
const COALESCE_MS = 10;
const MESSAGE_EVENTS = 24;
interface Pending {
  entries: WireEntry[];
  events: number;
}
const open = new WeakMap<Env, Pending>();

/** Records events of this request (WEB transaction). Returns at once; the queue send runs under waitUntil. */
export function logEvents(c: Context<AppEnv>, inputs: EventInput[]): void {
  if (!c.env.LOG_QUEUE || inputs.length === 0) return;
  const entry = entryOf(inputs, originOf(c));
  const ctx = executionCtxOf(c);
  if (!ctx) {
    // No waitUntil to send a shared buffer under (app.request() without one): a buffer opened here would never be
    // sent, and every later request of the isolate would append to it. Sent alone, as far as the request lives.
    void send(c.env, [entry]);
    return;
  }
  const buffer = open.get(c.env);
  if (buffer) {
    // Another request's buffer, sent by that request within COALESCE_MS: only plain data crosses requests here
    // (workerd forbids a request resolving or awaiting a promise or I/O another request created).
    buffer.entries.push(entry);
    buffer.events += inputs.length;
    if (buffer.events >= MESSAGE_EVENTS) open.delete(c.env);
    return;
  }
  const mine: Pending = { entries: [entry], events: inputs.length };
  open.set(c.env, mine);
  const env = c.env;
  ctx.waitUntil(
    new Promise<void>((resolve) => setTimeout(resolve, COALESCE_MS)).then(() => {
      if (open.get(env) === mine) open.delete(env);
      return send(env, mine.entries);
    }),
  );
}

export const logEvent = (c: Context<AppEnv>, input: EventInput): void => logEvents(c, [input]);

/** Records events of background work (JOB transaction): the rotation alarm, the queue consumer. Awaited. */
export function logJobEvents(env: Env, inputs: EventInput[], now: number): Promise<void> {
  const origin: EventOrigin = {
    now,
    transactionId: crypto.randomUUID().replace(/-/g, ""),
    transactionType: "JOB",
    ipAddress: null,
    userAgent: null,
    requestUri: null,
    actor: SYSTEM_ACTOR,
  };
  return send(env, inputs.length ? [entryOf(inputs, origin)] : []);
}
