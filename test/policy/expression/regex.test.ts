import { describe, expect, it } from "vitest";
import { safeRegex } from "../../../src/policy/expression";

function compile(pattern: string, mode: "full" | "partial" = "full") {
  const result = safeRegex(pattern, { mode });
  if (!result.ok) throw new Error(`rejected: ${result.error}`);
  return result.regex;
}

describe("safeRegex rejects patterns that can backtrack catastrophically", () => {
  it.each<[string, RegExp]>([
    ["(a+)+", /nested quantifiers/],
    ["(a+)+$", /nested quantifiers/],
    ["^(a+)+$", /nested quantifiers/],
    ["(a*)*", /nested quantifiers/],
    ["(a*)+b", /nested quantifiers/],
    ["(.*)*", /nested quantifiers/],
    ["([a-z]+)*", /nested quantifiers/],
    ["(\\w+\\s?)+$", /nested quantifiers/],
    ["(x+x+)+y", /nested quantifiers/],
    ["(a{1,5})+", /nested quantifiers/],
    ["(a?)+", /nested quantifiers/],
    ["((ab)*c)+", /nested quantifiers/],
    ["(a+){3}", /nested quantifiers/],
    ["(a|a)*", /distinct literal characters/],
    ["(a|aa)+", /distinct literal characters/],
    ["(a|ab)*", /distinct literal characters/],
    ["(.|a)*", /distinct literal characters/],
    ["(a|)*", /distinct literal characters/],
    ["(\\d|1)+", /distinct literal characters/],
    ["a?".repeat(30) + "a".repeat(30), /too many quantifiers/],
    [".*.*.*.*.*.*x", /too many quantifiers/],
    ["(a|b)(c|d)(e|f)(g|h)(i|j)(k|l)(m|n)(o|p)(q|r)(s|t)(u|v)(w|x)(y|z)(a|b)(c|d)(e|f)(g|h)(i|j)(k|l)(m|n)(o|p)", /too many quantifiers or alternatives/],
    ["(a)\\1", /backreferences/],
    ["(?<n>a)\\k<n>", /unsupported escape \\k/],
    ["(?=a)", /lookaround/],
    ["(?!a)", /lookaround/],
    ["(?<=a)b", /lookaround/],
    ["(?<!a)b", /lookaround/],
    ["(?>a+)", /atomic groups/],
    ["(?i)admin", /inline flags/],
    ["a++", /possessive/],
    ["a*+", /possessive/],
    ["a**", /nothing to repeat/],
    ["*a", /nothing to repeat/],
    ["^*", /nothing to repeat/],
    ["a{2", /malformed '\{' quantifier/],
    ["a{,2}", /malformed '\{' quantifier/],
    ["a{3,1}", /out of order/],
    ["a{1001}", /too large/],
    ["[a", /unterminated character class/],
    ["[]a]", /leading '\]'/],
    ["[a[b]]", /nested character classes/],
    ["[a-z&&[^e]]", /intersection/],
    ["[z-a]", /out of order/],
    ["[\\d-z]", /ambiguous '-'|class shorthand/],
    ["(a", /unterminated group/],
    ["a)", /unmatched '\)'/],
    ["a}", /escape a literal '\}'/],
    ["\\Qa\\E", /unsupported escape/],
    ["\\p{L}", /unsupported escape/],
    ["\\v", /unsupported escape/],
    ["a\\", /ends with a backslash/],
    ["\\x4", /hex digits/],
    ["😀+", /Basic Multilingual Plane/],
    ["x".repeat(257), /longer than 256/],
  ])("%s", (pattern, message) => {
    const started = performance.now();
    const result = safeRegex(pattern);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error).toMatch(message);
      expect(result.position).toBeGreaterThanOrEqual(0);
      expect(result.position).toBeLessThanOrEqual(Math.max(pattern.length, 256));
    }
    expect(performance.now() - started).toBeLessThan(50);
  });
});

describe("safeRegex accepts ordinary patterns", () => {
  it.each<[string, string, boolean]>([
    ["^[a-z]+@[a-z]+\\.[a-z]+$", "ada@example.com", true],
    ["[a-z]+@[a-z]+\\.[a-z]+", "ADA@example.com", false],
    ["(ab)+", "ababab", true],
    ["(\\d{3}-)+\\d{4}", "555-123-4567", true],
    ["(?:foo|bar)+", "foobarfoo", true],
    ["(?:foo|bar)+", "foobaz", false],
    [".*Admin.*", "IT-Admins", true],
    ["admin", "IT-admins", false],
    ["IT-.*|Sales", "Sales", true],
    ["[^a-z0-9_.-]", "x", false],
    ["\\s+", "  ", true],
    ["a{2,3}", "aaa", true],
    ["a{2,}?", "aaaa", true],
    ["\\u0041\\x42", "AB", true],
    ["[\\]\\[-]+", "[]-", true],
    ["[a-c-]+", "a-c", true],
    ["a.c", "a\nc", false],
    ["\\bword\\b", "word", true],
  ])("%s on %j -> %s", (pattern, input, matches) => {
    expect(compile(pattern).test(input)).toEqual({ ok: true, value: matches });
  });

  it("matches anywhere in partial mode and the whole input in full mode", () => {
    expect(compile("adm", "partial").test("IT-Admins-admin")).toEqual({ ok: true, value: true });
    expect(compile("adm", "full").test("IT-Admins-admin")).toEqual({ ok: true, value: false });
  });

  it("replaces with Java's replacement syntax", () => {
    const regex = compile("(?<user>[^@]+)@(?<domain>.+)", "partial");
    expect(regex.replace("ada@example.com", "${domain}:$1:\\$2", true)).toEqual({ ok: true, value: "example.com:ada:$2" });
    expect(compile("(a)|(b)", "partial").replace("ab", "[$1$2]", true)).toEqual({ ok: true, value: "[a][b]" });
    // Java: "$11" with one group is group 1 followed by "1".
    expect(compile("(a)", "partial").replace("a", "$11", true)).toEqual({ ok: true, value: "a1" });
    expect(compile("a", "partial").replace("a", "$1", true)).toEqual({ ok: false, error: "no group 1" });
    expect(compile("a", "partial").replace("a", "${x}", true)).toEqual({ ok: false, error: "no group named 'x'" });
    expect(compile("a", "partial").replace("a", "x\\", true)).toEqual({ ok: false, error: "character to be escaped is missing" });
  });
});

describe("safeRegex bounds the work of every run", () => {
  it("refuses an input too long for a polynomial pattern instead of running it", () => {
    const regex = compile(".*a.*b", "partial");
    const started = performance.now();
    expect(regex.test("a".repeat(1000))).toEqual({
      ok: false,
      error: "regular expression too complex for an input of 1000 characters",
    });
    expect(performance.now() - started).toBeLessThan(20);
    // The same pattern runs on inputs small enough for the bound.
    expect(regex.test("xaxb")).toEqual({ ok: true, value: true });
  });

  it("refuses inputs longer than the input cap", () => {
    expect(compile("a", "partial").test("b".repeat(1025))).toEqual({
      ok: false,
      error: "regular expression input longer than 1024 characters",
    });
  });

  it("runs every admitted pattern quickly on adversarial input", () => {
    const patterns = ["^(\\w+)@(\\w+)$", "(ab)+c", "\\s+$", ".*Admin.*", "[a-z]+[0-9]+[a-z]+", "(?:a|b)+c"];
    const inputs = ["a".repeat(1000), "ab".repeat(500) + "!", " ".repeat(1000) + "x", "a1".repeat(500)];
    const started = performance.now();
    for (const pattern of patterns) {
      const regex = compile(pattern, "partial");
      for (const input of inputs) {
        const outcome = regex.test(input);
        if (outcome.ok) expect(typeof outcome.value).toBe("boolean");
      }
    }
    expect(performance.now() - started).toBeLessThan(500);
  });

  it("bounds the length of a replacement's output", () => {
    const regex = safeRegex("", { mode: "partial", limits: { maxStringLength: 100 } });
    if (!regex.ok) throw new Error(regex.error);
    expect(regex.regex.replace("a".repeat(60), "xx", true)).toEqual({ ok: false, error: "string longer than 100 characters" });
  });

  it("reports the work bound it enforces", () => {
    expect(compile("a+", "full").work(10)).toBe(10);
    expect(compile("a+", "partial").work(10)).toBe(110);
    expect(compile("^a+b+", "partial").work(10)).toBe(100);
    expect(compile("(a|b)c?", "full").work(10)).toBe(4);
  });
});
