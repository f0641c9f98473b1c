/**
 * The System Log's queue consumer (wrangler.toml [[queues.consumers]]): stores each message as one chunk
 * (store/log-chunks.ts), the whole batch in one D1 batch of statements, then delivers it to the event hooks. A
 * message of this producer (log/wire.ts) arrives compressed with its chunk's columns and is stored as it came: its
 * events are expanded only for the hooks, and only when a hook exists. If the write fails the batch is retried by
 * the queue (nothing acknowledged); a redelivered message inserts nothing (message_id is unique) and may be
 * delivered to hooks again, which is Okta's at-least-once promise.
 */
import { nowMs } from "../clock";
import { deflateText } from "../deflate";
import { base64url } from "../encoding";
import { config, type Env } from "../env";
import { listDeliverableEventHooks } from "../store/hooks";
import { insertLogChunks, MAX_CHUNK_SPAN_MS, type ChunkInput } from "../store/log-chunks";
import { deliverToHooks } from "./deliver";
import { logJobEvents } from "./emit";
import type { LogEvent } from "./event";
import { byTimeThenUuid, entriesOfMessage, eventsOfLegacyMessage, expandEntries, wireMessageOf, type WireMessage } from "./wire";

/** A message's events as chunks of events: sorted, and split where they span more than MAX_CHUNK_SPAN_MS (rare: a slow request). */
export function chunksOf(messageId: string, events: LogEvent[]): Array<{ messageId: string; events: LogEvent[] }> {
  const sorted = [...events].sort(byTimeThenUuid);
  const chunks: Array<{ messageId: string; events: LogEvent[] }> = [];
  for (const e of sorted) {
    const open = chunks.at(-1);
    if (open && Date.parse(e.published) - Date.parse(open.events[0]!.published) <= MAX_CHUNK_SPAN_MS) open.events.push(e);
    // The parts of one message are written in one batch, so a redelivery finds them all (or none) already there.
    else chunks.push({ messageId: chunks.length ? `${messageId}/${chunks.length}` : messageId, events: [e] });
  }
  return chunks;
}

/** Chunks of whole LogEvents: an earlier producer's messages, or a message spanning more than a chunk may. */
const eventChunks = (messageId: string, events: LogEvent[]): Promise<ChunkInput[]> =>
  Promise.all(
    chunksOf(messageId, events).map(async (c) => ({
      messageId: c.messageId,
      firstPublished: Date.parse(c.events[0]!.published),
      lastPublished: Date.parse(c.events.at(-1)!.published),
      count: c.events.length,
      eventTypes: c.events.map((e) => e.eventType),
      body: base64url(await deflateText(JSON.stringify(c.events))),
    })),
  );

interface Read {
  chunks: ChunkInput[];
  /** Expanded on demand: only event hooks need the events themselves. */
  events: () => Promise<LogEvent[]>;
  dropped: number;
}

async function readMessage(id: string, body: unknown): Promise<Read> {
  const wire = wireMessageOf(body);
  if (wire) return readWireMessage(id, wire);
  const { events, dropped } = eventsOfLegacyMessage(body);
  return { chunks: await eventChunks(id, events), events: async () => events, dropped };
}

async function readWireMessage(id: string, m: WireMessage): Promise<Read> {
  const events = async () => {
    const entries = await entriesOfMessage(m).catch(() => null);
    if (!entries) console.error(JSON.stringify({ event: "system_log_bad_messages", dropped: 1, messageId: id }));
    return entries ? expandEntries(entries) : [];
  };
  if (m.lastPublished - m.firstPublished <= MAX_CHUNK_SPAN_MS) {
    const chunk = { messageId: id, firstPublished: m.firstPublished, lastPublished: m.lastPublished, count: m.count, eventTypes: m.eventTypes, body: m.body };
    // Stored unread: the producer is this Worker (emit.ts). Reads check it (a bad body is a logged 500 there).
    return { chunks: [chunk], events, dropped: 0 };
  }
  const all = await events();
  return { chunks: await eventChunks(id, all), events: async () => all, dropped: all.length ? 0 : 1 };
}

export async function consumeLogBatch(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const reads = await Promise.all(batch.messages.map((m) => readMessage(m.id, m.body)));
  const dropped = reads.reduce((n, r) => n + r.dropped, 0);
  if (dropped) console.error(JSON.stringify({ event: "system_log_bad_messages", dropped }));
  await insertLogChunks(env.DB, reads.flatMap((r) => r.chunks));
  const hooks = await listDeliverableEventHooks(env.DB);
  if (hooks.length) {
    const events = (await Promise.all(reads.map((r) => r.events()))).flat();
    const now = nowMs();
    const orgUrl = config(env).ORG_URL ?? "http://localhost";
    const failures = await deliverToHooks(env, hooks, events, orgUrl, now);
    if (failures.length) await logJobEvents(env, failures, now);
  }
  batch.ackAll();
}
