/**
 * A light save-time type check: only what is certain from literals and function return types, so that
 * `"yes" AND true` or `"a" - 1` is rejected when the claim is saved. Values read from the context are
 * "any" and are checked when evaluated. Runs after the depth check, so its recursion is bounded.
 */
import type { Expr } from "./ast";
import type { StaticType } from "./function-spec";
import { lookupFunction } from "./functions";
import { ParseFailure } from "./parser";

type Inferred = StaticType | "null";

function describe(type: Inferred): string {
  return type === "array" ? "an array" : type === "null" ? "null" : `a ${type}`;
}

function requireBoolean(node: Expr, type: Inferred, what: string): void {
  if (type !== "boolean" && type !== "any") throw new ParseFailure(`${what} needs a boolean, not ${describe(type)}`, node.pos);
}

function requireNumber(node: Expr, type: Inferred, what: string): void {
  if (type !== "number" && type !== "any") throw new ParseFailure(`${what} needs a number, not ${describe(type)}`, node.pos);
}

function join(a: Inferred, b: Inferred): Inferred {
  return a === b ? a : "any";
}

export function typecheck(node: Expr): Inferred {
  switch (node.kind) {
    case "literal":
      return node.value === null ? "null" : (typeof node.value as "string" | "number" | "boolean");
    case "array":
      node.items.forEach(typecheck);
      return "array";
    case "root":
    case "item":
      return "any";
    case "select":
      typecheck(node.object);
      requireBoolean(node.predicate, typecheck(node.predicate), "a selection");
      return "array";
    case "member":
      typecheck(node.object);
      return "any";
    case "index":
      typecheck(node.object);
      typecheck(node.index);
      return "any";
    case "unary": {
      const operand = typecheck(node.operand);
      if (node.op === "!") {
        requireBoolean(node.operand, operand, "'!'");
        return "boolean";
      }
      requireNumber(node.operand, operand, `unary '${node.op}'`);
      return "number";
    }
    case "logical":
      requireBoolean(node.left, typecheck(node.left), node.op);
      requireBoolean(node.right, typecheck(node.right), node.op);
      return "boolean";
    case "binary": {
      const left = typecheck(node.left);
      const right = typecheck(node.right);
      switch (node.op) {
        case "+":
          if (left === "string" || right === "string") return "string";
          if (left !== "any") requireNumber(node.left, left, "'+'");
          if (right !== "any") requireNumber(node.right, right, "'+'");
          return left === "number" && right === "number" ? "number" : "any";
        case "-":
        case "*":
        case "/":
        case "%":
          requireNumber(node.left, left, `'${node.op}'`);
          requireNumber(node.right, right, `'${node.op}'`);
          return "number";
        case "==":
        case "!=":
          return "boolean";
        default: {
          const comparable = (t: Inferred) => t === "any" || t === "null" || t === "number" || t === "string" || t === "boolean";
          const mismatched = left !== right && left !== "any" && right !== "any" && left !== "null" && right !== "null";
          if (!comparable(left) || !comparable(right) || mismatched) {
            throw new ParseFailure(`cannot compare ${describe(left)} with ${describe(right)}`, node.pos);
          }
          return "boolean";
        }
      }
    }
    case "elvis":
      return join(typecheck(node.left), typecheck(node.right));
    case "conditional":
      requireBoolean(node.test, typecheck(node.test), "a condition");
      return join(typecheck(node.consequent), typecheck(node.alternate));
    case "call":
      node.args.forEach(typecheck);
      return lookupFunction(node.name)?.returns ?? "any";
  }
}
