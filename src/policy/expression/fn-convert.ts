/** Okta EL Conversion functions (Okta developer docs, "Expression Language Overview" > Data Conversion Functions). */
import { optString, type FunctionTable } from "./function-spec";
import { fail, typeName } from "./values";

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
const JAVA_INT = /^[+-]?\d+$/;
// Java Double.parseDouble, less hex floats: surrounding whitespace allowed, an optional f/d suffix.
const JAVA_DOUBLE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[fFdD]?$/;

function requireInt(n: number): number {
  if (n < INT_MIN || n > INT_MAX) fail("value is outside the integer range");
  return n;
}

export const CONVERT_FUNCTIONS: FunctionTable = {
  /**
   * Convert.toInt(string) parses like Java Integer.parseInt; Convert.toInt(double) rounds to the nearest
   * integer (123.4 -> 123, 123.6 -> 124); either way the result must fit a Java int, as Okta's note warns.
   */
  "Convert.toInt": {
    minArgs: 1,
    maxArgs: 1,
    returns: "number",
    call: ([value]) => {
      if (value === null || value === undefined) return null;
      if (typeof value === "number") return requireInt(Math.round(value));
      const s = optString(value, "value");
      if (s === null || !JAVA_INT.test(s)) return fail(`cannot convert '${String(s)}' to an integer`);
      return requireInt(Number(s));
    },
  },
  /** Convert.toNum(string) parses like Java Double.parseDouble ('3.141' -> 3.141). */
  "Convert.toNum": {
    minArgs: 1,
    maxArgs: 1,
    returns: "number",
    call: ([value]) => {
      if (value === null || value === undefined) return null;
      if (typeof value === "number") return value;
      if (typeof value !== "string") return fail(`cannot convert ${typeName(value)} to a number`);
      const s = value.trim();
      const n = JAVA_DOUBLE.test(s) ? Number(s.replace(/[fFdD]$/, "")) : NaN;
      return Number.isFinite(n) ? n : fail(`cannot convert '${value}' to a number`);
    },
  },
};
