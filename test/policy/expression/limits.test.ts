import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS, evaluateExpression, parseExpression, type Expr } from "../../../src/policy/expression";
import { userContext } from "./fixture";

function parsed(source: string): Expr {
  const result = parseExpression(source);
  if (!result.ok) throw new Error(result.error.message);
  return result.ast;
}

describe("default limits", () => {
  it("are the documented values", () => {
    expect(DEFAULT_LIMITS).toEqual({
      maxSourceLength: 1024,
      maxDepth: 32,
      maxSteps: 10_000,
      maxStringLength: 4096,
      maxArrayLength: 100,
      maxRegexLength: 256,
      maxRegexInputLength: 1024,
      maxRegexWork: 2_000_000,
    });
  });
});

describe("parse-time limits", () => {
  it("rejects source longer than the limit at the first character past it", () => {
    expect(parseExpression("'" + "x".repeat(1100) + "'")).toEqual({
      ok: false,
      error: { message: "expression longer than 1024 characters", position: 1024 },
    });
  });

  it("accepts source at the limit", () => {
    expect(parseExpression("'" + "x".repeat(1022) + "'").ok).toBe(true);
  });

  it.each<[string, string]>([
    ["10,000 open parentheses", "(".repeat(10_000) + "1" + ")".repeat(10_000)],
    ["10,000 unclosed parentheses", "(".repeat(10_000)],
    ["10,000 negations", "!".repeat(10_000) + "true"],
    ["10,000 unary minuses", "-".repeat(10_000) + "1"],
    ["10,000 nested lists", "{".repeat(10_000) + "}".repeat(10_000)],
    ["10,000 nested calls", "String.len(".repeat(10_000) + "'x'" + ")".repeat(10_000)],
    ["10,000 nested ternaries", "true ? ".repeat(10_000) + "1" + " : 2".repeat(10_000)],
    ["10,000 nested indexes", "user" + "[user".repeat(10_000) + "]".repeat(10_000)],
  ])("rejects %s quickly, without overflowing the stack", (_name, source) => {
    const result = parseExpression(source, { maxSourceLength: 1_000_000 });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.message).toBe("expression is nested more than 32 levels deep");
      // Quick because it stops where the 33rd level opens, within the first few hundred characters, instead of
      // building a 10,000-deep tree (no wall-clock bound: speed is measured in the bench, never in timed tests).
      expect(result.error.position).toBeLessThan(33 * "String.len(".length);
    }
  });

  it("rejects a long flat chain whose tree is deeper than the limit", () => {
    expect(parseExpression("1" + " + 1".repeat(40))).toEqual({
      ok: false,
      error: { message: "expression is nested more than 32 levels deep", position: 0 },
    });
  });

  it("accepts nesting up to the limit", () => {
    expect(parseExpression("(".repeat(31) + "1" + ")".repeat(31)).ok).toBe(true);
    expect(parseExpression("1" + " + 1".repeat(30)).ok).toBe(true);
  });

  it("refuses a million characters of operators without overflowing the stack", () => {
    const source = "1 + ".repeat(250_000) + "1";
    // The chain is read iteratively, once; its speed is the bench's business, never a timed test's.
    expect(parseExpression(source, { maxSourceLength: 2_000_000 })).toEqual({
      ok: false,
      error: { message: "expression is nested more than 32 levels deep", position: 0 },
    });
  });

  it("refuses a huge string literal at the length limit, before reading the rest", () => {
    const source = "'" + "x".repeat(1_000_000) + "'";
    expect(parseExpression(source)).toEqual({ ok: false, error: { message: "expression longer than 1024 characters", position: 1024 } });
  });

  it("honours overrides, and ignores nonsense overrides", () => {
    expect(parseExpression("1 + 1", { maxSourceLength: 3 }).ok).toBe(false);
    expect(parseExpression("1 + 1", { maxSourceLength: -1 }).ok).toBe(true);
    expect(parseExpression("1 + 1", { maxDepth: Number.NaN }).ok).toBe(true);
  });
});

describe("evaluation limits", () => {
  it("stops after the step budget", () => {
    const ast = parsed("1" + " + 1".repeat(20));
    expect(evaluateExpression(ast, userContext(), { maxSteps: 10 })).toEqual({
      ok: false,
      error: "evaluation exceeded 10 steps (at position 0)",
    });
    expect(evaluateExpression(ast, userContext())).toEqual({ ok: true, value: 21 });
  });

  it("bounds strings built by concatenation", () => {
    const ctx = userContext();
    if (ctx.user) ctx.user.profile["bio"] = "x".repeat(3000);
    expect(evaluateExpression(parsed("user.bio + user.bio"), ctx)).toEqual({
      ok: false,
      error: "string longer than 4096 characters (at position 0)",
    });
  });

  it("bounds strings read from the context", () => {
    const ctx = userContext();
    if (ctx.user) ctx.user.profile["bio"] = "x".repeat(5000);
    expect(evaluateExpression(parsed("user.bio"), ctx)).toEqual({
      ok: false,
      error: "string longer than 4096 characters (at position 0)",
    });
  });

  it("bounds strings built by functions", () => {
    const ctx = userContext();
    if (ctx.user) ctx.user.profile["bio"] = "x".repeat(1000);
    const result = evaluateExpression(parsed('String.replace(user.bio, "x", "yyyyy")'), ctx);
    expect(result).toEqual({ ok: false, error: "string longer than 4096 characters (at position 0)" });
    const joined = evaluateExpression(parsed('String.join(user.bio, "a", "b", "c", "d", "e", "f")'), ctx);
    expect(joined.ok).toBe(false);
  });

  it("bounds arrays (Okta fails a groups claim above 100 groups)", () => {
    const ctx = userContext({
      app: { id: "0oa1", clientId: "c", label: "l", profile: { many: Array.from({ length: 60 }, (_, i) => i) } },
    });
    expect(evaluateExpression(parsed("Arrays.flatten(app.profile.many, app.profile.many)"), ctx)).toEqual({
      ok: false,
      error: "array longer than 100 items (at position 0)",
    });
    expect(evaluateExpression(parsed("Arrays.size(app.profile.many)"), ctx)).toEqual({ ok: true, value: 60 });
  });

  it("caps group functions at their limit, however many groups the user has", () => {
    const groups = Array.from({ length: 500 }, (_, i) => ({ id: `00g${i}`, name: `team-${i}` }));
    const base = userContext();
    const ctx = userContext({ user: base.user && { ...base.user, groups } });
    const result = evaluateExpression(parsed('Groups.startsWith("OKTA", "team-", 100)'), ctx);
    expect(result.ok && Array.isArray(result.value) && result.value.length).toBe(100);
  });

  it("refuses a regex run that would be too slow from its work estimate, before running it", () => {
    const ctx = userContext();
    if (ctx.user) ctx.user.profile["bio"] = "a".repeat(1000);
    expect(evaluateExpression(parsed('String.replace(user.bio, ".*a.*b", "")'), ctx)).toEqual({
      ok: false,
      error: "regular expression too complex for an input of 1000 characters (at position 0)",
    });
  });

  it("rejects a pathological regex computed at evaluation time", () => {
    const ctx = userContext();
    if (ctx.user) ctx.user.profile["pattern"] = "(a+)+$";
    const result = evaluateExpression(parsed('String.replace("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", user.pattern, "")'), ctx);
    expect(result).toEqual({
      ok: false,
      error: "invalid pattern: nested quantifiers can backtrack catastrophically (at position 0)",
    });
  });

  it("refuses hand-built trees deeper than the limit instead of overflowing the stack", () => {
    let ast: Expr = { kind: "literal", value: true, pos: 0 };
    for (let i = 0; i < 100_000; i++) ast = { kind: "unary", op: "!", operand: ast, pos: 0 };
    expect(evaluateExpression(ast, userContext())).toEqual({
      ok: false,
      error: "expression is nested more than 32 levels deep (at position 0)",
    });
  });

  it("refuses malformed trees without throwing", () => {
    const bogus = [
      { kind: "nonsense", pos: 0 },
      { kind: "call", name: "eval", args: [], pos: 0 },
      { kind: "call", name: "String.len", args: [], pos: 0 },
      { kind: "member", object: { kind: "root", name: "user", pos: 0 }, name: "__proto__", pos: 0 },
      null,
      { kind: "array", items: null, pos: 0 },
    ] as unknown as Expr[];
    for (const ast of bogus) {
      const result = evaluateExpression(ast, userContext());
      expect(result.ok === false || result.value === null).toBe(true);
    }
  });

  it("never exposes prototypes or functions of the context", () => {
    for (const source of ["user.toString", "app.constructor", "app.profile.__proto__", "org.valueOf", "access.hasOwnProperty"]) {
      expect(evaluateExpression(parsed(source), userContext())).toEqual({ ok: true, value: null });
    }
    expect(evaluateExpression(parsed("user['__proto__']"), userContext())).toEqual({ ok: true, value: null });
  });

  it("does not let a profile key named __proto__ reach the result's prototype", () => {
    const profile = JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
    const ctx = userContext({ app: { id: "0oa1", clientId: "c", label: "l", profile } });
    const result = evaluateExpression(parsed("app.profile"), ctx);
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(JSON.stringify(result.value)).toBe('{"__proto__":{"polluted":true}}');
      expect(Object.getPrototypeOf(result.value)).toBe(Object.prototype);
    }
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
  });
});
