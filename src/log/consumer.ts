/**
 * The System Log's queue consumer (wrangler.toml [[queues.consumers]]): writes each batch to D1 in one batch of
 * statements, then delivers it to the event hooks. If the write fails the batch is retried by the queue (nothing
 * acknowledged); a redelivered event inserts nothing (uuid is unique) and may be delivered to hooks again, which is
 * Okta's at-least-once promise.
 */
import { nowMs } from "../clock";
import { config, type Env } from "../env";
import { listDeliverableEventHooks } from "../store/hooks";
import { insertLogEvents } from "../store/log-events";
import { deliverToHooks } from "./deliver";
import { logJobEvents } from "./emit";
import type { LogEvent } from "./event";

/** A message this Worker's producer wrote: anything else is dropped with a log line, never retried forever. */
const isLogEvent = (v: unknown): v is LogEvent =>
  typeof v === "object" && v !== null && typeof (v as LogEvent).uuid === "string" && typeof (v as LogEvent).eventType === "string" && typeof (v as LogEvent).published === "string";

export async function consumeLogBatch(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  // A message is an array of events (emit.ts coalesces a moment's events into one message) or one event.
  const bodies = batch.messages.flatMap((m) => (Array.isArray(m.body) ? m.body : [m.body]));
  const events = bodies.filter(isLogEvent);
  if (events.length < bodies.length) {
    console.error(JSON.stringify({ event: "system_log_bad_messages", dropped: bodies.length - events.length }));
  }
  await insertLogEvents(env.DB, events);
  const hooks = await listDeliverableEventHooks(env.DB);
  if (hooks.length) {
    const now = nowMs();
    const orgUrl = config(env).ORG_URL ?? "http://localhost";
    const failures = await deliverToHooks(env, hooks, events, orgUrl, now);
    if (failures.length) await logJobEvents(env, failures, now);
  }
  batch.ackAll();
}
