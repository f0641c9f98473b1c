/**
 * Okta EL String functions (Okta developer docs, "Expression Language Overview" > Functions > String
 * Functions), plus the deprecated un-namespaced forms the same page still lists (toUpperCase, toLowerCase,
 * substringBefore, substringAfter, substring).
 */
import type { Expr } from "./ast";
import { boundedString, int, list, optString, type CallEnv, type FunctionSpec, type FunctionTable } from "./function-spec";
import type { Limits } from "./limits";
import { safeRegex } from "./regex";
import { fail, isArray, type Value } from "./values";

function unary(fn: (s: string) => string): FunctionSpec {
  return {
    minArgs: 1,
    maxArgs: 1,
    returns: "string",
    call: ([input], env) => {
      const s = optString(input, "input");
      return s === null ? null : boundedString(fn(s), env);
    },
  };
}

const toUpperCase = unary((s) => s.toUpperCase());
const toLowerCase = unary((s) => s.toLowerCase());

/** `(String input, int startIndex, int endIndex)`: Java String.substring, which fails outside 0 <= start <= end <= length. */
const substring: FunctionSpec = {
  minArgs: 3,
  maxArgs: 3,
  returns: "string",
  call: ([input, startArg, endArg]) => {
    const s = optString(input, "input");
    const start = int(startArg, "startIndex");
    const end = int(endArg, "endIndex");
    if (s === null) return null;
    if (start < 0 || end > s.length || start > end) {
      return fail(`substring(${start}, ${end}) is out of range for a string of length ${s.length}`);
    }
    return s.slice(start, end);
  },
};

/** StringUtils.substringBefore: the whole input when the separator is absent, "" for an empty separator. */
const substringBefore: FunctionSpec = {
  minArgs: 2,
  maxArgs: 2,
  returns: "string",
  call: ([input, sep]) => {
    const s = optString(input, "input");
    const search = optString(sep, "searchString");
    if (s === null || search === null) return s;
    const at = s.indexOf(search);
    return at < 0 ? s : s.slice(0, at);
  },
};

/** StringUtils.substringAfter: "" when the separator is absent, the whole input for an empty separator. */
const substringAfter: FunctionSpec = {
  minArgs: 2,
  maxArgs: 2,
  returns: "string",
  call: ([input, sep]) => {
    const s = optString(input, "input");
    const search = optString(sep, "searchString");
    if (s === null) return null;
    if (search === null) return "";
    const at = s.indexOf(search);
    return at < 0 ? "" : s.slice(at + search.length);
  },
};

function checkPattern(args: Expr[], limits: Limits): { message: string; pos: number } | null {
  const pattern = args[1];
  if (pattern?.kind !== "literal" || typeof pattern.value !== "string") return null;
  const compiled = safeRegex(pattern.value, { mode: "partial", limits });
  // +1: the opening quote of the literal.
  return compiled.ok ? null : { message: `invalid pattern: ${compiled.error}`, pos: pattern.pos + 1 + compiled.position };
}

/**
 * `(String input, match, replacement)`: Java String.replaceAll / replaceFirst, so `match` is a regular
 * expression and `replacement` may name groups ($1). The pattern must pass safeRegex.
 */
function replacer(all: boolean): FunctionSpec {
  return {
    minArgs: 3,
    maxArgs: 3,
    returns: "string",
    checkLiterals: checkPattern,
    call: ([input, matchArg, replacementArg], env) => {
      const s = optString(input, "input");
      const pattern = optString(matchArg, "match");
      if (s === null || pattern === null) return s;
      const compiled = safeRegex(pattern, { mode: "partial", limits: env.limits });
      if (!compiled.ok) return fail(`invalid pattern: ${compiled.error}`);
      // Charged for the work the run may do; a run over budget is refused by replace() itself.
      env.spend(Math.ceil(Math.min(compiled.regex.work(s.length), env.limits.maxRegexWork) / 1000));
      const result = compiled.regex.replace(s, optString(replacementArg, "replacement") ?? "", all);
      return result.ok ? boundedString(result.value, env) : fail(result.error);
    },
  };
}

/** Strings from varargs, with array arguments spread (so `String.join(" ", access.scope)` works). */
function spread(values: Value[], env: CallEnv): string[] {
  const out: string[] = [];
  for (const value of values) {
    for (const item of isArray(value) ? list(value, "strings") : [value]) {
      out.push(optString(item, "strings") ?? "");
      if (out.length > env.limits.maxArrayLength * 10) fail("too many strings to join");
    }
  }
  return out;
}

export const STRING_FUNCTIONS: FunctionTable = {
  "String.append": {
    minArgs: 2,
    maxArgs: 2,
    returns: "string",
    call: ([str, suffix], env) => {
      const s = optString(str, "str");
      return s === null ? null : boundedString(s + (optString(suffix, "suffix") ?? ""), env);
    },
  },
  "String.join": {
    minArgs: 1,
    maxArgs: Infinity,
    returns: "string",
    call: ([separator, ...strings], env) =>
      boundedString(spread(strings, env).join(optString(separator, "separator") ?? ""), env),
  },
  "String.len": {
    minArgs: 1,
    maxArgs: 1,
    returns: "number",
    call: ([input]) => optString(input, "input")?.length ?? 0,
  },
  // Okta: String.removeSpaces("This is a test") is "Thisisatest"; only the space character is removed.
  "String.removeSpaces": unary((s) => s.split(" ").join("")),
  "String.replace": replacer(true),
  "String.replaceFirst": replacer(false),
  "String.stringContains": {
    minArgs: 2,
    maxArgs: 2,
    returns: "boolean",
    call: ([input, search]) => {
      const s = optString(input, "input");
      const needle = optString(search, "searchString");
      return s !== null && needle !== null && s.includes(needle);
    },
  },
  /**
   * `(String input, String defaultString, String... keyValuePairs)`: the value of the first key, in argument
   * order, that occurs anywhere in the input ("First match wins", "Substrings count"); else the default.
   */
  "String.stringSwitch": {
    minArgs: 2,
    maxArgs: Infinity,
    pairs: true,
    returns: "string",
    call: ([input, fallback, ...pairs]) => {
      const s = optString(input, "input");
      for (let i = 0; s !== null && i + 1 < pairs.length; i += 2) {
        const key = optString(pairs[i], "key");
        if (key !== null && s.includes(key)) return optString(pairs[i + 1], "value");
      }
      return optString(fallback, "defaultString");
    },
  },
  "String.substring": substring,
  "String.substringAfter": substringAfter,
  "String.substringBefore": substringBefore,
  "String.toUpperCase": toUpperCase,
  "String.toLowerCase": toLowerCase,
  // Deprecated forms, still documented.
  toUpperCase,
  toLowerCase,
  substringBefore,
  substringAfter,
  substring,
};
