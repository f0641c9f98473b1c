/**
 * The interpreter. Operators follow SpEL, on which Okta EL is built:
 * - `+` concatenates when either side is a string (Java String.valueOf: null prints "null"), else adds numbers;
 * - `- * / %` need numbers; an integer divided by an integer truncates, as Java int division does;
 * - AND, OR, `!` and the ternary condition need booleans (SpEL cannot convert null to boolean); AND and OR
 *   short-circuit;
 * - `a ?: b` (SpEL Elvis) is `b` when `a` is null or the empty string.
 *
 * Every node costs a step, functions charge for their work, every intermediate string and array is bounded,
 * and recursion is bounded by the tree depth (checked again here, for trees that did not come from the parser).
 */
import type { Expr } from "./ast";
import { noUser, readIndex, readMember, readRootMember, resolveRoot, type EvalContext } from "./context";
import type { CallEnv } from "./function-spec";
import { lookupFunction } from "./functions";
import type { Limits } from "./limits";
import { compareValues, EvalFailure, fail, isArray, toText, typeName, valueEquals, type Value } from "./values";

/** `user.x` / `appuser.x` on a token without a user: see noUser() in context.ts. */
function isUserRoot(node: Expr): boolean {
  return node.kind === "root" && (node.name === "user" || node.name === "appuser");
}

export function evaluateTree(ast: Expr, ctx: EvalContext, limits: Limits): Value {
  let steps = 0;
  const spend = (n: number): void => {
    steps += n;
    if (steps > limits.maxSteps) throw new EvalFailure(`evaluation exceeded ${limits.maxSteps} steps`);
  };
  const env: CallEnv = { ctx, limits, spend };
  /** The items selections are testing, innermost last. */
  const items: Value[] = [];

  const bounded = (value: Value): Value => {
    if (typeof value === "string" && value.length > limits.maxStringLength) {
      fail(`string longer than ${limits.maxStringLength} characters`);
    }
    if (isArray(value) && value.length > limits.maxArrayLength) fail(`array longer than ${limits.maxArrayLength} items`);
    return value;
  };

  const truth = (node: Expr, depth: number, what: string): boolean => {
    const value = evaluate(node, depth);
    if (typeof value !== "boolean") return fail(`${what} needs a boolean, not ${typeName(value)}`);
    return value;
  };

  const numbers = (op: string, left: Value, right: Value): [number, number] => {
    if (typeof left !== "number" || typeof right !== "number") {
      return fail(`operator '${op}' needs numbers, not ${typeName(left)} and ${typeName(right)}`);
    }
    return [left, right];
  };

  const arithmetic = (op: string, left: Value, right: Value): Value => {
    if (op === "+" && (typeof left === "string" || typeof right === "string")) {
      const l = toText(left, limits.maxStringLength);
      const r = toText(right, limits.maxStringLength);
      if (l.length + r.length > limits.maxStringLength) fail(`string longer than ${limits.maxStringLength} characters`);
      spend(Math.ceil((l.length + r.length) / 64));
      return l + r;
    }
    const [a, b] = numbers(op, left, right);
    const integers = Number.isInteger(a) && Number.isInteger(b);
    let result: number;
    switch (op) {
      case "+":
        result = a + b;
        break;
      case "-":
        result = a - b;
        break;
      case "*":
        result = a * b;
        break;
      case "/":
        if (b === 0) fail("division by zero");
        result = integers ? Math.trunc(a / b) : a / b;
        break;
      default:
        if (b === 0) fail("division by zero");
        result = a % b;
    }
    return Number.isFinite(result) ? result : fail("number out of range");
  };

  const evaluate = (node: Expr, depth: number): Value => {
    if (depth > limits.maxDepth) fail(`expression is nested more than ${limits.maxDepth} levels deep`);
    spend(1);
    try {
      return bounded(evaluateNode(node, depth + 1));
    } catch (e) {
      if (e instanceof EvalFailure && e.pos === undefined) e.pos = node.pos;
      throw e;
    }
  };

  const evaluateNode = (node: Expr, depth: number): Value => {
    switch (node.kind) {
      case "literal":
        return node.value;
      case "array":
        return node.items.map((item) => evaluate(item, depth));
      case "root":
        return resolveRoot(node.name, ctx);
      case "member":
        if (node.object.kind === "root") return readRootMember(node.object.name, node.name, ctx);
        return readMember(evaluate(node.object, depth), node.name);
      case "index": {
        const index = evaluate(node.index, depth);
        if (node.object.kind === "root" && typeof index === "string") return readRootMember(node.object.name, index, ctx);
        if (isUserRoot(node.object) && ctx.user === null) return noUser();
        return readIndex(evaluate(node.object, depth), index);
      }
      case "unary": {
        if (node.op === "!") return !truth(node.operand, depth, "'!'");
        const operand = evaluate(node.operand, depth);
        if (typeof operand !== "number") return fail(`unary '${node.op}' needs a number, not ${typeName(operand)}`);
        return node.op === "-" ? -operand : operand;
      }
      case "logical": {
        const left = truth(node.left, depth, node.op);
        if (node.op === "AND" ? !left : left) return left;
        return truth(node.right, depth, node.op);
      }
      case "binary": {
        const left = evaluate(node.left, depth);
        const right = evaluate(node.right, depth);
        switch (node.op) {
          case "==":
            return valueEquals(left, right);
          case "!=":
            return !valueEquals(left, right);
          case "<":
            return compareValues(left, right) < 0;
          case ">":
            return compareValues(left, right) > 0;
          case "<=":
            return compareValues(left, right) <= 0;
          case ">=":
            return compareValues(left, right) >= 0;
          default:
            return arithmetic(node.op, left, right);
        }
      }
      case "elvis": {
        const left = evaluate(node.left, depth);
        return left === null || left === "" ? evaluate(node.right, depth) : left;
      }
      case "conditional":
        return truth(node.test, depth, "a condition")
          ? evaluate(node.consequent, depth)
          : evaluate(node.alternate, depth);
      case "call": {
        const spec = lookupFunction(node.name);
        if (spec === undefined) return fail(`unknown function '${node.name}'`);
        if (node.args.length < spec.minArgs || node.args.length > spec.maxArgs) {
          return fail(`${node.name}: wrong number of arguments`);
        }
        const args = node.args.map((arg) => evaluate(arg, depth));
        return spec.call(args, env);
      }
      case "item":
        return items.length ? items[items.length - 1]! : fail("malformed expression");
      case "select": {
        // SpEL selection: the items for which the predicate is true (a boolean for each, as SpEL requires).
        const list = evaluate(node.object, depth);
        if (list === null) return null;
        if (!isArray(list)) return fail(`selection needs an array, not ${typeName(list)}`);
        const kept: Value[] = [];
        for (const item of list) {
          items.push(item);
          try {
            if (truth(node.predicate, depth, "a selection")) kept.push(item);
          } finally {
            items.pop();
          }
        }
        return kept;
      }
      default:
        return fail("malformed expression");
    }
  };

  return evaluate(ast, 0);
}
