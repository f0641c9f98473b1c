/**
 * Evaluates a System Log filter (filter.ts) and `q` keywords against one event, in JS: the log is stored as
 * compressed chunks (store/log-chunks.ts), so no SQL can look inside an event. The semantics are SQLite's, as the
 * filter was compiled to SQL before chunks (json_extract over the stored JSON), so answers did not change:
 * - a path reads the JSON value; JSON null and a missing field are both NULL; booleans are the numbers 1 and 0
 *   (a filter's true and false too); an object or array is its JSON text;
 * - a path through an array (target[], request.ipChain[]) matches when any element matches (Okta's target.id);
 * - comparisons are SQL's three-valued logic: a comparison with NULL is unknown, `not` of unknown is unknown, and
 *   only true selects an event; numbers sort before text, text compares by code point (SQLite's BINARY);
 * - sw, ew and co compare the value's text (a number's digits); `q` matches ASCII-case-insensitively in the
 *   event's JSON text (SQLite's lower() folds ASCII only), every keyword must match (Okta).
 * Pure: no storage, no clock.
 */
import type { AttrOp, FilterNode, Literal } from "./filter";

/** Fields of LogEvent that hold arrays of objects. */
const ARRAYS = [["target"], ["request", "ipChain"]];

/** A value as SQLite sees it: NULL, a number or text. */
type SqlValue = number | string | null;
/** SQL's three-valued truth: null is unknown. */
type Truth = boolean | null;

function toSql(v: unknown): SqlValue {
  if (v === null || v === undefined) return null;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "number" || typeof v === "string") return v;
  return JSON.stringify(v);
}

function read(root: unknown, path: string[]): SqlValue {
  let v: unknown = root;
  for (const segment of path) {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return null;
    v = (v as Record<string, unknown>)[segment];
  }
  return toSql(v);
}

const text = (v: number | string): string => (typeof v === "number" ? String(v) : v);

/** SQLite's order of two non-NULL values: numbers before text, text by code point (UTF-8 byte order). */
function compare(a: number | string, b: number | string): number {
  if (typeof a === "number" && typeof b === "number") return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === "number") return -1;
  if (typeof b === "number") return 1;
  if (a === b) return 0;
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done || y.done) return x.done ? (y.done ? 0 : -1) : 1;
    const cx = x.value.codePointAt(0)!;
    const cy = y.value.codePointAt(0)!;
    if (cx !== cy) return cx < cy ? -1 : 1;
  }
}

function comparison(v: SqlValue, op: AttrOp, literal: Literal): Truth {
  const b = toSql(literal);
  switch (op) {
    case "eq": return b === null ? v === null : v === null ? null : compare(v, b) === 0;
    case "ne": return b === null ? v !== null : v === null || compare(v, b) !== 0;
    case "gt": return v === null || b === null ? null : compare(v, b) > 0;
    case "ge": return v === null || b === null ? null : compare(v, b) >= 0;
    case "lt": return v === null || b === null ? null : compare(v, b) < 0;
    case "le": return v === null || b === null ? null : compare(v, b) <= 0;
    // substr(v, 1, length(b)) = b: substr's text never equals a number, so only a text literal can match.
    case "sw": return v === null || b === null ? null : typeof b === "string" && text(v).startsWith(b);
    // substr(v, -length(b)) = b, where substr(v, -0) is all of v: "" matches only "".
    case "ew": return v === null || b === null ? null : typeof b === "string" && (b === "" ? text(v) === "" : text(v).endsWith(b));
    // instr(v, b) > 0 reads both as text.
    case "co": return v === null || b === null ? null : text(v).includes(text(b));
  }
}

/** One attribute's test: over the array's elements (true when any element's is true) or on the event. */
function attribute(event: object, path: string[], test: (v: SqlValue) => Truth): Truth {
  const array = ARRAYS.find((a) => a.every((s, i) => path[i] === s) && path.length > a.length);
  if (!array) return test(read(event, path));
  let container: unknown = event;
  for (const s of array) container = container !== null && typeof container === "object" ? (container as Record<string, unknown>)[s] : undefined;
  if (container === null || typeof container !== "object") return false;
  // json_each walks an array's elements, or an object's member values.
  const elements = Array.isArray(container) ? container : Object.values(container);
  const rest = path.slice(array.length);
  return elements.some((element) => test(read(element, rest)) === true);
}

function evaluate(node: FilterNode, event: object): Truth {
  switch (node.kind) {
    case "cmp": return attribute(event, node.path, (v) => comparison(v, node.op, node.value));
    case "pr": return attribute(event, node.path, (v) => v !== null);
    case "not": {
      const t = evaluate(node.node, event);
      return t === null ? null : !t;
    }
    case "and": {
      const l = evaluate(node.left, event);
      if (l === false) return false;
      const r = evaluate(node.right, event);
      return r === false ? false : l === null || r === null ? null : true;
    }
    case "or": {
      const l = evaluate(node.left, event);
      if (l === true) return true;
      const r = evaluate(node.right, event);
      return r === true ? true : l === null || r === null ? null : false;
    }
  }
}

/** Whether the filter selects the event (only true selects, as in a WHERE clause). */
export const matchesFilter = (node: FilterNode, event: object): boolean => evaluate(node, event) === true;

const asciiLower = (s: string) => s.replace(/[A-Z]+/g, (m) => m.toLowerCase());

/** Okta's q: every keyword occurs, ASCII-case-insensitively, in the event's JSON text. */
export function matchesKeywords(keywords: string[], event: object): boolean {
  if (!keywords.length) return true;
  const body = asciiLower(JSON.stringify(event));
  return keywords.every((k) => body.includes(asciiLower(k)));
}

/**
 * The event types an event must have for the filter to select it, or null when any type might: lets a reader skip
 * chunks that hold none of them. `eventType eq "x"` names one; `and` needs both sides (either bounds it); `or`
 * needs one side (both must bound it); `not` bounds nothing.
 */
export function requiredEventTypes(node: FilterNode): Set<string> | null {
  switch (node.kind) {
    case "cmp":
      return node.op === "eq" && node.path.length === 1 && node.path[0] === "eventType" && typeof node.value === "string" ? new Set([node.value]) : null;
    case "pr":
    case "not":
      return null;
    case "and": {
      const l = requiredEventTypes(node.left);
      const r = requiredEventTypes(node.right);
      if (l && r) return new Set([...l].filter((t) => r.has(t)));
      return l ?? r;
    }
    case "or": {
      const l = requiredEventTypes(node.left);
      const r = requiredEventTypes(node.right);
      return l && r ? new Set([...l, ...r]) : null;
    }
  }
}
