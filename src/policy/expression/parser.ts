/**
 * Recursive-descent parser for the Okta EL subset used by custom claims. Precedence follows SpEL, lowest
 * first: `? :` and `?:` (Elvis), OR, AND, comparisons (not chainable), `+ -`, `* / %`, unary `! - +`,
 * then member access, indexing and calls. Okta documents AND, OR and `!`; SpEL also reads `&&`, `||`,
 * `not`, and the word operators in any case, so those are accepted too. Inline lists are written `{a, b}`
 * (Okta's docs: `Arrays.add({10, 20, 30}, 40)`); `[a, b]` is accepted as well.
 *
 * Functions are resolved here, so an unknown function, namespace, identifier or a wrong argument count is
 * an error when the claim is saved, reported at the position of the call.
 */
import type { BinaryOp, Expr, RootName } from "./ast";
import { arityError, lookupFunction, NAMESPACES } from "./functions";
import type { Token } from "./lexer";
import type { Limits } from "./limits";

export class ParseFailure extends Error {
  constructor(
    message: string,
    public readonly position: number,
  ) {
    super(message);
  }
}

/** The bindings of custom claims (the default); an event hook filter names `event` only. */
export const CLAIM_ROOTS: ReadonlySet<RootName> = new Set<RootName>(["user", "appuser", "app", "org", "access"]);
const ALL_ROOTS: ReadonlySet<string> = new Set<RootName>([...CLAIM_ROOTS, "event"]);
/** Bindings Okta has elsewhere (profile mappings, IdP transforms, SAML) but not in custom claims. */
const OTHER_BINDINGS: ReadonlySet<string> = new Set(["idpuser", "session", "source", "device", "security", "identity"]);
const RELATIONAL: ReadonlySet<string> = new Set(["==", "!=", "<", ">", "<=", ">="]);
/** SpEL's textual relational operators, in any case; Okta's event hook filters write `eq` and `ne`. */
const WORD_RELATIONAL: Readonly<Record<string, BinaryOp>> = { eq: "==", ne: "!=", lt: "<", gt: ">", le: "<=", ge: ">=" };
/** Methods on values, as SpEL calls Java's: `list.size()` (Okta's event hook filters) is Arrays.size(list). */
const VALUE_METHODS: Readonly<Record<string, string>> = { size: "Arrays.size" };

export function parseTokens(tokens: Token[], limits: Limits, roots: ReadonlySet<RootName> = CLAIM_ROOTS): Expr {
  let index = 0;
  let nesting = 0;
  /** Inside `.?[ ... ]`, where a bare name is a member of the item tested. */
  let selecting = 0;

  const peek = (offset = 0): Token => tokens[Math.min(index + offset, tokens.length - 1)] as Token;
  const next = (): Token => {
    const token = peek();
    if (index < tokens.length - 1) index++;
    return token;
  };
  const isPunct = (text: string, token = peek()): boolean => token.kind === "punct" && token.text === text;
  const isWord = (word: string, token = peek()): boolean => token.kind === "ident" && token.text.toLowerCase() === word;
  const describe = (token: Token): string =>
    token.kind === "eof"
      ? "unexpected end of expression"
      : token.kind === "string"
        ? "unexpected string literal"
        : `unexpected '${token.text}'`;
  const unexpected = (token = peek()): never => {
    throw new ParseFailure(describe(token), token.pos);
  };
  const expect = (text: string): Token => (isPunct(text) ? next() : unexpected());

  const enter = (): void => {
    if (++nesting > limits.maxDepth) {
      throw new ParseFailure(`expression is nested more than ${limits.maxDepth} levels deep`, peek().pos);
    }
  };

  const expression = (): Expr => {
    enter();
    const test = logicalOr();
    let result = test;
    if (isPunct("?")) {
      next();
      const consequent = expression();
      expect(":");
      result = { kind: "conditional", test, consequent, alternate: expression(), pos: test.pos };
    } else if (isPunct("?:")) {
      next();
      result = { kind: "elvis", left: test, right: expression(), pos: test.pos };
    }
    nesting--;
    return result;
  };

  const logicalOr = (): Expr => {
    let left = logicalAnd();
    while (isPunct("||") || isWord("or")) {
      next();
      left = { kind: "logical", op: "OR", left, right: logicalAnd(), pos: left.pos };
    }
    return left;
  };

  const logicalAnd = (): Expr => {
    let left = comparison();
    while (isPunct("&&") || isWord("and")) {
      next();
      left = { kind: "logical", op: "AND", left, right: comparison(), pos: left.pos };
    }
    return left;
  };

  const relational = (token: Token): BinaryOp | null => {
    if (token.kind === "punct") return RELATIONAL.has(token.text) ? (token.text as BinaryOp) : null;
    if (token.kind === "ident") return Object.prototype.hasOwnProperty.call(WORD_RELATIONAL, token.text.toLowerCase()) ? WORD_RELATIONAL[token.text.toLowerCase()]! : null;
    return null;
  };

  const comparison = (): Expr => {
    const left = additive();
    const op = relational(peek());
    if (op === null) return left;
    next();
    const node: Expr = { kind: "binary", op, left, right: additive(), pos: left.pos };
    const after = peek();
    if (relational(after) !== null) {
      throw new ParseFailure("comparisons cannot be chained; combine them with AND", after.pos);
    }
    return node;
  };

  const binaryLevel = (ops: string[], operand: () => Expr) => (): Expr => {
    let left = operand();
    for (let op = peek(); op.kind === "punct" && ops.includes(op.text); op = peek()) {
      next();
      left = { kind: "binary", op: op.text as BinaryOp, left, right: operand(), pos: left.pos };
    }
    return left;
  };

  const unary = (): Expr => {
    const token = peek();
    const op = isPunct("!") || isWord("not") ? "!" : isPunct("-") ? "-" : isPunct("+") ? "+" : null;
    if (op === null) return postfix(primary());
    next();
    enter();
    const operand = unary();
    nesting--;
    return { kind: "unary", op, operand, pos: token.pos };
  };

  const multiplicative = binaryLevel(["*", "/", "%"], unary);
  const additive = binaryLevel(["+", "-"], multiplicative);

  const call = (name: string, pos: number): Expr => {
    const spec = lookupFunction(name);
    if (spec === undefined) throw new ParseFailure(`unknown function '${name}'`, pos);
    const args = list("(", ")");
    const arity = arityError(name, spec, args.length);
    if (arity !== null) throw new ParseFailure(arity, pos);
    const bad = spec.checkLiterals?.(args, limits) ?? null;
    if (bad !== null) throw new ParseFailure(`${name}: ${bad.message}`, bad.pos);
    return { kind: "call", name, args, pos };
  };

  /** A comma-separated list between `open` and `close`; the opening token is next. */
  const list = (open: string, close: string): Expr[] => {
    expect(open);
    const items: Expr[] = [];
    if (isPunct(close)) {
      next();
      return items;
    }
    for (;;) {
      items.push(expression());
      if (isPunct(",")) {
        next();
        continue;
      }
      expect(close);
      return items;
    }
  };

  const propertyName = (): Token => {
    const token = peek();
    if (token.kind !== "ident") throw new ParseFailure("expected a property name", token.pos);
    return next();
  };

  const postfix = (start: Expr): Expr => {
    let node = start;
    for (;;) {
      if (isPunct(".") && isPunct("?", peek(1)) && isPunct("[", peek(2))) {
        // SpEL collection selection: `event.target.?[type eq 'UserGroup']`.
        next();
        next();
        next();
        enter();
        selecting++;
        const predicate = expression();
        selecting--;
        nesting--;
        expect("]");
        node = { kind: "select", object: node, predicate, pos: node.pos };
      } else if (isPunct(".") || isPunct("?.")) {
        next();
        const name = propertyName();
        if (isPunct("(")) {
          const owner = node.kind === "root" ? node.name : null;
          const method = owner === null && Object.prototype.hasOwnProperty.call(VALUE_METHODS, name.text) ? VALUE_METHODS[name.text]! : null;
          if (method !== null) {
            const pos = name.pos;
            if (list("(", ")").length !== 0) throw new ParseFailure(`${name.text}() takes no arguments`, pos);
            node = { kind: "call", name: method, args: [node], pos: node.pos };
            continue;
          }
          if (owner === null) throw new ParseFailure("method calls on values are not supported", node.pos);
          node = call(`${owner}.${name.text}`, node.pos);
        } else node = { kind: "member", object: node, name: name.text, pos: node.pos };
      } else if (isPunct("[")) {
        next();
        const indexExpr = expression();
        expect("]");
        node = { kind: "index", object: node, index: indexExpr, pos: node.pos };
      } else return node;
    }
  };

  const primary = (): Expr => {
    const token = peek();
    switch (token.kind) {
      case "number":
        next();
        return { kind: "literal", value: token.value ?? 0, pos: token.pos };
      case "string":
        next();
        return { kind: "literal", value: token.text, pos: token.pos };
      case "eof":
        return unexpected(token);
      case "punct":
        if (token.text === "(") {
          next();
          const inner = expression();
          expect(")");
          return inner;
        }
        if (token.text === "{" || token.text === "[") {
          const close = token.text === "{" ? "}" : "]";
          if (token.text === "{" && peek(2).kind === "punct" && peek(2).text === ":") {
            throw new ParseFailure("map literals are not supported", token.pos);
          }
          enter();
          const items = list(token.text, close);
          nesting--;
          return { kind: "array", items, pos: token.pos };
        }
        return unexpected(token);
      case "ident":
        return identifier(token);
    }
  };

  const identifier = (token: Token): Expr => {
    const word = token.text.toLowerCase();
    if (word === "and" || word === "or") return unexpected(token);
    if (word === "true" || word === "false") {
      next();
      return { kind: "literal", value: word === "true", pos: token.pos };
    }
    if (word === "null") {
      next();
      return { kind: "literal", value: null, pos: token.pos };
    }
    if (NAMESPACES.has(token.text)) {
      next();
      if (!isPunct(".")) throw new ParseFailure(`expected a function call after '${token.text}'`, token.pos);
      next();
      const name = propertyName();
      if (!isPunct("(")) throw new ParseFailure(`expected a function call after '${token.text}'`, token.pos);
      return call(`${token.text}.${name.text}`, token.pos);
    }
    if (roots.has(token.text as RootName)) {
      next();
      return { kind: "root", name: token.text as RootName, pos: token.pos };
    }
    if (isPunct("(", peek(1))) {
      next();
      return call(token.text, token.pos);
    }
    if (selecting > 0) {
      next();
      return { kind: "member", object: { kind: "item", pos: token.pos }, name: token.text, pos: token.pos };
    }
    // `Math.max(...)`, `Iso3166Convert.toAlpha2(...)`: a call into a namespace Mintgate does not have.
    if (isPunct(".", peek(1)) && peek(2).kind === "ident" && isPunct("(", peek(3))) {
      throw new ParseFailure(`unknown function '${token.text}.${peek(2).text}'`, token.pos);
    }
    if (OTHER_BINDINGS.has(token.text) || ALL_ROOTS.has(token.text)) {
      const where = roots === CLAIM_ROOTS ? "custom claim expressions" : "this expression";
      throw new ParseFailure(`'${token.text}' is not available in ${where}`, token.pos);
    }
    throw new ParseFailure(`unknown identifier '${token.text}'`, token.pos);
  };

  const ast = expression();
  if (peek().kind !== "eof") unexpected();
  return ast;
}
