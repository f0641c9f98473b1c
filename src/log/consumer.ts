/**
 * The System Log's queue consumer (wrangler.toml [[queues.consumers]]): stores each message's events as one
 * compressed chunk (store/log-chunks.ts), the whole batch in one D1 batch of statements, then delivers it to the
 * event hooks. Compressing here keeps it off the request path. If the write fails the batch is retried by the queue
 * (nothing acknowledged); a redelivered message inserts nothing (message_id is unique) and may be delivered to hooks
 * again, which is Okta's at-least-once promise.
 */
import { nowMs } from "../clock";
import { config, type Env } from "../env";
import { listDeliverableEventHooks } from "../store/hooks";
import { insertLogChunks, MAX_CHUNK_SPAN_MS, type ChunkInput } from "../store/log-chunks";
import { deliverToHooks } from "./deliver";
import { logJobEvents } from "./emit";
import type { LogEvent } from "./event";
import { eventsOfMessage } from "./wire";

const byTimeThenUuid = (a: LogEvent, b: LogEvent) => Date.parse(a.published) - Date.parse(b.published) || (a.uuid < b.uuid ? -1 : a.uuid > b.uuid ? 1 : 0);

/** A message's events as chunks: sorted, and split where they span more than MAX_CHUNK_SPAN_MS (rare: a slow request). */
export function chunksOf(messageId: string, events: LogEvent[]): ChunkInput[] {
  const sorted = [...events].sort(byTimeThenUuid);
  const chunks: ChunkInput[] = [];
  for (const e of sorted) {
    const open = chunks.at(-1);
    if (open && Date.parse(e.published) - Date.parse(open.events[0]!.published) <= MAX_CHUNK_SPAN_MS) open.events.push(e);
    // The parts of one message are written in one batch, so a redelivery finds them all (or none) already there.
    else chunks.push({ messageId: chunks.length ? `${messageId}/${chunks.length}` : messageId, events: [e] });
  }
  return chunks;
}

export async function consumeLogBatch(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  // A message holds a moment's events of one isolate (emit.ts), in the queue's wire form (wire.ts).
  let dropped = 0;
  const messages = batch.messages.map((m) => {
    const read = eventsOfMessage(m.body);
    dropped += read.dropped;
    return { id: m.id, events: read.events };
  });
  if (dropped) console.error(JSON.stringify({ event: "system_log_bad_messages", dropped }));
  const events = messages.flatMap((m) => m.events);
  await insertLogChunks(env.DB, messages.flatMap((m) => chunksOf(m.id, m.events)));
  const hooks = await listDeliverableEventHooks(env.DB);
  if (hooks.length) {
    const now = nowMs();
    const orgUrl = config(env).ORG_URL ?? "http://localhost";
    const failures = await deliverToHooks(env, hooks, events, orgUrl, now);
    if (failures.length) await logJobEvents(env, failures, now);
  }
  batch.ackAll();
}
