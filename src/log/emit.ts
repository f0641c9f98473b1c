/**
 * Writing to the System Log from a request: events go to the LOG_QUEUE producer and the request never waits for
 * storage (issue 13). The queue consumer (consumer.ts) writes them to D1 in batches. The send itself is handed to
 * waitUntil, so the response does not wait for the queue either; a failed send is logged, never the client's error.
 */
import type { Context } from "hono";
import type { AppEnv, Env } from "../env";
import { executionCtxOf } from "../execution-ctx";
import { uuidV7 } from "../ids";
import { actorOf, MAX_USER_AGENT, SYSTEM_ACTOR, type Actor, type EventInput, type EventOrigin } from "./event";
import { encodeEntry, encodeMessages, SharedParts, sharedForLog, type EncodedEntry, type WireEntry } from "./wire";

/** Someone the request does not identify (an unauthenticated caller). */
const ANONYMOUS: Actor = sharedForLog(actorOf("unknown", "PublicClientApp", "unknown", "Unknown"));
const NO_DETAIL = sharedForLog({});

function originOf(c: Context<AppEnv>): EventOrigin {
  const actor = c.get("actor") ?? ANONYMOUS;
  return {
    now: c.get("now"),
    transactionId: c.get("requestId"),
    transactionType: "WEB",
    // Cloudflare sets CF-Connecting-IP at its edge; a client cannot forge it there.
    ipAddress: c.req.header("CF-Connecting-IP") ?? null,
    // Capped as buildEvent caps it: it is the one field of an entry a caller can make large.
    userAgent: c.req.header("User-Agent")?.slice(0, MAX_USER_AGENT) ?? null,
    // Okta: requestUri is the path; the query may carry codes and tokens, so it is left out.
    requestUri: c.req.path,
    actor,
    transactionDetail: actor.type === "ApiToken" ? { requestApiTokenId: actor.id } : NO_DETAIL,
  };
}

async function send(env: Env, entries: EncodedEntry[]): Promise<void> {
  const queue = env.LOG_QUEUE;
  if (!queue || entries.length === 0) return;
  try {
    const { messages, oversized } = await encodeMessages(entries);
    if (oversized) console.error(JSON.stringify({ event: "system_log_entry_too_large", count: oversized }));
    for (const body of messages) await queue.send(body, { contentType: "json" });
  } catch (err) {
    // The log is not worth a failed token request; the line below is how an operator sees the loss.
    const count = entries.reduce((n, e) => n + e.count, 0);
    console.error(JSON.stringify({ event: "system_log_send_failed", count, error: String(err) }));
  }
}

const entryOf = (inputs: EventInput[], origin: EventOrigin, parts: SharedParts | null = null): EncodedEntry =>
  encodeEntry({ origin, events: inputs.map((input) => ({ uuid: uuidV7(origin.now), input })) } satisfies WireEntry, parts);

/**
 * Events of concurrent requests in this isolate share one queue message: the first request opens a buffer and
 * sends it COALESCE_MS later under its own waitUntil; requests in between only append their entry to it, up to
 * MESSAGE_EVENTS events. The buffer numbers the parts its entries share (wire.ts SharedParts), and the send
 * compresses them (about 49 bytes an event as sent, so a message stays well under Queues' 128 KB, and a flush that
 * would not is split). Per-request sends cost the bench about half its client_credentials throughput; 24
 * uncompressed events a message still cost a third (README, "What logging costs"). An event reaches the queue at
 * most COALESCE_MS after its request.
 */
const COALESCE_MS = 500;
const MESSAGE_EVENTS = 1500;
interface Pending {
  entries: EncodedEntry[];
  events: number;
  parts: SharedParts;
}
const open = new WeakMap<Env, Pending>();

/** Records events of this request (WEB transaction). Returns at once; the queue send runs under waitUntil. */
export function logEvents(c: Context<AppEnv>, inputs: EventInput[]): void {
  if (!c.env.LOG_QUEUE || inputs.length === 0) return;
  const origin = originOf(c);
  const ctx = executionCtxOf(c);
  if (!ctx) {
    // No waitUntil to send a shared buffer under (app.request() without one): a buffer opened here would never be
    // sent, and every later request of the isolate would append to it. Sent alone, as far as the request lives.
    void send(c.env, [entryOf(inputs, origin)]);
    return;
  }
  const buffer = open.get(c.env);
  if (buffer) {
    // Another request's buffer, sent by that request within COALESCE_MS: only plain data crosses requests here
    // (workerd forbids a request resolving or awaiting a promise or I/O another request created).
    buffer.entries.push(entryOf(inputs, origin, buffer.parts));
    buffer.events += inputs.length;
    if (buffer.events >= MESSAGE_EVENTS) open.delete(c.env);
    return;
  }
  const parts = new SharedParts();
  const mine: Pending = { entries: [entryOf(inputs, origin, parts)], events: inputs.length, parts };
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
