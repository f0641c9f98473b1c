/**
 * The syntax tree of a parsed claim expression. Plain data (no functions, no classes), so an AST can be
 * cached or stored as JSON and evaluated later; `pos` is the 0-based offset in the source of the node's
 * first character, used in evaluation errors.
 */

/**
 * The bindings an expression may name: a custom claim's (Okta EL: user, appuser, app, org; access.scope), or an
 * event hook filter's (Okta: `event`, the LogEvent being delivered).
 */
export type RootName = "user" | "appuser" | "app" | "org" | "access" | "event";

export type BinaryOp = "+" | "-" | "*" | "/" | "%" | "==" | "!=" | "<" | ">" | "<=" | ">=";

export type LiteralValue = string | number | boolean | null;

export type Expr =
  | { kind: "literal"; value: LiteralValue; pos: number }
  | { kind: "array"; items: Expr[]; pos: number }
  | { kind: "root"; name: RootName; pos: number }
  | { kind: "member"; object: Expr; name: string; pos: number }
  | { kind: "index"; object: Expr; index: Expr; pos: number }
  | { kind: "unary"; op: "!" | "-" | "+"; operand: Expr; pos: number }
  | { kind: "binary"; op: BinaryOp; left: Expr; right: Expr; pos: number }
  | { kind: "logical"; op: "AND" | "OR"; left: Expr; right: Expr; pos: number }
  | { kind: "elvis"; left: Expr; right: Expr; pos: number }
  | { kind: "conditional"; test: Expr; consequent: Expr; alternate: Expr; pos: number }
  /** `name` is the canonical function name, e.g. "String.len", "isMemberOfGroupName", "user.getInternalProperty". */
  | { kind: "call"; name: string; args: Expr[]; pos: number }
  /** SpEL collection selection `list.?[predicate]`: the items for which the predicate is true. */
  | { kind: "select"; object: Expr; predicate: Expr; pos: number }
  /** The item a selection's predicate is tested on (SpEL #this); a bare name in a predicate is a member of it. */
  | { kind: "item"; pos: number };

/** What an expression produces once evaluated: the JSON a claim can carry. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** The direct children of a node, in source order. */
export function children(node: Expr): Expr[] {
  switch (node.kind) {
    case "literal":
    case "root":
    case "item":
      return [];
    case "array":
      return node.items;
    case "member":
      return [node.object];
    case "index":
      return [node.object, node.index];
    case "unary":
      return [node.operand];
    case "binary":
    case "logical":
    case "elvis":
      return [node.left, node.right];
    case "conditional":
      return [node.test, node.consequent, node.alternate];
    case "call":
      return node.args;
    case "select":
      return [node.object, node.predicate];
  }
}

/** Depth of the tree (a leaf is 1), computed without recursion so a hostile tree cannot overflow the stack. */
export function depthOf(root: Expr): { depth: number; deepest: Expr } {
  let best = { depth: 0, deepest: root };
  const stack: Array<{ node: Expr; depth: number }> = [{ node: root, depth: 1 }];
  while (stack.length > 0) {
    const top = stack.pop();
    if (top === undefined) break;
    if (top.depth > best.depth) best = { depth: top.depth, deepest: top.node };
    // Reversed, so that among equally deep nodes the first in source order is reported.
    for (const child of children(top.node).slice().reverse()) stack.push({ node: child, depth: top.depth + 1 });
  }
  return best;
}
