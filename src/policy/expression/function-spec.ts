/**
 * The shape of a built-in function and the argument coercions they share.
 *
 * Null arguments: Okta documents null handling only for Arrays.size(NULL) = 0 and Arrays.isEmpty(NULL) = true.
 * Elsewhere we follow the convention of Apache Commons Lang's StringUtils, whose names Okta's String
 * functions reuse (substringBefore, substringAfter): a null subject gives null (or false / 0 where the
 * function answers a question), and a null secondary string argument acts like an empty string.
 */
import type { Expr } from "./ast";
import type { EvalContext } from "./context";
import type { Limits } from "./limits";
import { fail, isArray, toText, typeName, type Value } from "./values";

export type StaticType = "string" | "number" | "boolean" | "array" | "any";

export interface CallEnv {
  ctx: EvalContext;
  limits: Limits;
  /** Charges evaluation steps for work proportional to input size. */
  spend(steps: number): void;
}

export interface FunctionSpec {
  minArgs: number;
  /** Infinity for variadic functions. */
  maxArgs: number;
  /** Arguments after `minArgs` come in key/value pairs (String.stringSwitch). */
  pairs?: boolean;
  returns: StaticType;
  /** Save-time validation of literal arguments (regex patterns, limits). */
  checkLiterals?: (args: Expr[], limits: Limits) => { message: string; pos: number } | null;
  call(args: Value[], env: CallEnv): Value;
}

export type FunctionTable = Record<string, FunctionSpec>;

/** A string parameter: strings as they are; numbers and booleans as Java would print them; null stays null. */
export function optString(value: Value | undefined, what: string): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return fail(`${what} must be a string, not ${typeName(value)}`);
}

export function int(value: Value | undefined, what: string): number {
  if (typeof value === "number" && Number.isInteger(value)) return value;
  return fail(`${what} must be an integer, not ${value === undefined ? "missing" : typeName(value)}`);
}

/** An array parameter; null is an empty array (Okta: Arrays.size(NULL) is 0, Arrays.isEmpty(NULL) is true). */
export function list(value: Value | undefined, what: string): readonly Value[] {
  if (value === null || value === undefined) return [];
  if (isArray(value)) return value;
  return fail(`${what} must be an array, not ${typeName(value)}`);
}

export function boundedString(s: string, env: CallEnv): string {
  if (s.length > env.limits.maxStringLength) fail(`string longer than ${env.limits.maxStringLength} characters`);
  env.spend(Math.ceil(s.length / 64));
  return s;
}

export function boundedArray(items: Value[], env: CallEnv): Value[] {
  if (items.length > env.limits.maxArrayLength) fail(`array longer than ${env.limits.maxArrayLength} items`);
  env.spend(Math.ceil(items.length / 8));
  return items;
}

export function text(value: Value, env: CallEnv): string {
  return toText(value, env.limits.maxStringLength);
}

/** Save-time check that a literal group-function limit lies in 1..100. */
export function literalLimit(index: number) {
  return (args: Expr[]): { message: string; pos: number } | null => {
    const arg = args[index];
    if (arg?.kind !== "literal" || arg.value === null) return null;
    const ok = typeof arg.value === "number" && Number.isInteger(arg.value) && arg.value >= 1 && arg.value <= 100;
    return ok ? null : { message: "limit must be an integer between 1 and 100", pos: arg.pos };
  };
}

/** Okta: a group function's limit "must evaluate to a value between 1 and 100". */
export function groupLimit(value: Value | undefined): number {
  const limit = int(value, "limit");
  if (limit < 1 || limit > 100) fail("limit must be between 1 and 100");
  return limit;
}
