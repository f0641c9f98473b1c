/**
 * SQL for the System Log (schema.sql, log_events). Rows are written by the queue consumer only, many per batch;
 * a redelivered message inserts nothing (uuid is unique). Filters (log/filter.ts) become SQL here: an attribute path
 * is read from the stored JSON with json_extract; paths through an array (target[], request.ipChain[]) match when
 * any element matches, as Okta's filter on target.id does.
 */
import type { AttrOp, FilterNode, Literal } from "../log/filter";
import type { LogEvent } from "../log/event";

/** Fields of LogEvent that hold arrays of objects. */
const ARRAYS = [["target"], ["request", "ipChain"]];

/** D1 binds at most 100 parameters per statement: 25 rows of 4. */
const ROWS_PER_INSERT = 25;

/** All events in one D1 batch (one transaction), 25 rows per INSERT. */
export async function insertLogEvents(db: D1Database, events: LogEvent[]): Promise<void> {
  if (!events.length) return;
  const statements: D1PreparedStatement[] = [];
  for (let i = 0; i < events.length; i += ROWS_PER_INSERT) {
    const rows = events.slice(i, i + ROWS_PER_INSERT);
    const values = rows.map((_, r) => `(?${r * 4 + 1}, ?${r * 4 + 2}, ?${r * 4 + 3}, ?${r * 4 + 4})`).join(", ");
    const params = rows.flatMap((e) => [e.uuid, Date.parse(e.published), e.eventType, JSON.stringify(e)]);
    statements.push(db.prepare(`INSERT OR IGNORE INTO log_events (uuid, published, event_type, body) VALUES ${values}`).bind(...params));
  }
  await db.batch(statements);
}

/** Where a page starts: after this row, in the order the query reads. */
export interface LogCursor {
  published: number;
  seq: number;
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
  /** The cursor after the last row read, or null when the page was empty. */
  last: LogCursor | null;
  /** Another row exists past this page. */
  more: boolean;
}

class Params {
  readonly values: unknown[] = [];
  add(v: unknown): string {
    this.values.push(v);
    return `?${this.values.length}`;
  }
}

const jsonPath = (segments: string[]) => `'$.${segments.join(".")}'`;

function comparison(expr: string, op: AttrOp, value: Literal, p: Params): string {
  // JSON booleans come back from json_extract as 1 and 0.
  const bound = p.add(typeof value === "boolean" ? (value ? 1 : 0) : value);
  switch (op) {
    case "eq": return value === null ? `${expr} IS NULL` : `${expr} = ${bound}`;
    case "ne": return value === null ? `${expr} IS NOT NULL` : `(${expr} IS NULL OR ${expr} <> ${bound})`;
    case "gt": return `${expr} > ${bound}`;
    case "ge": return `${expr} >= ${bound}`;
    case "lt": return `${expr} < ${bound}`;
    case "le": return `${expr} <= ${bound}`;
    // substr/instr rather than LIKE: no escaping, and D1 refuses LIKE patterns over 50 bytes.
    case "sw": return `substr(${expr}, 1, length(${bound})) = ${bound}`;
    case "ew": return `(length(${expr}) >= length(${bound}) AND substr(${expr}, -length(${bound})) = ${bound})`;
    case "co": return `instr(${expr}, ${bound}) > 0`;
  }
}

/** The condition on one attribute: over the array's elements when the path goes through target[] or ipChain[]. */
function attribute(path: string[], p: Params, test: (expr: string) => string): string {
  const array = ARRAYS.find((a) => a.every((s, i) => path[i] === s) && path.length > a.length);
  if (array) {
    const rest = path.slice(array.length);
    return `EXISTS (SELECT 1 FROM json_each(body, ${jsonPath(array)}) WHERE ${test(`json_extract(value, ${jsonPath(rest)})`)})`;
  }
  if (path.length === 1 && path[0] === "eventType") return test("event_type");
  return test(`json_extract(body, ${jsonPath(path)})`);
}

function toSql(node: FilterNode, p: Params): string {
  switch (node.kind) {
    case "cmp": return attribute(node.path, p, (e) => comparison(e, node.op, node.value, p));
    case "pr": return attribute(node.path, p, (e) => `${e} IS NOT NULL`);
    case "not": return `NOT (${toSql(node.node, p)})`;
    case "and": return `(${toSql(node.left, p)} AND ${toSql(node.right, p)})`;
    case "or": return `(${toSql(node.left, p)} OR ${toSql(node.right, p)})`;
  }
}

/** One page of events, limit + 1 rows read to learn whether another page exists. */
export async function queryLogEvents(db: D1Database, q: LogQuery): Promise<LogPage> {
  const p = new Params();
  const where = [`published >= ${p.add(q.since)}`];
  if (q.until !== null) where.push(`published < ${p.add(q.until)}`);
  if (q.filter) where.push(toSql(q.filter, p));
  // Okta: q matches case-insensitively, every keyword must match.
  for (const k of q.keywords) where.push(`instr(lower(body), lower(${p.add(k)})) > 0`);
  const desc = q.order === "DESCENDING";
  if (q.after) {
    if (q.polling) where.push(`seq > ${p.add(q.after.seq)}`);
    else where.push(`(published, seq) ${desc ? "<" : ">"} (${p.add(q.after.published)}, ${p.add(q.after.seq)})`);
  }
  const order = q.polling ? "seq ASC" : desc ? "published DESC, seq DESC" : "published ASC, seq ASC";
  const sql = `SELECT seq, published, body FROM log_events WHERE ${where.join(" AND ")} ORDER BY ${order} LIMIT ${p.add(q.limit + 1)}`;
  const { results } = await db.prepare(sql).bind(...p.values).all<{ seq: number; published: number; body: string }>();
  const rows = results.slice(0, q.limit);
  const lastRow = rows.at(-1);
  return {
    // Written by insertLogEvents from a LogEvent; the rows are returned as stored.
    events: rows.map((r) => JSON.parse(r.body) as LogEvent),
    last: lastRow ? { published: lastRow.published, seq: lastRow.seq } : null,
    more: results.length > q.limit,
  };
}

/** The retention rule for the log: events published before `before` (epoch ms), at most `limit` rows. */
export async function purgeLogEvents(db: D1Database, before: number, limit: number): Promise<number> {
  const { meta } = await db
    .prepare("DELETE FROM log_events WHERE rowid IN (SELECT rowid FROM log_events WHERE published < ?1 LIMIT ?2)")
    .bind(before, limit)
    .run();
  return meta.changes;
}
