/**
 * GET /api/v1/logs: Okta's System Log API. Parameters since, until, after, filter, q, limit (0-1000, default 100)
 * and sortOrder (ASCENDING, DESCENDING). Okta: a request without until, in ascending order, is a polling request:
 * it pages by persistence order and always has a rel="next" link, even when no new event has arrived, so a SIEM can
 * follow the links forever. A bounded request (with until) orders by published and its last page has no next link.
 */
import { Hono, type Context } from "hono";
import { z } from "zod";
import { config, type AppEnv } from "../env";
import { ApiError } from "../errors";
import { orgBase } from "../issuer";
import type { LogEvent } from "../log/event";
import { filterPaths, FilterSyntaxError, LOG_FIELDS, parseLogFilter, type FilterNode } from "../log/filter";
import { readLogPage, type LogCursor } from "../log/read";
import { AnyObject, type Operation } from "./openapi";

const DAY_MS = 24 * 3600 * 1000;
/** Okta: since defaults to 7 days before until, and may not be more than 180 days ago. */
const DEFAULT_WINDOW_MS = 7 * DAY_MS;
const OLDEST_SINCE_MS = 180 * DAY_MS;
const DATE_CAUSES = (p: string) => [
  `${p}: The date format in your query is not recognized. Please enter dates using ISO8601 string format.`,
  `${p}: must be a valid date-time or empty.`,
];

export const LogQuery = z.object({
  since: z.string().optional(),
  until: z.string().optional(),
  after: z.string().optional(),
  filter: z.string().optional(),
  q: z.string().optional(),
  limit: z.string().optional(),
  sortOrder: z.enum(["ASCENDING", "DESCENDING"]).optional(),
});

export const LogEventSchema = AnyObject.meta({ id: "LogEvent" });

export const logOperations: Operation[] = [
  { method: "get", path: "/", operationId: "listLogEvents", summary: "List all System Log events", query: LogQuery, status: 200, response: z.array(LogEventSchema) },
];

/** ISO 8601 with a date and, if given, a time with a zone (Okta rejects what it cannot read). */
function readDate(name: string, value: string | undefined): number | undefined {
  if (value === undefined || value === "") return undefined;
  const ok = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(value);
  const ms = ok ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) {
    const causes = DATE_CAUSES(name);
    throw new ApiError("E0000001", causes.map((c) => `'${name}'${c.slice(name.length)}`).join(" "), causes);
  }
  return ms;
}

function readLimit(value: string | undefined): number {
  if (value === undefined || value === "") return 100;
  if (!/^\d{1,4}$/.test(value) || Number(value) > 1000) throw new ApiError("E0000001", "'limit': must be an integer from 0 to 1000.", ["limit: must be an integer from 0 to 1000."]);
  return Number(value);
}

/** Okta: at most 10 keywords of at most 40 characters. */
function readKeywords(q: string | undefined): string[] {
  if (!q) return [];
  const words = q.split(/\s+/).filter(Boolean);
  if (words.some((w) => w.length > 40)) {
    const s = "Freeform search cannot contain items longer than 40 characters. Please shorten the items in your search or use an advanced filter to query by specific fields.";
    throw new ApiError("E0000001", `'q': ${s}`, [`q: ${s}`]);
  }
  if (words.length > 10) throw new ApiError("E0000001", "'q': Freeform search cannot contain more than 10 items.", ["q: Freeform search cannot contain more than 10 items."]);
  return words;
}

function readFilter(filter: string | undefined): FilterNode | null {
  if (filter === undefined || filter.trim() === "") return null;
  let tree: FilterNode;
  try {
    tree = parseLogFilter(filter);
  } catch (err) {
    if (err instanceof FilterSyntaxError) throw new ApiError("E0000053", `Invalid filter '${filter}': ${err.message}`);
    throw err;
  }
  for (const path of filterPaths(tree)) {
    if (!LOG_FIELDS.has(path[0]!)) throw new ApiError("E0000053", `field is not valid: ${path.join(".")}`);
  }
  // Okta: co is not supported on the request URL of debugData.
  const unsupported = (n: FilterNode): string | null =>
    n.kind === "cmp" && n.op === "co" && /^debugContext\.debugData\.(url|requestUri)$/.test(n.path.join("."))
      ? n.path.join(".")
      : n.kind === "and" || n.kind === "or"
        ? (unsupported(n.left) ?? unsupported(n.right))
        : n.kind === "not"
          ? unsupported(n.node)
          : null;
  const field = unsupported(tree);
  if (field) throw new ApiError("E0000031", undefined, [`The supplied combination of operator and field is not currently supported. Operator: co, Field: ${field}`]);
  return tree;
}

/**
 * The cursor is opaque to clients (Okta: "only Okta generates it"): the last event's published time, its chunk's
 * seq and its position in the chunk (log/read.ts).
 */
const encodeCursor = (c: LogCursor) => btoa(`${c.published}.${c.seq}.${c.index}`).replace(/=+$/, "");
function decodeCursor(after: string | undefined): LogCursor | null {
  if (after === undefined) return null;
  const m = /^(\d{1,15})\.(\d{1,15})\.(\d{1,9})$/.exec((() => { try { return atob(after); } catch { return ""; } })());
  if (!m) throw new ApiError("E0000001", "'after': is not a cursor from a Link header.", ["after: is not a cursor from a Link header."]);
  return { published: Number(m[1]), seq: Number(m[2]), index: Number(m[3]) };
}

function links(c: Context<AppEnv>, next: string | null): void {
  const self = new URL(c.req.url);
  const base = `${orgBase(c.env, c.req.url)}/api/v1/logs`;
  c.header("Link", `<${base}${self.search}>; rel="self"`, { append: true });
  if (next !== null) {
    const params = new URLSearchParams(self.search);
    params.set("after", next);
    c.header("Link", `<${base}?${params}>; rel="next"`, { append: true });
  }
}

export const logs = new Hono<AppEnv>().get("/", async (c) => {
  const parsed = LogQuery.safeParse(c.req.query());
  if (!parsed.success) {
    throw new ApiError("E0000001", "'sortOrder': must be ASCENDING or DESCENDING.", ["sortOrder: must be ASCENDING or DESCENDING."]);
  }
  const q = parsed.data;
  const now = c.get("now");
  const until = readDate("until", q.until);
  const since = readDate("since", q.since);
  if (since !== undefined && since < now - OLDEST_SINCE_MS) {
    throw new ApiError("E0000053", "Invalid parameter: The since parameter is over 180 days prior to the current day.");
  }
  if (since !== undefined && until !== undefined && since > until) {
    throw new ApiError("E0000001", "'since': must be before until.", ["since: must be before until."]);
  }
  const order = q.sortOrder ?? "ASCENDING";
  const polling = until === undefined && order === "ASCENDING";
  // Okta: events past the retention window are not returned; the query itself still succeeds.
  const retained = now - config(c.env).LOG_RETENTION_DAYS * DAY_MS;
  const after = decodeCursor(q.after);
  const page = await readLogPage(c.env.DB, {
    since: Math.max(since ?? (until ?? now) - DEFAULT_WINDOW_MS, retained),
    until: until ?? (polling ? null : now),
    filter: readFilter(q.filter),
    keywords: readKeywords(q.q),
    limit: readLimit(q.limit),
    order,
    polling,
    after,
  });
  const lastCursor = page.last ? encodeCursor(page.last) : (q.after ?? null);
  // Polling: a next link always (where the client is, when nothing new came). Bounded: only when more remain.
  const next = polling ? (lastCursor ?? encodeCursor({ published: 0, seq: 0, index: 0 })) : page.more && page.last ? encodeCursor(page.last) : null;
  links(c, next);
  return c.json(page.events satisfies LogEvent[]);
});
