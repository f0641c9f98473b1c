/**
 * Tokenizer for the Okta Expression Language subset. Okta EL is a subset of Spring Expression Language
 * (SpEL) (Okta developer docs, "Expression Language Overview"), so lexical rules follow SpEL:
 * - strings use '…' or "…"; a quote is escaped by doubling it; a backslash is an ordinary character
 *   (Okta's own example `"XDOMAIN\" + …` evaluates to `XDOMAIN\wchurchill`);
 * - numbers are decimal integers or reals with an optional exponent;
 * - `?.` (safe navigation) and `?:` (Elvis) are single tokens, as in SpEL.
 */

export type TokenKind = "number" | "string" | "ident" | "punct" | "eof";

export interface Token {
  kind: TokenKind;
  /** For punct: the operator text; for ident: the name; for string: the decoded value; for number: the source text. */
  text: string;
  /** For number tokens: the value. */
  value?: number;
  pos: number;
}

export type LexResult = { ok: true; tokens: Token[] } | { ok: false; error: { message: string; position: number } };

// Longest first, so that `<=` wins over `<`.
const PUNCTUATION = [
  "&&", "||", "==", "!=", "<=", ">=", "?.", "?:",
  "(", ")", "[", "]", "{", "}", ",", ".", "?", ":", "+", "-", "*", "/", "%", "!", "<", ">",
];

function isDigit(ch: string): boolean {
  return ch >= "0" && ch <= "9";
}

function isIdentStart(ch: string): boolean {
  return (ch >= "a" && ch <= "z") || (ch >= "A" && ch <= "Z") || ch === "_" || ch === "$";
}

function isIdentPart(ch: string): boolean {
  return isIdentStart(ch) || isDigit(ch);
}

function isSpace(ch: string): boolean {
  return ch === " " || ch === "\t" || ch === "\n" || ch === "\r" || ch === "\f" || ch === "\v";
}

export function tokenize(source: string): LexResult {
  const tokens: Token[] = [];
  let i = 0;
  const fail = (message: string, position: number): LexResult => ({ ok: false, error: { message, position } });

  while (i < source.length) {
    const ch = source.charAt(i);
    if (isSpace(ch)) {
      i++;
      continue;
    }
    const start = i;

    if (ch === "'" || ch === '"') {
      let value = "";
      i++;
      let closed = false;
      while (i < source.length) {
        const c = source.charAt(i);
        if (c === ch) {
          // SpEL: a doubled quote inside a literal stands for one quote.
          if (source.charAt(i + 1) === ch) {
            value += ch;
            i += 2;
            continue;
          }
          i++;
          closed = true;
          break;
        }
        value += c;
        i++;
      }
      if (!closed) return fail("unterminated string literal", start);
      tokens.push({ kind: "string", text: value, pos: start });
      continue;
    }

    if (isDigit(ch)) {
      while (isDigit(source.charAt(i))) i++;
      if (source.charAt(i) === "." && isDigit(source.charAt(i + 1))) {
        i++;
        while (isDigit(source.charAt(i))) i++;
      }
      const e = source.charAt(i);
      if (e === "e" || e === "E") {
        let j = i + 1;
        if (source.charAt(j) === "+" || source.charAt(j) === "-") j++;
        if (!isDigit(source.charAt(j))) return fail("malformed number exponent", start);
        while (isDigit(source.charAt(j))) j++;
        i = j;
      }
      if (isIdentPart(source.charAt(i))) return fail("malformed number", start);
      const text = source.slice(start, i);
      const value = Number(text);
      if (!Number.isFinite(value)) return fail("number out of range", start);
      tokens.push({ kind: "number", text, value, pos: start });
      continue;
    }

    if (isIdentStart(ch)) {
      while (i < source.length && isIdentPart(source.charAt(i))) i++;
      tokens.push({ kind: "ident", text: source.slice(start, i), pos: start });
      continue;
    }

    const punct = PUNCTUATION.find((p) => source.startsWith(p, i));
    if (punct === undefined) return fail(`unexpected character '${ch}'`, start);
    // `a ?.5 : b` is not a thing in SpEL either, but `?.` only means safe navigation before a name.
    if (punct === "?." && !isIdentStart(source.charAt(i + 2))) {
      tokens.push({ kind: "punct", text: "?", pos: start });
      i++;
      continue;
    }
    tokens.push({ kind: "punct", text: punct, pos: start });
    i += punct.length;
  }

  tokens.push({ kind: "eof", text: "", pos: source.length });
  return { ok: true, tokens };
}
