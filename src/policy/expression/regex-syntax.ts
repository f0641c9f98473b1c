/**
 * A strict parser for the regular-expression syntax that Java (java.util.regex, which Okta runs) and
 * JavaScript (non-unicode mode) read the same way. Anything either engine reads differently, and every
 * construct that needs backtracking memory (backreferences, lookaround, atomic groups, possessive
 * quantifiers, inline flags), is rejected rather than approximated.
 */

export interface RegexItem {
  atom: RegexAtom;
  min: number;
  /** Infinity for unbounded quantifiers. */
  max: number;
  pos: number;
}

export type RegexAtom =
  | { kind: "char"; ch: string }
  | { kind: "set" }
  | { kind: "anchor" }
  | { kind: "group"; body: RegexAlt };

/** Alternatives, each a sequence of items. */
export interface RegexAlt {
  branches: RegexItem[][];
}

export type RegexSyntax =
  | { ok: true; tree: RegexAlt; groupCount: number; groupNames: string[] }
  | { ok: false; error: string; position: number };

const MAX_GROUP_NESTING = 16;
const MAX_REPEAT = 1000;
const SHORTHANDS = "dDwWsS";
const CONTROL_ESCAPES: Record<string, string> = { t: "\t", n: "\n", r: "\r", f: "\f" };
const PUNCT = /^[\x20-\x2f\x3a-\x40\x5b-\x60\x7b-\x7e]$/;
const HEX = /^[0-9a-fA-F]+$/;

// Java repeats and ranges over code points, JavaScript (non-unicode mode) over UTF-16 code units.
function isSurrogate(c: string): boolean {
  const code = c.charCodeAt(0);
  return code >= 0xd800 && code <= 0xdfff;
}

class SyntaxFailure extends Error {
  constructor(
    message: string,
    public readonly position: number,
  ) {
    super(message);
  }
}

export function parseRegexSyntax(pattern: string): RegexSyntax {
  let i = 0;
  let groupCount = 0;
  const groupNames: string[] = [];
  const stop = (message: string, at = i): never => {
    throw new SyntaxFailure(message, at);
  };
  const peek = (offset = 0): string => pattern.charAt(i + offset);

  /** An escape after `\`; returns the literal character, or null for a class shorthand. */
  const escape = (inClass: boolean): string | null | "anchor" => {
    const at = i - 1;
    const c = peek();
    if (c === "") stop("pattern ends with a backslash", at);
    i++;
    if (SHORTHANDS.includes(c)) return null;
    if (!inClass && (c === "b" || c === "B")) return "anchor";
    const control = CONTROL_ESCAPES[c];
    if (control !== undefined) return control;
    if (c === "x" || c === "u") {
      const width = c === "x" ? 2 : 4;
      const hex = pattern.slice(i, i + width);
      if (hex.length !== width || !HEX.test(hex)) stop(`\\${c} needs ${width} hex digits`, at);
      i += width;
      return String.fromCharCode(parseInt(hex, 16));
    }
    if (c >= "1" && c <= "9") stop("backreferences are not allowed", at);
    if (PUNCT.test(c)) return c;
    return stop(`unsupported escape \\${c}`, at);
  };

  const parseClass = (): void => {
    const open = i - 1;
    if (peek() === "^") i++;
    if (peek() === "]") stop("write a leading ']' in a character class as '\\]'");
    let first = true;
    let previous: { ch: string | null; range: boolean } | null = null;
    for (;;) {
      const c = peek();
      if (c === "") stop("unterminated character class", open);
      if (c === "]") {
        i++;
        return;
      }
      if (c === "[") stop("nested character classes are not allowed (escape '[')");
      if (c === "&" && peek(1) === "&") stop("character class intersection is not allowed");
      if (c === "-" && !first && peek(1) !== "]") {
        // A range: the previous single character to the next one.
        const startCh = previous === null || previous.range ? null : previous.ch;
        if (startCh === null) return stop("ambiguous '-' in character class");
        const dash = i;
        i++;
        let end: string | null;
        if (peek() === "\\") {
          i++;
          const e = escape(true);
          end = e === "anchor" ? null : e;
        } else {
          end = peek();
          if (end === "") stop("unterminated character class", open);
          if (isSurrogate(end)) stop("characters outside the Basic Multilingual Plane are not supported");
          i++;
        }
        if (end === null) return stop("a range cannot end in a class shorthand", dash);
        if (startCh > end) stop("character class range out of order", dash);
        previous = { ch: end, range: true };
        first = false;
        continue;
      }
      let ch: string | null;
      if (c === "\\") {
        i++;
        const e = escape(true);
        ch = e === "anchor" ? null : e;
      } else {
        if (isSurrogate(c)) stop("characters outside the Basic Multilingual Plane are not supported");
        ch = c;
        i++;
      }
      previous = { ch, range: false };
      first = false;
    }
  };

  const parseQuantifier = (item: RegexItem): void => {
    const c = peek();
    if (c === "*") [item.min, item.max] = [0, Infinity];
    else if (c === "+") [item.min, item.max] = [1, Infinity];
    else if (c === "?") [item.min, item.max] = [0, 1];
    else if (c === "{") {
      const match = /^\{(\d{1,4})(,(\d{0,4}))?\}/.exec(pattern.slice(i));
      if (match === null) return stop("malformed '{' quantifier (escape a literal '{')");
      item.min = Number(match[1]);
      item.max = match[2] === undefined ? item.min : match[3] === "" ? Infinity : Number(match[3]);
      if (item.min > MAX_REPEAT || (item.max !== Infinity && item.max > MAX_REPEAT)) stop("repeat count too large");
      if (item.max < item.min) stop("quantifier range out of order");
      i += match[0].length - 1;
    } else return;
    if (item.atom.kind === "anchor") stop("nothing to repeat");
    i++;
    if (peek() === "?") i++; // lazy: same paths, different order
    if (peek() === "+") stop("possessive quantifiers are not supported");
    if ("*?{".includes(peek()) && peek() !== "") stop("nothing to repeat");
  };

  const parseAlt = (depth: number): RegexAlt => {
    if (depth > MAX_GROUP_NESTING) stop("groups nested too deeply");
    const branches: RegexItem[][] = [[]];
    for (;;) {
      const c = peek();
      if (c === "" || c === ")") return { branches };
      const pos = i;
      i++;
      let atom: RegexAtom;
      if (c === "|") {
        branches.push([]);
        continue;
      } else if (c === "(") {
        if (peek() === "?") {
          if (peek(1) === ":") i += 2;
          else if (peek(1) === "<" && /[A-Za-z]/.test(peek(2))) {
            const match = /^\?<([A-Za-z][A-Za-z0-9]*)>/.exec(pattern.slice(i));
            if (match === null || match[1] === undefined) return stop("malformed group name", pos);
            if (groupNames.includes(match[1])) stop("duplicate group name", pos);
            groupNames.push(match[1]);
            groupCount++;
            i += match[0].length;
          } else return stop("lookaround, atomic groups and inline flags are not allowed", pos);
        } else groupCount++;
        const body = parseAlt(depth + 1);
        if (peek() !== ")") stop("unterminated group", pos);
        i++;
        atom = { kind: "group", body };
      } else if (c === "[") {
        parseClass();
        atom = { kind: "set" };
      } else if (c === ".") atom = { kind: "set" };
      else if (c === "^" || c === "$") atom = { kind: "anchor" };
      else if (c === "\\") {
        const e = escape(false);
        atom = e === "anchor" ? { kind: "anchor" } : e === null ? { kind: "set" } : { kind: "char", ch: e };
      } else if ("*+?{".includes(c)) return stop("nothing to repeat", pos);
      else if (c === "]" || c === "}") return stop(`escape a literal '${c}'`, pos);
      else if (isSurrogate(c)) return stop("characters outside the Basic Multilingual Plane are not supported", pos);
      else atom = { kind: "char", ch: c };
      const item: RegexItem = { atom, min: 1, max: 1, pos };
      parseQuantifier(item);
      branches[branches.length - 1]?.push(item);
    }
  };

  try {
    const tree = parseAlt(0);
    if (i < pattern.length) stop("unmatched ')'");
    return { ok: true, tree, groupCount, groupNames };
  } catch (e) {
    if (e instanceof SyntaxFailure) return { ok: false, error: e.message, position: e.position };
    throw e;
  }
}
