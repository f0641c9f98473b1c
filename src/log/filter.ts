/**
 * Okta's System Log filter (SCIM 2.0 filtering, RFC 7644 3.4.2.2, as Okta's Core API reference narrows it):
 * attribute operators eq ne gt ge lt le pr sw ew co; logical and, or, not; parentheses. Operators are
 * case-insensitive, attribute names case-sensitive. Pure: parses to a tree that filter-eval.ts evaluates
 * against each event.
 * A filter that does not parse is Okta's 400 E0000053 with the position, as Okta words it.
 */

export type AttrOp = "eq" | "ne" | "gt" | "ge" | "lt" | "le" | "sw" | "ew" | "co";
export type Literal = string | number | boolean | null;

export type FilterNode =
  | { kind: "cmp"; path: string[]; op: AttrOp; value: Literal }
  | { kind: "pr"; path: string[] }
  | { kind: "and" | "or"; left: FilterNode; right: FilterNode }
  | { kind: "not"; node: FilterNode };

export class FilterSyntaxError extends Error {}

const OPS = ["eq", "ne", "gt", "ge", "lt", "le", "sw", "ew", "co"] as const;
/** Okta's wording of the operators it expects after an attribute. */
const EXPECTED = "eq,co,sw,pr,gt,ge,lt,le";
const MAX_LENGTH = 2000;
const MAX_DEPTH = 32;

/** LogEvent's top-level fields (Okta's LogEvent schema): the roots a filter may name. */
export const LOG_FIELDS = new Set([
  "uuid", "published", "eventType", "version", "severity", "legacyEventType", "displayMessage", "actor", "client",
  "device", "authenticationContext", "outcome", "securityContext", "debugContext", "transaction", "request", "target",
]);

type Token = { type: "word" | "string" | "number" | "lparen" | "rparen"; text: string; value?: Literal; pos: number };

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i]!;
    if (/\s/.test(ch)) { i++; continue; }
    if (ch === "(" || ch === ")") { tokens.push({ type: ch === "(" ? "lparen" : "rparen", text: ch, pos: i }); i++; continue; }
    if (ch === '"') {
      // A JSON string literal (RFC 7644: values are JSON).
      let j = i + 1;
      while (j < input.length && input[j] !== '"') j += input[j] === "\\" ? 2 : 1;
      if (j >= input.length) throw new FilterSyntaxError(`Unterminated string at position ${i}`);
      const text = input.slice(i, j + 1);
      let value: string;
      try { value = JSON.parse(text) as string; } catch { throw new FilterSyntaxError(`Invalid string at position ${i}`); }
      tokens.push({ type: "string", text, value, pos: i });
      i = j + 1;
      continue;
    }
    const m = /^[^\s()"]+/.exec(input.slice(i))!;
    const text = m[0];
    if (/^-?\d+(\.\d+)?$/.test(text)) tokens.push({ type: "number", text, value: Number(text), pos: i });
    else tokens.push({ type: "word", text, pos: i });
    i += text.length;
  }
  return tokens;
}

/** Parses a filter; throws FilterSyntaxError (Okta: E0000053) or, for an unknown field, FilterFieldError. */
export function parseLogFilter(input: string): FilterNode {
  if (input.length > MAX_LENGTH) throw new FilterSyntaxError(`The filter is longer than ${MAX_LENGTH} characters`);
  const tokens = tokenize(input);
  let at = 0;
  const peek = () => tokens[at];
  const word = (t: Token | undefined, w: string) => t?.type === "word" && t.text.toLowerCase() === w;

  function or(depth: number): FilterNode {
    let left = and(depth);
    while (word(peek(), "or")) { at++; left = { kind: "or", left, right: and(depth) }; }
    return left;
  }
  function and(depth: number): FilterNode {
    let left = unary(depth);
    while (word(peek(), "and")) { at++; left = { kind: "and", left, right: unary(depth) }; }
    return left;
  }
  function unary(depth: number): FilterNode {
    if (depth > MAX_DEPTH) throw new FilterSyntaxError("The filter is nested too deeply");
    const t = peek();
    if (!t) throw new FilterSyntaxError(`Unexpected end of filter at position ${input.length}`);
    if (word(t, "not")) { at++; return { kind: "not", node: unary(depth + 1) }; }
    if (t.type === "lparen") {
      at++;
      const inner = or(depth + 1);
      if (peek()?.type !== "rparen") throw new FilterSyntaxError(`Expected ')' at position ${peek()?.pos ?? input.length}`);
      at++;
      return inner;
    }
    return comparison(t);
  }
  function comparison(attr: Token): FilterNode {
    if (attr.type !== "word" || !/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(attr.text)) {
      throw new FilterSyntaxError(`Unexpected '${attr.text}' at position ${attr.pos}. Expected an attribute name`);
    }
    at++;
    const path = attr.text.split(".");
    const opToken = peek();
    if (!opToken) throw new FilterSyntaxError(`Missing attribute operator at position ${input.length}. Expected: ${EXPECTED}`);
    const op = opToken.text.toLowerCase();
    if (opToken.type === "word" && op === "pr") { at++; return { kind: "pr", path }; }
    if (opToken.type !== "word" || !(OPS as readonly string[]).includes(op)) {
      throw new FilterSyntaxError(`Unrecognized attribute operator '${opToken.text}' at position ${opToken.pos}. Expected: ${EXPECTED}`);
    }
    at++;
    const v = peek();
    if (!v) throw new FilterSyntaxError(`Missing value at position ${input.length}`);
    at++;
    if (v.type === "string" || v.type === "number") return { kind: "cmp", path, op: op as AttrOp, value: v.value! };
    if (v.type === "word" && ["true", "false", "null"].includes(v.text)) return { kind: "cmp", path, op: op as AttrOp, value: JSON.parse(v.text) as Literal };
    throw new FilterSyntaxError(`Invalid value '${v.text}' at position ${v.pos}. Values are quoted strings, numbers, true, false or null`);
  }

  const tree = or(0);
  if (at < tokens.length) throw new FilterSyntaxError(`Unexpected '${tokens[at]!.text}' at position ${tokens[at]!.pos}`);
  return tree;
}

/** Every attribute path the filter names, for checking them against LogEvent's fields. */
export function filterPaths(node: FilterNode): string[][] {
  switch (node.kind) {
    case "cmp":
    case "pr":
      return [node.path];
    case "not":
      return filterPaths(node.node);
    default:
      return [...filterPaths(node.left), ...filterPaths(node.right)];
  }
}
