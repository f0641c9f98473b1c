import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { AttrOp, FilterNode, Literal } from "../../src/log/filter";
import { parseLogFilter } from "../../src/log/filter";
import { matchesFilter, matchesKeywords, requiredEventTypes } from "../../src/log/filter-eval";

/**
 * The JS evaluator answers as the SQL the filter was compiled to before the log was chunked (json_extract over the
 * stored JSON, in SQLite): every operator against every kind of JSON value, directly and under `not` (SQL's
 * three-valued logic), checked against SQLite itself. The oracle below is that compilation, for one comparison.
 */
const VALUES: Record<string, unknown> = {
  text: "Abc",
  empty: "",
  digits: "12",
  int: 12,
  real: 1.5,
  yes: true,
  no: false,
  nul: null,
  object: { a: 1 },
  list: [1, 2],
  accent: "é",
};
const FIELDS = [...Object.keys(VALUES), "absent"];
const LITERALS: Literal[] = ["Abc", "A", "bc", "", "12", 12, 1, 0, 1.5, true, false, null, "é", "{", "ABC", "Abd"];
const OPS: AttrOp[] = ["eq", "ne", "gt", "ge", "lt", "le", "sw", "ew", "co"];

const sqlLiteral = (v: Literal) => (typeof v === "string" ? `'${v.replace(/'/g, "''")}'` : typeof v === "boolean" ? (v ? "1" : "0") : String(v));

/** The pre-chunk SQL (store/log-events.ts) for `expr op value`, with the value inlined instead of bound. */
function oracle(expr: string, op: AttrOp, value: Literal): string {
  if (value === null) {
    if (op === "eq") return `${expr} IS NULL`;
    if (op === "ne") return `${expr} IS NOT NULL`;
  }
  const b = value === null ? "NULL" : sqlLiteral(value);
  switch (op) {
    case "eq": return `${expr} = ${b}`;
    case "ne": return `(${expr} IS NULL OR ${expr} <> ${b})`;
    case "gt": return `${expr} > ${b}`;
    case "ge": return `${expr} >= ${b}`;
    case "lt": return `${expr} < ${b}`;
    case "le": return `${expr} <= ${b}`;
    case "sw": return `substr(${expr}, 1, length(${b})) = ${b}`;
    case "ew": return `(length(${expr}) >= length(${b}) AND substr(${expr}, -length(${b})) = ${b})`;
    case "co": return `instr(${expr}, ${b}) > 0`;
  }
}

const event = { eventType: "user.session.start", debugContext: { debugData: VALUES }, target: [{ id: "a", n: 1 }, { id: "b", n: null }] };

describe("matchesFilter answers as SQLite did", () => {
  it.each(FIELDS)("debugContext.debugData.%s with every operator and literal, and under not", async (field) => {
    const expr = `json_extract(?1, '$.debugContext.debugData.${field}')`;
    // One query per operator: D1 limits the columns of a result.
    const rows = await env.DB.batch(
      OPS.map((op) =>
        env.DB.prepare(`SELECT ${LITERALS.map((v, i) => `(${oracle(expr, op, v)}) AS c${i}, (NOT (${oracle(expr, op, v)})) AS n${i}`).join(", ")}, (${expr} IS NOT NULL) AS pr`).bind(JSON.stringify(event)),
      ),
    );
    const path = ["debugContext", "debugData", field];
    OPS.forEach((op, o) => {
      const row = rows[o]!.results[0] as Record<string, number | null>;
      LITERALS.forEach((value, i) => {
        const node: FilterNode = { kind: "cmp", path, op, value };
        const what = `${field} ${op} ${JSON.stringify(value)}`;
        expect(matchesFilter(node, event), what).toBe(row[`c${i}`] === 1);
        expect(matchesFilter({ kind: "not", node }, event), `not (${what})`).toBe(row[`n${i}`] === 1);
      });
    });
    const row = rows[0]!.results[0] as Record<string, number | null>;
    expect(matchesFilter({ kind: "pr", path }, event)).toBe(row.pr === 1);
  });

  it.each([
    ['target.id eq "b"', true],
    ['target.id eq "c"', false],
    ["target.n eq 1", true],
    ["not (target.n eq 1)", false],
    ["target.n pr", true],
    ['not (target.id eq "c")', true],
    ['target eq "x"', false],
    ['debugContext.debugData.nul eq "x" or eventType eq "user.session.start"', true],
    ['not (debugContext.debugData.nul eq "x" or eventType eq "other")', false],
    ['not (debugContext.debugData.nul eq "x" and eventType eq "other")', true],
  ])("%s is %s (arrays: any element; unknown is not true)", (filter, expected) => {
    expect(matchesFilter(parseLogFilter(filter), event)).toBe(expected);
  });
});

describe("matchesKeywords", () => {
  it("needs every keyword, case-insensitively in ASCII, in the event's JSON", () => {
    expect(matchesKeywords(["USER.session", "abc"], event)).toBe(true);
    expect(matchesKeywords(["user", "missing"], event)).toBe(false);
    // SQLite's lower() folds ASCII only.
    expect(matchesKeywords(["É"], event)).toBe(false);
  });
});

describe("requiredEventTypes", () => {
  it.each([
    ['eventType eq "a"', ["a"]],
    ['eventType eq "a" or eventType eq "b"', ["a", "b"]],
    ['eventType eq "a" and actor.id eq "x"', ["a"]],
    ['eventType eq "a" and eventType eq "b"', []],
    ['eventType eq "a" or actor.id eq "x"', null],
    ['not (eventType eq "a")', null],
    ['eventType sw "a"', null],
  ])("%s needs %j", (filter, types) => {
    const got = requiredEventTypes(parseLogFilter(filter));
    expect(got === null ? null : [...got].sort()).toEqual(types);
  });
});
