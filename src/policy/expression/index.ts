/**
 * Okta Expression Language for custom claims: parse when an admin saves a claim, evaluate when a token is
 * minted. Pure and eval-free; neither entry point throws, whatever the input.
 */
import { depthOf, type Expr, type Json, type RootName } from "./ast";
import type { EvalContext } from "./context";
import { evaluateTree } from "./evaluate";
import { tokenize } from "./lexer";
import { resolveLimits, type Limits } from "./limits";
import { ParseFailure, parseTokens } from "./parser";
import { typecheck } from "./typecheck";
import { EvalFailure, toJson } from "./values";

export type { Expr, Json } from "./ast";
export type { EvalContext } from "./context";
export { DEFAULT_LIMITS, type Limits } from "./limits";
export { SUPPORTED_FUNCTIONS } from "./functions";
export { safeRegex, type RegexOptions, type RegexOutcome, type SafeRegex } from "./regex";

export type ParseResult = { ok: true; ast: Expr } | { ok: false; error: { message: string; position: number } };

/** What the expression is for: a custom claim (the default) or an event hook filter (Okta: `event`, a boolean). */
export interface ParseOptions {
  roots?: ReadonlySet<RootName>;
  /** The expression must evaluate to a boolean: refused when saved if its type is known to be something else. */
  boolean?: boolean;
}

/** An event hook filter's one binding: the LogEvent being delivered. */
export const EVENT_FILTER_ROOTS: ReadonlySet<RootName> = new Set<RootName>(["event"]);

export type EvalResult = { ok: true; value: Json | null } | { ok: false; error: string };

export function parseExpression(source: string, limits?: Partial<Limits>, options: ParseOptions = {}): ParseResult {
  const resolved = resolveLimits(limits);
  try {
    if (typeof source !== "string") return { ok: false, error: { message: "expression must be a string", position: 0 } };
    if (source.length > resolved.maxSourceLength) {
      const message = `expression longer than ${resolved.maxSourceLength} characters`;
      return { ok: false, error: { message, position: resolved.maxSourceLength } };
    }
    if (source.trim() === "") return { ok: false, error: { message: "expression is empty", position: 0 } };
    const lexed = tokenize(source);
    if (!lexed.ok) return lexed;
    const ast = parseTokens(lexed.tokens, resolved, options.roots);
    const { depth, deepest } = depthOf(ast);
    if (depth > resolved.maxDepth) {
      const message = `expression is nested more than ${resolved.maxDepth} levels deep`;
      return { ok: false, error: { message, position: deepest.pos } };
    }
    const type = typecheck(ast);
    if (options.boolean && type !== "boolean" && type !== "any") {
      return { ok: false, error: { message: `the expression must evaluate to a boolean, not ${type === "array" ? "an array" : type === "null" ? "null" : `a ${type}`}`, position: 0 } };
    }
    return { ok: true, ast };
  } catch (e) {
    if (e instanceof ParseFailure) return { ok: false, error: { message: e.message, position: e.position } };
    return { ok: false, error: { message: "expression could not be parsed", position: 0 } };
  }
}

/**
 * Evaluates a parsed expression. A null value means "leave the claim out": Okta omits claims whose
 * expression evaluates to null (Okta support, "How to Write a Groups Claim Expression that Will Match
 * Against Two Differently Named Groups"), and an expression that needs a user evaluates to null for a
 * token without one (client_credentials).
 */
export function evaluateExpression(ast: Expr, ctx: EvalContext, limits?: Partial<Limits>): EvalResult {
  const resolved = resolveLimits(limits);
  try {
    const value = evaluateTree(ast, ctx, resolved);
    return { ok: true, value: toJson(value, resolved.maxArrayLength, resolved.maxStringLength) };
  } catch (e) {
    if (e instanceof EvalFailure) {
      if (e.reason === "no_user") return { ok: true, value: null };
      return { ok: false, error: e.pos === undefined ? e.message : `${e.message} (at position ${e.pos})` };
    }
    // Anything else (a stack overflow from a hand-built tree, a bug) still must not escape to the token endpoint.
    return { ok: false, error: "expression could not be evaluated" };
  }
}

/**
 * Whether a claim with this value is left out of the token: null, and also an empty array, which Okta
 * support notes makes a groups claim "absent from the token".
 */
export function omitsClaim(value: Json | null): boolean {
  return value === null || (Array.isArray(value) && value.length === 0);
}
