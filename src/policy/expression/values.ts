/**
 * Runtime values of the expression language and the Java-like operations on them (Okta EL runs on SpEL,
 * so equality, ordering and string conversion follow SpEL/Java where Okta documents nothing else).
 *
 * Records are plain objects that came from the evaluation context (user profile, app profile). They are
 * only ever read through own properties, so `user.constructor` or `app.__proto__` can never reach a prototype.
 */
import type { Json } from "./ast";

export type Value = null | boolean | number | string | readonly Value[] | ValueRecord;
export interface ValueRecord {
  readonly [key: string]: unknown;
}

/** An evaluation failure; `pos` is filled in by the evaluator with the node that failed. */
export class EvalFailure extends Error {
  constructor(
    message: string,
    public pos?: number,
    /** "no_user": the expression needs a user and the token has none (client_credentials). */
    public readonly reason: "error" | "no_user" = "error",
  ) {
    super(message);
  }
}

export function fail(message: string): never {
  throw new EvalFailure(message);
}

export function isRecord(value: unknown): value is ValueRecord {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function isArray(value: Value): value is readonly Value[] {
  return Array.isArray(value);
}

export function typeName(value: Value): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (isRecord(value)) return "object";
  return typeof value;
}

/** Reads an own property of a context record; anything absent or not JSON-like is null. */
export function ownProperty(record: ValueRecord, name: string): Value {
  if (!Object.prototype.hasOwnProperty.call(record, name)) return null;
  return fromUnknown(record[name]);
}

/** Admits a context value (profile attribute, app profile) into the language. */
export function fromUnknown(value: unknown): Value {
  if (value === null || value === undefined) return null;
  if (typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (Array.isArray(value)) return value.map(fromUnknown);
  if (isRecord(value)) return value;
  return null;
}

/** Java `String.valueOf` as SpEL's `+` applies it: null is "null", lists print as `[a, b]`, maps as `{k=v}`. */
export function toText(value: Value, maxLength: number): string {
  const out: string[] = [];
  let length = 0;
  const push = (s: string): void => {
    length += s.length;
    if (length > maxLength) fail(`string longer than ${maxLength} characters`);
    out.push(s);
  };
  const walk = (v: Value, depth: number): void => {
    if (depth > 8) return push("…");
    if (v === null) return push("null");
    if (typeof v === "string") return push(v);
    if (typeof v === "number" || typeof v === "boolean") return push(String(v));
    if (Array.isArray(v)) {
      push("[");
      v.forEach((item, i) => {
        if (i > 0) push(", ");
        walk(item, depth + 1);
      });
      return push("]");
    }
    push("{");
    Object.keys(v).forEach((key, i) => {
      if (i > 0) push(", ");
      push(`${key}=`);
      walk(ownProperty(v as ValueRecord, key), depth + 1);
    });
    push("}");
  };
  walk(value, 0);
  return out.join("");
}

/** SpEL `==`: numbers compare by value, lists element-wise (Java List.equals), other types never equal. */
export function valueEquals(a: Value, b: Value, depth = 0): boolean {
  if (a === null || b === null) return a === b;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length || depth > 8) return false;
    return a.every((item, i) => valueEquals(item, b[i] as Value, depth + 1));
  }
  if (isRecord(a) || isRecord(b)) {
    if (!isRecord(a) || !isRecord(b) || depth > 8) return a === b;
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((k) => valueEquals(ownProperty(a, k), ownProperty(b, k), depth + 1));
  }
  return a === b;
}

/**
 * SpEL ordering (StandardTypeComparator): null sorts before everything, numbers by value, strings by UTF-16
 * code units (Java compareTo), booleans false < true; anything else is not comparable.
 */
export function compareValues(a: Value, b: Value): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  if (typeof a === "number" && typeof b === "number") return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
  return fail(`cannot compare ${typeName(a)} with ${typeName(b)}`);
}

/** The claim value: JSON only, bounded, no non-finite numbers. */
export function toJson(value: Value, maxItems: number, maxLength: number): Json {
  let budget = maxItems * 8;
  const walk = (v: Value, depth: number): Json => {
    if (--budget < 0 || depth > 16) fail("result is too large");
    if (v === null || typeof v === "boolean") return v;
    // JSON has no -0 (nor has a Java int).
    if (typeof v === "number") return Number.isFinite(v) ? v + 0 : fail("result is not a finite number");
    if (typeof v === "string") return v.length <= maxLength ? v : fail(`string longer than ${maxLength} characters`);
    if (Array.isArray(v)) {
      if (v.length > maxItems) fail(`array longer than ${maxItems} items`);
      return v.map((item) => walk(item, depth + 1));
    }
    const out: { [key: string]: Json } = {};
    for (const key of Object.keys(v)) {
      Object.defineProperty(out, key, {
        value: walk(ownProperty(v as ValueRecord, key), depth + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  };
  return walk(value, 0);
}
