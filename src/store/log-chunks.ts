/**
 * SQL for the System Log (schema.sql, log_chunks): one row per queue message, its events as compressed JSON (the
 * queue's wire entries with their shared parts, log/wire.ts; whole LogEvents in chunks written before). D1 bytes per
 * event are what logging costs (90 days of the log is what fills D1 first: docs/scale.md), and a chunk stores an
 * event in a fraction of a row (about 50 bytes at 500 events a chunk).
 * Written by the queue consumer only (log/consumer.ts); read in time order by log/read.ts; purged whole by the
 * retention job. A chunk's body is read back through zod: one that does not parse is a StoredDataError (a 500).
 */
import { z } from "zod";
import { inflateText } from "../deflate";
import { fromBase64url } from "../encoding";
import type { LogEvent } from "../log/event";
// The wire entries' schema and expansion are pure (no I/O): the stored form is the queue's form.
import { expandEntries, isWireForm, Party, resolveParts, WireEntries, type WireEntry } from "../log/wire";
import { StoredDataError } from "./stored-json";

/**
 * A chunk spans at most this much of published time (the consumer splits a message that spans more), so a time
 * range scan can bound both of a chunk's times by one index range (schema.sql, log_chunks).
 */
export const MAX_CHUNK_SPAN_MS = 60_000;

/** A chunk as stored: its body compressed already (log/wire.ts), with what the indexes and pruning read. */
export interface ChunkInput {
  /** Unique per chunk: the queue message's id (with /n for the parts of a split message). */
  messageId: string;
  firstPublished: number;
  lastPublished: number;
  count: number;
  eventTypes: string[];
  /**
   * base64url of deflate-raw of JSON: the queue's wire entries (log/wire.ts), or whole LogEvents. Stored as text, as
   * the queue message carries it: D1's binding moves a BLOB parameter as JSON numbers, and that conversion and the
   * base64 decoding were most of the consumer's cost (issue 13, measured in the bench's logging twins); text is
   * about a third larger. Rows written as BLOBs by earlier consumers still read.
   */
  body: string;
}

export interface StoredChunk {
  seq: number;
  firstPublished: number;
  lastPublished: number;
  events: LogEvent[];
}

/** The delimited list of a chunk's event types: `|a|b|`, so that instr(event_types, '|a|') finds exactly a. */
export const typesColumn = (types: Iterable<string>): string => `|${[...new Set(types)].join("|")}|`;

/** All chunks in one D1 batch (one transaction): a redelivered message inserts nothing (message_id is unique). */
export async function insertLogChunks(db: D1Database, chunks: ChunkInput[]): Promise<void> {
  if (!chunks.length) return;
  await db.batch(
    chunks.map((c) =>
      db
        .prepare(
          `INSERT OR IGNORE INTO log_chunks (message_id, first_published, last_published, event_count, event_types, body)
           VALUES (?1, ?2, ?3, ?4, ?5, ?6)`,
        )
        .bind(c.messageId, c.firstPublished, c.lastPublished, c.count, typesColumn(c.eventTypes), c.body),
    ),
  );
}

/**
 * A stored event: Okta's LogEvent fields that readers use are checked, the rest is kept as written. The parsed
 * JSON itself is returned (not zod's copy), so that `q` reads exactly the text that was stored, in its key order.
 */
const StoredEvent = z.looseObject({
  uuid: z.string(),
  published: z.iso.datetime(),
  eventType: z.string(),
  version: z.string(),
  severity: z.string(),
  displayMessage: z.string().nullable(),
  actor: Party,
  client: z.looseObject({}).nullable(),
  outcome: z.looseObject({ result: z.string(), reason: z.string().nullable() }),
  debugContext: z.looseObject({ debugData: z.record(z.string(), z.unknown()) }),
  transaction: z.looseObject({ type: z.string(), id: z.string() }),
  request: z.looseObject({ ipChain: z.array(z.looseObject({})) }),
  target: z.array(Party),
});
const StoredChunkBody = z.array(StoredEvent).min(1);

/** A body as text (base64url), or a BLOB of earlier consumers: D1 returns one as an ArrayBuffer or an array of byte values. */
function bytes(v: unknown): Uint8Array {
  if (typeof v === "string") return fromBase64url(v);
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  return new Uint8Array(v as number[]);
}

/**
 * A chunk's events in (published, uuid) order. This producer's chunks hold wire entries (log/wire.ts), expanded
 * here; earlier ones hold whole LogEvents, checked as they are.
 */
export async function decodeChunk(seq: number, body: unknown): Promise<LogEvent[]> {
  const where = `log_chunks.body of ${seq}`;
  let json: unknown;
  try {
    json = JSON.parse(await inflateText(bytes(body)));
  } catch {
    throw new StoredDataError(where, "not compressed JSON");
  }
  const isEntries = isWireForm(json);
  const result = isEntries ? WireEntries.safeParse(resolveParts(json)) : StoredChunkBody.safeParse(json);
  if (!result.success) {
    // Paths and issue codes only: the stored value is personal data and must not reach the log.
    throw new StoredDataError(where, result.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.code}`).join("; "));
  }
  return isEntries ? expandEntries(result.data as WireEntry[]) : (json as LogEvent[]);
}

/** Which chunks a read wants, in which order; `after` is the last chunk of the previous batch. */
export type ChunkScan =
  | { order: "ASCENDING"; since: number; until: number; after: { first: number; seq: number } | null }
  | { order: "DESCENDING"; since: number; until: number; after: { last: number; seq: number } | null }
  | { order: "POLLING"; since: number; afterSeq: number };

type Row = { seq: number; first_published: number; last_published: number; body: unknown };

/**
 * One batch of chunks that can hold events published in [since, until) (polling: since on, after a seq),
 * skipping chunks holding none of `types` when given. Time scans read one index range: a chunk's two times are
 * at most MAX_CHUNK_SPAN_MS apart.
 */
export async function loadChunks(db: D1Database, scan: ChunkScan, types: string[] | null, limit: number): Promise<StoredChunk[]> {
  const params: unknown[] = [];
  const p = (v: unknown) => `?${params.push(v)}`;
  const where: string[] = [];
  let order: string;
  if (scan.order === "POLLING") {
    where.push(`seq > ${p(scan.afterSeq)}`, `last_published >= ${p(scan.since)}`);
    order = "seq";
  } else if (scan.order === "ASCENDING") {
    where.push(`first_published >= ${p(scan.since - MAX_CHUNK_SPAN_MS)}`, `first_published < ${p(scan.until)}`, `last_published >= ${p(scan.since)}`);
    if (scan.after) where.push(`(first_published, seq) > (${p(scan.after.first)}, ${p(scan.after.seq)})`);
    order = "first_published, seq";
  } else {
    where.push(`last_published >= ${p(scan.since)}`, `last_published < ${p(scan.until + MAX_CHUNK_SPAN_MS)}`, `first_published < ${p(scan.until)}`);
    if (scan.after) where.push(`(last_published, seq) < (${p(scan.after.last)}, ${p(scan.after.seq)})`);
    order = "last_published DESC, seq DESC";
  }
  // instr, not LIKE: no escaping, and D1 refuses LIKE patterns over 50 bytes.
  if (types) where.push(`(${types.map((t) => `instr(event_types, ${p(`|${t}|`)}) > 0`).join(" OR ") || "0"})`);
  const sql = `SELECT seq, first_published, last_published, body FROM log_chunks WHERE ${where.join(" AND ")} ORDER BY ${order} LIMIT ${p(limit)}`;
  const { results } = await db.prepare(sql).bind(...params).all<Row>();
  return Promise.all(
    results.map(async (r) => ({ seq: r.seq, firstPublished: r.first_published, lastPublished: r.last_published, events: await decodeChunk(r.seq, r.body) })),
  );
}

/**
 * Where a first poll starts: the lowest seq of a chunk holding events at or after `since` (one range of the
 * last_published index, so that a SIEM's first poll does not walk the whole retention period by seq), and the
 * highest seq stored (a poll that finds nothing goes on from there: later chunks have higher seqs).
 */
export async function pollStart(db: D1Database, since: number): Promise<{ first: number | null; last: number }> {
  const row = await db
    .prepare("SELECT (SELECT min(seq) FROM log_chunks WHERE last_published >= ?1) AS first, (SELECT coalesce(max(seq), 0) FROM log_chunks) AS last")
    .bind(since)
    .first<{ first: number | null; last: number }>();
  return { first: row?.first ?? null, last: row?.last ?? 0 };
}

/** The retention rule for the log: whole chunks whose last event is older than `before`. Returns events deleted. */
export async function purgeLogChunks(db: D1Database, before: number, limit: number): Promise<{ chunks: number; events: number }> {
  const { results } = await db
    .prepare("DELETE FROM log_chunks WHERE seq IN (SELECT seq FROM log_chunks WHERE last_published < ?1 LIMIT ?2) RETURNING event_count")
    .bind(before, limit)
    .all<{ event_count: number }>();
  return { chunks: results.length, events: results.reduce((n, r) => n + r.event_count, 0) };
}
