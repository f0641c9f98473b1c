import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  evaluateExpression,
  parseExpression,
  safeRegex,
  SUPPORTED_FUNCTIONS,
  type EvalResult,
  type ParseResult,
} from "../../../src/policy/expression";
import { lookupFunction } from "../../../src/policy/expression/functions";
import { clientContext, userContext } from "./fixture";

const INTERNAL_PARSE_ERROR = "expression could not be parsed";
const INTERNAL_EVAL_ERROR = "expression could not be evaluated";

/** A parse outcome is either a tree or a typed error whose position lies inside the source. */
function checkParse(source: string, result: ParseResult): void {
  if (result.ok) return;
  expect(typeof result.error.message).toBe("string");
  expect(result.error.message).not.toBe("");
  expect(result.error.message).not.toBe(INTERNAL_PARSE_ERROR);
  expect(Number.isInteger(result.error.position)).toBe(true);
  expect(result.error.position).toBeGreaterThanOrEqual(0);
  expect(result.error.position).toBeLessThanOrEqual(source.length);
}

/** An evaluation outcome is JSON or a message, never a throw and never the catch-all for bugs. */
function checkEval(result: EvalResult): void {
  if (result.ok) {
    expect(JSON.parse(JSON.stringify(result.value) ?? "null")).toEqual(result.value);
  } else {
    expect(result.error).not.toBe(INTERNAL_EVAL_ERROR);
    expect(result.error).not.toBe("");
  }
}

function parseAndEvaluate(source: string): void {
  const result = parseExpression(source);
  checkParse(source, result);
  if (!result.ok) return;
  checkEval(evaluateExpression(result.ast, userContext()));
  checkEval(evaluateExpression(result.ast, clientContext()));
}

const TOKENS = [
  "(", ")", "[", "]", "{", "}", ",", ".", "?.", "?", ":", "?:", "+", "-", "*", "/", "%", "!", "==", "!=", "<", ">",
  "<=", ">=", "&&", "||", "AND", "OR", "and", "or", "not", "NOT", "true", "false", "null", "NULL", "0", "1", "-1",
  "3.5", "1e3", "100", "101", "'a'", "'OKTA'", '""', "'IT'", '"@"', "'(a+)+'", "'.*'", "'$1'", "'", '"', "user",
  "appuser", "app", "org", "access", "email", "firstName", "profile", "scope", "tags", "clientId", "id",
  "getInternalProperty", "String", "Arrays", "Convert", "Time", "Groups", "idpuser", "__proto__", "constructor",
  ...SUPPORTED_FUNCTIONS,
];

const tokenSoup = fc
  .array(fc.tuple(fc.constantFrom(...TOKENS), fc.constantFrom("", " ", "  ")), { maxLength: 40 })
  .map((parts) => parts.map(([token, space]) => token + space).join(""));

const LEAVES = [
  "1", "0", "-2", "3.5", "100", "'x'", "''", "'OKTA'", "'IT'", "'a@b.c'", "'.*'", "'[a-z]+'", "'$1'", "true", "false",
  "null", "{}", "{1, 2}", "{'a', null}", "user", "user.email", "user.firstName", "user.missing", "user.salary",
  "user.isContractor", "user.tags", "user.address", "user.address.city", "appuser", "appuser.userName", "app.clientId",
  "app.profile", "app.profile.allowlist", "app.profile.nested", "org.name", "access.scope", "access.scope[0]",
  "user.tags[1]", "user['email']", "'UTC'", "'yyyy-MM-dd'", "'group.name'", "'00g2'", "'2015-07-31T17:18:37Z'",
];

/** Well-formed expressions with calls of the right arity, so that most of them parse and get evaluated. */
const { expr: wellFormed } = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: "small", maxDepth: 5 },
    fc.constantFrom(...LEAVES),
    fc
      .tuple(tie("expr"), fc.constantFrom("+", "-", "*", "/", "%", "==", "!=", "<", ">", "<=", ">=", "AND", "OR", "?:"), tie("expr"))
      .map(([a, op, b]) => `(${a} ${op} ${b})`),
    fc.tuple(fc.constantFrom("!", "-", "not "), tie("expr")).map(([op, a]) => `${op}(${a})`),
    fc.tuple(tie("expr"), tie("expr"), tie("expr")).map(([a, b, c]) => `(${a} ? ${b} : ${c})`),
    fc.array(tie("expr"), { maxLength: 3 }).map((items) => `{${items.join(", ")}}`),
    fc.tuple(fc.constantFrom(...SUPPORTED_FUNCTIONS), fc.array(tie("expr"), { maxLength: 6 })).map(([name, pool]) => {
      const spec = lookupFunction(name);
      const min = spec?.minArgs ?? 0;
      const max = Math.min(spec?.maxArgs ?? 0, min + 4);
      let count = Math.min(Math.max(pool.length, min), max);
      if (spec?.pairs && (count - min) % 2 === 1) count--;
      const args = Array.from({ length: count }, (_, i) => pool[i] ?? "'x'");
      return name === "user.getInternalProperty" ? `user.getInternalProperty(${args.join(", ")})` : `${name}(${args.join(", ")})`;
    }),
  ),
}));

describe("parseExpression never throws", () => {
  it("on arbitrary strings", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: "binary" }), fc.string({ unit: "grapheme", maxLength: 200 })), (source) => {
        checkParse(source, parseExpression(source));
      }),
      { numRuns: 2000 },
    );
  });

  it("on token soups, and what parses evaluates without throwing", () => {
    fc.assert(fc.property(tokenSoup, parseAndEvaluate), { numRuns: 3000 });
  });

  it("on well-formed expressions, and every one evaluates without throwing", () => {
    let parsed = 0;
    fc.assert(
      fc.property(wellFormed, (source) => {
        const result = parseExpression(source);
        checkParse(source, result);
        if (!result.ok) return;
        parsed++;
        checkEval(evaluateExpression(result.ast, userContext()));
        checkEval(evaluateExpression(result.ast, clientContext()));
        // Deterministic: the same tree and context give the same outcome.
        expect(evaluateExpression(result.ast, userContext())).toEqual(evaluateExpression(result.ast, userContext()));
      }),
      { numRuns: 3000 },
    );
    // The generator is meant to exercise the evaluator, so most of its output must get past the parser.
    expect(parsed).toBeGreaterThan(1000);
  });

  it("on truncations of valid expressions (an admin mid-edit)", () => {
    fc.assert(
      fc.property(wellFormed, fc.nat(), (source, cut) => {
        const prefix = source.slice(0, cut % (source.length + 1));
        checkParse(prefix, parseExpression(prefix));
      }),
      { numRuns: 1000 },
    );
  });

  it("on arbitrary trees handed straight to the evaluator", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (tree) => {
        const result = evaluateExpression(tree as never, userContext());
        expect(typeof result.ok).toBe("boolean");
      }),
      { numRuns: 500 },
    );
  });
});

describe("safeRegex never throws and never runs long", () => {
  const patternChars = fc.constantFrom(..."ab()[]{}*+?|^$.\\-,:=!<>0123dwsbkx_ ".split(""), "(?:", "(?<n>", "{2}", "{1,3}", "\\d", "\\1");
  const pattern = fc.array(patternChars, { maxLength: 24 }).map((parts) => parts.join(""));
  const input = fc.string({ unit: fc.constantFrom(..."ab _-1x!".split("")), maxLength: 200 });

  it("on arbitrary patterns and inputs", () => {
    const started = performance.now();
    fc.assert(
      fc.property(pattern, input, fc.constantFrom("full" as const, "partial" as const), (source, text, mode) => {
        const compiled = safeRegex(source, { mode });
        if (!compiled.ok) {
          expect(compiled.position).toBeGreaterThanOrEqual(0);
          expect(compiled.position).toBeLessThanOrEqual(source.length);
          return;
        }
        const runStarted = performance.now();
        const tested = compiled.regex.test(text);
        const replaced = compiled.regex.replace(text, "<$0>", true);
        expect(typeof tested.ok).toBe("boolean");
        expect(typeof replaced.ok).toBe("boolean");
        expect(performance.now() - runStarted).toBeLessThan(250);
      }),
      { numRuns: 3000 },
    );
    expect(performance.now() - started).toBeLessThan(15_000);
  });
});
