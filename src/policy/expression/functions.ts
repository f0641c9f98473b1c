/**
 * Every function an expression may call, by its canonical name. A name missing here is a save-time error,
 * so an expression that Mintgate cannot evaluate is rejected when the admin saves it, not when a token is
 * minted.
 */
import { ARRAY_FUNCTIONS } from "./fn-arrays";
import { CONVERT_FUNCTIONS } from "./fn-convert";
import { GROUP_FUNCTIONS } from "./fn-groups";
import { STRING_FUNCTIONS } from "./fn-string";
import { TIME_FUNCTIONS } from "./fn-time";
import type { FunctionSpec } from "./function-spec";

const TABLE: ReadonlyMap<string, FunctionSpec> = new Map(
  Object.entries({ ...STRING_FUNCTIONS, ...ARRAY_FUNCTIONS, ...CONVERT_FUNCTIONS, ...TIME_FUNCTIONS, ...GROUP_FUNCTIONS }),
);

/** Namespaces whose members are called as `Namespace.function(...)`. */
export const NAMESPACES: ReadonlySet<string> = new Set(["String", "Arrays", "Convert", "Time", "Groups"]);

export function lookupFunction(name: string): FunctionSpec | undefined {
  return TABLE.get(name);
}

/** For the README: every callable name, sorted. */
export const SUPPORTED_FUNCTIONS: readonly string[] = Object.freeze([...TABLE.keys()].sort());

export function arityError(name: string, spec: FunctionSpec, count: number): string | null {
  const { minArgs, maxArgs } = spec;
  if (count >= minArgs && count <= maxArgs && (!spec.pairs || (count - minArgs) % 2 === 0)) return null;
  if (spec.pairs) return `${name} takes ${minArgs} arguments followed by key/value pairs, got ${count}`;
  const expected =
    minArgs === maxArgs ? `${minArgs}` : maxArgs === Infinity ? `at least ${minArgs}` : `${minArgs} to ${maxArgs}`;
  const plural = expected.endsWith(" 1") || expected === "1" ? "" : "s";
  return `${name} takes ${expected} argument${plural}, got ${count}`;
}
