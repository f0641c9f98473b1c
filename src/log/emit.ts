/**
 * Writing to the System Log from a request: events go to the LOG_QUEUE producer and the request never waits for
 * storage (issue 13). The queue consumer (consumer.ts) writes them to D1 in batches. The send itself is handed to
 * waitUntil, so the response does not wait for the queue either; a failed send is logged, never the client's error.
 */
import type { Context } from "hono";
import type { AppEnv, Env } from "../env";
import { actorOf, buildEvent, SYSTEM_ACTOR, type Actor, type EventInput, type EventOrigin, type LogEvent } from "./event";

/** Someone the request does not identify (an unauthenticated caller). */
const ANONYMOUS: Actor = actorOf("unknown", "PublicClientApp", "unknown", "Unknown");

function originOf(c: Context<AppEnv>): EventOrigin {
  const url = new URL(c.req.url);
  const actor = c.var.actor ?? ANONYMOUS;
  return {
    now: c.var.now,
    transactionId: c.var.requestId,
    transactionType: "WEB",
    // Cloudflare sets CF-Connecting-IP at its edge; a client cannot forge it there.
    ipAddress: c.req.header("CF-Connecting-IP") ?? null,
    userAgent: c.req.header("User-Agent") ?? null,
    // Okta: requestUri is the path; the query may carry codes and tokens, so it is left out.
    requestUri: url.pathname,
    actor,
    transactionDetail: actor.type === "ApiToken" ? { requestApiTokenId: actor.id } : {},
  };
}

function waitUntil(c: Context<AppEnv>, work: Promise<unknown>): void {
  let ctx: { waitUntil(p: Promise<unknown>): void } | undefined;
  try {
    ctx = c.executionCtx;
  } catch {
    // Hono throws when the app runs without an ExecutionContext (app.request in a test): nothing to extend.
  }
  if (ctx) ctx.waitUntil(work);
}

async function send(env: Env, events: LogEvent[]): Promise<void> {
  if (!env.LOG_QUEUE || events.length === 0) return;
  try {
    await env.LOG_QUEUE.send(events);
  } catch (err) {
    // The log is not worth a failed token request; the line below is how an operator sees the loss.
    console.error(JSON.stringify({ event: "system_log_send_failed", count: events.length, error: String(err) }));
  }
}

/** Records events of this request (WEB transaction). Returns at once; the queue send runs under waitUntil. */
export function logEvents(c: Context<AppEnv>, inputs: EventInput[]): void {
  if (!c.env.LOG_QUEUE || inputs.length === 0) return;
  const origin = originOf(c);
  // One message per request, carrying all its events (Queues bill per message written, per 64 KB). Events of
  // different requests are not coalesced: workerd forbids one request awaiting I/O another request started.
  waitUntil(c, send(c.env, inputs.map((i) => buildEvent(i, origin))));
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
  return send(env, inputs.map((i) => buildEvent(i, origin)));
}
