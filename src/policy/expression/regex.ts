/**
 * Regular expressions that cannot hang a Worker. Okta runs Java regexes (String.replace, REGEX group
 * filters); V8's engine backtracks like Java's, so a pattern such as `(a+)+$` takes exponential time on a
 * crafted input. Workers have no regex timeout, so safety is decided before a pattern runs:
 *
 * 1. Syntax (regex-syntax.ts): only what Java and JavaScript read alike; no backreferences or lookaround.
 * 2. Star height 1: a repeated group may contain only exact-count quantifiers, and alternatives inside it
 *    must start with distinct literal characters. That rules out (a+)+, (a*)*, (a|a)*, (a|ab)*.
 * 3. A work bound: without nested repetition, a match attempt explores at most the product of every
 *    quantifier's iteration choices and every alternation's branch count, once per start position. Before a
 *    run the bound is computed for the actual input length and the run is refused above `maxRegexWork`;
 *    that also catches polynomial blow-ups such as `.*.*.*x`. A pattern over budget even for a 16-character
 *    input is rejected outright.
 */
import { DEFAULT_LIMITS, type Limits } from "./limits";
import { parseRegexSyntax, type RegexAlt, type RegexItem } from "./regex-syntax";

export type RegexOutcome<T> = { ok: true; value: T } | { ok: false; error: string };

export type RegexLimits = Pick<Limits, "maxRegexLength" | "maxRegexInputLength" | "maxRegexWork" | "maxStringLength">;

export interface RegexOptions {
  /** "full": the whole input must match (Java `String.matches`); "partial": find anywhere (Java `find`). */
  mode?: "full" | "partial";
  limits?: Partial<RegexLimits>;
}

export interface SafeRegex {
  readonly source: string;
  readonly groupCount: number;
  /** Upper bound on backtracking paths for an input of this length. */
  work(inputLength: number): number;
  test(input: string): RegexOutcome<boolean>;
  /** Java `replaceAll` / `replaceFirst`, with Java's replacement syntax ($1, ${name}, \$). */
  replace(input: string, replacement: string, all: boolean): RegexOutcome<string>;
}

const SMALL_INPUT = 16;

export function safeRegex(
  pattern: string,
  options: RegexOptions = {},
): { ok: true; regex: SafeRegex } | { ok: false; error: string; position: number } {
  const limits: RegexLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const mode = options.mode ?? "full";
  if (pattern.length > limits.maxRegexLength) {
    return { ok: false, error: `pattern longer than ${limits.maxRegexLength} characters`, position: limits.maxRegexLength };
  }
  const syntax = parseRegexSyntax(pattern);
  if (!syntax.ok) return syntax;
  const nested = findNestedRepetition(syntax.tree, false);
  if (nested !== null) return { ok: false, error: nested.error, position: nested.pos };

  const factors: Array<{ min: number; max: number }> = [];
  const fixed = collectFactors(syntax.tree, factors);
  const anchored = mode === "full" || (pattern.startsWith("^") && startsWithCaret(syntax.tree));
  const work = (n: number): number => {
    let total = (anchored ? 1 : n + 1) * fixed;
    for (const { min, max } of factors) {
      total *= Math.max(1, Math.min(max, n) - min + 1);
      if (total > Number.MAX_SAFE_INTEGER) return Infinity;
    }
    return total;
  };
  if (work(SMALL_INPUT) > limits.maxRegexWork) {
    return { ok: false, error: "pattern has too many quantifiers or alternatives", position: 0 };
  }

  let compiled: RegExp;
  try {
    compiled = new RegExp(mode === "full" ? `^(?:${pattern})$` : pattern, "g");
  } catch {
    return { ok: false, error: "invalid regular expression", position: 0 };
  }

  const admit = (input: string): string | null => {
    if (input.length > limits.maxRegexInputLength) {
      return `regular expression input longer than ${limits.maxRegexInputLength} characters`;
    }
    if (work(input.length) > limits.maxRegexWork) {
      return `regular expression too complex for an input of ${input.length} characters`;
    }
    return null;
  };

  const regex: SafeRegex = {
    source: pattern,
    groupCount: syntax.groupCount,
    work,
    test(input) {
      const refused = admit(input);
      if (refused !== null) return { ok: false, error: refused };
      compiled.lastIndex = 0;
      return { ok: true, value: compiled.test(input) };
    },
    replace(input, replacement, all) {
      const refused = admit(input);
      if (refused !== null) return { ok: false, error: refused };
      const out: string[] = [];
      let length = 0;
      let last = 0;
      compiled.lastIndex = 0;
      for (;;) {
        const match = compiled.exec(input);
        if (match === null) break;
        const piece = expandReplacement(replacement, match, syntax.groupNames);
        if (!piece.ok) return piece;
        const before = input.slice(last, match.index);
        length += before.length + piece.value.length;
        if (length > limits.maxStringLength) {
          return { ok: false, error: `string longer than ${limits.maxStringLength} characters` };
        }
        out.push(before, piece.value);
        last = match.index + match[0].length;
        // An empty match must not match again at the same place.
        if (match[0].length === 0) compiled.lastIndex++;
        if (!all || compiled.lastIndex > input.length) break;
      }
      const rest = input.slice(last);
      if (length + rest.length > limits.maxStringLength) {
        return { ok: false, error: `string longer than ${limits.maxStringLength} characters` };
      }
      out.push(rest);
      return { ok: true, value: out.join("") };
    },
  };
  return { ok: true, regex };
}

/** Java Matcher.appendReplacement: `\x` is a literal x, `$n` and `${name}` are groups, a lone `$` is an error. */
function expandReplacement(replacement: string, match: RegExpExecArray, names: string[]): RegexOutcome<string> {
  let out = "";
  for (let i = 0; i < replacement.length; i++) {
    const c = replacement.charAt(i);
    if (c === "\\") {
      if (i + 1 >= replacement.length) return { ok: false, error: "character to be escaped is missing" };
      out += replacement.charAt(++i);
    } else if (c === "$") {
      const next = replacement.charAt(i + 1);
      if (next === "{") {
        const end = replacement.indexOf("}", i + 2);
        const name = end < 0 ? "" : replacement.slice(i + 2, end);
        if (!names.includes(name)) return { ok: false, error: `no group named '${name}'` };
        out += match.groups?.[name] ?? "";
        i = end;
      } else if (next >= "0" && next <= "9") {
        // Java: the first digit is always a group reference; more digits join while the number stays valid.
        let group = Number(next);
        if (group >= match.length) return { ok: false, error: `no group ${group}` };
        i++;
        while (i + 1 < replacement.length) {
          const d = replacement.charAt(i + 1);
          if (d < "0" || d > "9" || group * 10 + Number(d) >= match.length) break;
          group = group * 10 + Number(d);
          i++;
        }
        out += match[group] ?? "";
      } else return { ok: false, error: "illegal group reference in replacement" };
    } else out += c;
  }
  return { ok: true, value: out };
}

function isRepeated(item: RegexItem): boolean {
  return item.max > 1;
}

/** Star height above 1, or an ambiguous alternation under repetition. */
function findNestedRepetition(alt: RegexAlt, underRepeat: boolean): { error: string; pos: number } | null {
  if (underRepeat && alt.branches.length > 1) {
    const firsts = alt.branches.map((branch) => {
      const head = branch[0];
      return head !== undefined && head.atom.kind === "char" && head.min === head.max && head.min >= 1
        ? head.atom.ch
        : null;
    });
    if (firsts.some((ch) => ch === null) || new Set(firsts).size !== firsts.length) {
      return { error: "alternatives under a quantifier must start with distinct literal characters", pos: 0 };
    }
  }
  for (const branch of alt.branches) {
    for (const item of branch) {
      if (underRepeat && item.min !== item.max) {
        return { error: "nested quantifiers can backtrack catastrophically", pos: item.pos };
      }
      if (item.atom.kind === "group") {
        const found = findNestedRepetition(item.atom.body, underRepeat || isRepeated(item));
        if (found !== null) return found.pos === 0 ? { ...found, pos: item.pos } : found;
      }
    }
  }
  return null;
}

/** Variable quantifiers outside repeated groups; returns the constant factor from alternations. */
function collectFactors(alt: RegexAlt, factors: Array<{ min: number; max: number }>): number {
  let fixed = alt.branches.length;
  for (const branch of alt.branches) {
    for (const item of branch) {
      if (item.min !== item.max) factors.push({ min: item.min, max: item.max });
      // Inside a repeated group everything is deterministic (checked above): the repeat count is the only choice.
      if (item.atom.kind === "group" && !isRepeated(item)) fixed *= collectFactors(item.atom.body, factors);
    }
  }
  return fixed;
}

/** A leading `^` (the caller checked the character) that is not one branch of a top-level alternation. */
function startsWithCaret(alt: RegexAlt): boolean {
  const head = alt.branches.length === 1 ? alt.branches[0]?.[0] : undefined;
  return head !== undefined && head.atom.kind === "anchor" && head.min === 1 && head.max === 1 && head.pos === 0;
}
