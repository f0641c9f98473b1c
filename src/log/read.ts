/**
 * One page of the System Log from its chunks (store/log-chunks.ts). Events are ordered by (published, chunk seq,
 * position in the chunk): a total order in which ties in published keep persistence order, as the per-event rows
 * did. Polling (Okta: ascending without until) pages by persistence order instead: (chunk seq, position).
 * Chunks of different isolates overlap in time, so a time-ordered page merges: chunks load in order of their first
 * (descending: last) published time, and an event is emitted only when no chunk not yet loaded could hold an event
 * before it. Work is bounded: chunks load CHUNK_BATCH at a time and at most MAX_CHUNKS per page; a page that hits
 * that bound ends early with a cursor past everything it read (Okta: a page may hold fewer than limit events).
 */
import { loadChunks, pollStart, type ChunkScan, type StoredChunk } from "../store/log-chunks";
import type { LogEvent } from "./event";
import type { FilterNode } from "./filter";
import { matchesFilter, matchesKeywords, requiredEventTypes } from "./filter-eval";

const CHUNK_BATCH = 50;
const MAX_CHUNKS = 1000;
/** More types than this and a chunk scan does not prune (one instr per type). */
const MAX_PRUNED_TYPES = 20;
/** Past every chunk's last position and every seq, for cursors past a whole chunk or a whole time (admin/logs.ts). */
const END = 999_999_999;
const END_SEQ = 999_999_999_999_999;

/** Where a page starts: after this event, in the order the query reads. */
export interface LogCursor {
  published: number;
  seq: number;
  index: number;
}

export interface LogQuery {
  since: number;
  until: number | null;
  filter: FilterNode | null;
  keywords: string[];
  limit: number;
  order: "ASCENDING" | "DESCENDING";
  /** Polling (until absent, ascending): pages follow persistence order (seq), not published (Okta). */
  polling: boolean;
  after: LogCursor | null;
}

export interface LogPage {
  events: LogEvent[];
  /** The cursor after the last event returned (or everything read), or null when nothing was read. */
  last: LogCursor | null;
  /** Another event may exist past this page. */
  more: boolean;
}

interface Keyed extends LogCursor {
  event: LogEvent;
}

const ascending = (a: LogCursor, b: LogCursor) => a.published - b.published || a.seq - b.seq || a.index - b.index;

function prunedTypes(filter: FilterNode | null): string[] | null {
  const types = filter ? requiredEventTypes(filter) : null;
  return types && types.size <= MAX_PRUNED_TYPES ? [...types] : null;
}

/** The chunk's events that the query selects, keyed by their place in the log. */
function selected(chunk: StoredChunk, q: LogQuery, until: number): Keyed[] {
  const out: Keyed[] = [];
  chunk.events.forEach((event, index) => {
    const published = Date.parse(event.published);
    if (published < q.since || published >= until) return;
    if (q.filter && !matchesFilter(q.filter, event)) return;
    if (!matchesKeywords(q.keywords, event)) return;
    out.push({ published, seq: chunk.seq, index, event });
  });
  return out;
}

function page(keyed: Keyed[], limit: number, more: boolean): LogPage {
  const events = keyed.slice(0, limit);
  const last = events.at(-1);
  return {
    events: events.map((k) => k.event),
    last: last ? { published: last.published, seq: last.seq, index: last.index } : null,
    more: keyed.length > limit || more,
  };
}

async function poll(db: D1Database, q: LogQuery): Promise<LogPage> {
  let after = q.after;
  if (!after) {
    const start = await pollStart(db, q.since);
    if (start.first === null) return { events: [], last: { published: 0, seq: start.last, index: END }, more: false };
    after = { published: 0, seq: start.first - 1, index: END };
  }
  const found: Keyed[] = [];
  let afterSeq = after.seq - 1;
  let read = 0;
  for (;;) {
    const chunks = await loadChunks(db, { order: "POLLING", since: q.since, afterSeq }, prunedTypes(q.filter), CHUNK_BATCH);
    for (const chunk of chunks) {
      found.push(...selected(chunk, q, Infinity).filter((k) => k.seq > after.seq || k.index > after.index));
      if (found.length > q.limit) return page(found, q.limit, true);
    }
    read += chunks.length;
    if (chunks.length) afterSeq = chunks.at(-1)!.seq;
    // Every match read is on this page: the next poll goes on from past the last chunk read, not from the last
    // match (so a selective filter does not read the same chunks again), and past MAX_CHUNKS it stops here.
    const end = chunks.length < CHUNK_BATCH;
    if (end || read >= MAX_CHUNKS) {
      return { events: found.map((k) => k.event), last: read ? { published: 0, seq: afterSeq, index: END } : null, more: !end };
    }
  }
}

async function byTime(db: D1Database, q: LogQuery, until: number): Promise<LogPage> {
  const desc = q.order === "DESCENDING";
  // In page order: ascending keys, or descending ones.
  const cmp = desc ? (a: LogCursor, b: LogCursor) => ascending(b, a) : ascending;
  const after = q.after;
  const since = desc || !after ? q.since : Math.max(q.since, after.published);
  const scanUntil = desc && after ? Math.min(until, after.published + 1) : until;
  const types = prunedTypes(q.filter);
  const pool: Keyed[] = [];
  let position: { first: number; last: number; seq: number } | null = null;
  let read = 0;
  for (;;) {
    const scan: ChunkScan = desc
      ? { order: "DESCENDING", since, until: scanUntil, after: position && { last: position.last, seq: position.seq } }
      : { order: "ASCENDING", since, until: scanUntil, after: position && { first: position.first, seq: position.seq } };
    const chunks = await loadChunks(db, scan, types, CHUNK_BATCH);
    for (const chunk of chunks) {
      for (const k of selected(chunk, q, until)) if (!after || cmp(k, after) > 0) pool.push(k);
    }
    read += chunks.length;
    const end = chunks.length < CHUNK_BATCH;
    const lastChunk = chunks.at(-1);
    if (lastChunk) position = { first: lastChunk.firstPublished, last: lastChunk.lastPublished, seq: lastChunk.seq };
    // Chunks not loaded yet start at or after the last one's first published (descending: end at or before its
    // last): events strictly before that frontier are final.
    const frontier = end || !position ? null : desc ? position.last : position.first;
    const safe = frontier === null ? pool : pool.filter((k) => (desc ? k.published > frontier : k.published < frontier));
    if (end || safe.length > q.limit || read >= MAX_CHUNKS) {
      safe.sort(cmp);
      if (frontier === null || safe.length > q.limit) return page(safe, q.limit, false);
      // Bounded: every match before the frontier is on this page; the next starts at the frontier.
      const past: LogCursor = desc ? { published: frontier + 1, seq: 0, index: 0 } : { published: frontier - 1, seq: END_SEQ, index: END };
      return { events: safe.map((k) => k.event), last: past, more: true };
    }
  }
}

/** A page per the query; one that stops early (MAX_CHUNKS) has a cursor past everything it read. */
export function readLogPage(db: D1Database, q: LogQuery): Promise<LogPage> {
  return q.polling ? poll(db, q) : byTime(db, q, q.until ?? Number.MAX_SAFE_INTEGER);
}
