/**
 * Okta EL Array functions (Okta developer docs, "Expression Language Overview" > Array Functions). Arrays
 * are immutable here: add, remove and clear return new arrays.
 */
import { boundedArray, int, list, text, type FunctionTable } from "./function-spec";
import { fail, isArray, valueEquals, type Value } from "./values";

/**
 * Okta support, "Merged Attributes Using Arrays.flatten Do Not Update": Arrays.flatten "fails to evaluate if
 * any element contains a null", so a null anywhere is an error rather than being skipped.
 */
function flattenInto(value: Value, out: Value[], max: number, depth: number): void {
  if (value === null) fail("Arrays.flatten cannot flatten a null value");
  if (!isArray(value)) {
    out.push(value);
    if (out.length > max) fail(`array longer than ${max} items`);
    return;
  }
  if (depth > 16) fail("arrays nested too deeply");
  for (const item of value) flattenInto(item, out, max, depth + 1);
}

export const ARRAY_FUNCTIONS: FunctionTable = {
  "Arrays.add": {
    minArgs: 2,
    maxArgs: 2,
    returns: "array",
    call: ([array, value], env) => boundedArray([...list(array, "array"), value ?? null], env),
  },
  /** Java List.remove(Object): the first equal element only. */
  "Arrays.remove": {
    minArgs: 2,
    maxArgs: 2,
    returns: "array",
    call: ([array, value], env) => {
      const items = [...list(array, "array")];
      const at = items.findIndex((item) => valueEquals(item, value ?? null));
      if (at >= 0) items.splice(at, 1);
      return boundedArray(items, env);
    },
  },
  "Arrays.clear": {
    minArgs: 1,
    maxArgs: 1,
    returns: "array",
    call: ([array]) => {
      list(array, "array");
      return [];
    },
  },
  /** Java List.get: a position outside the array is an error. */
  "Arrays.get": {
    minArgs: 2,
    maxArgs: 2,
    returns: "any",
    call: ([array, position]) => {
      const items = list(array, "array");
      const at = int(position, "position");
      if (at < 0 || at >= items.length) fail(`position ${at} out of bounds for length ${items.length}`);
      return items[at] ?? null;
    },
  },
  /** `Arrays.flatten(10, {20, 30}, 40)` is `{10, 20, 30, 40}`. */
  "Arrays.flatten": {
    minArgs: 1,
    maxArgs: Infinity,
    returns: "array",
    call: (values, env) => {
      const out: Value[] = [];
      for (const value of values) flattenInto(value, out, env.limits.maxArrayLength, 0);
      return boundedArray(out, env);
    },
  },
  "Arrays.contains": {
    minArgs: 2,
    maxArgs: 2,
    returns: "boolean",
    call: ([array, value], env) => {
      const items = list(array, "array");
      env.spend(Math.ceil(items.length / 8));
      return items.some((item) => valueEquals(item, value ?? null));
    },
  },
  "Arrays.size": {
    minArgs: 1,
    maxArgs: 1,
    returns: "number",
    call: ([array]) => list(array, "array").length,
  },
  /**
   * Okta support's groups-claim recipe calls `Arrays.isEmpty(Arrays.toCsvString(...))`, so a string is
   * accepted too and is empty when it has no characters.
   */
  "Arrays.isEmpty": {
    minArgs: 1,
    maxArgs: 1,
    returns: "boolean",
    call: ([value]) => (typeof value === "string" ? value.length === 0 : list(value, "array").length === 0),
  },
  /** `Arrays.toCsvString({"This", "is", " a ", "test"})` is `This,is, a ,test`: no quoting, no trimming. */
  "Arrays.toCsvString": {
    minArgs: 1,
    maxArgs: 1,
    returns: "string",
    call: ([array], env) => {
      if (array === null || array === undefined) return null;
      const joined = list(array, "array").map((item) => text(item, env)).join(",");
      return text(joined, env);
    },
  },
};
