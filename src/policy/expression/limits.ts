/**
 * Resource limits for claim expressions. An expression is admin-authored but evaluated on the token hot path
 * of a Worker, so every dimension that could make it hang or exhaust memory is bounded: source and tree size
 * at save time (parse errors), work and output size at token time (evaluation errors).
 */
export interface Limits {
  /** Longest accepted source, in UTF-16 code units. */
  maxSourceLength: number;
  /** Deepest accepted syntax tree (a literal alone has depth 1). */
  maxDepth: number;
  /** Evaluation budget: one step per node, plus steps proportional to the work a function does. */
  maxSteps: number;
  /** Longest string any step may produce (and any string the result may hold). */
  maxStringLength: number;
  /** Most items any array may hold; Okta fails a groups claim above 100 groups. */
  maxArrayLength: number;
  /** Longest accepted regular expression pattern. */
  maxRegexLength: number;
  /** Longest input a regular expression is run on. */
  maxRegexInputLength: number;
  /**
   * Upper bound on the backtracking paths a regular expression may explore for one input: the product of
   * every quantifier's and alternation's choices, times the start positions (see regex.ts).
   */
  maxRegexWork: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxSourceLength: 1024,
  maxDepth: 32,
  maxSteps: 10_000,
  maxStringLength: 4096,
  // Okta: a groups claim carries at most 100 groups; above that the token request fails.
  maxArrayLength: 100,
  maxRegexLength: 256,
  maxRegexInputLength: 1024,
  maxRegexWork: 2_000_000,
});

/** Fills in defaults and clamps nonsense (negative, NaN) so a bad override cannot disable a limit. */
export function resolveLimits(overrides?: Partial<Limits>): Limits {
  const merged: Limits = { ...DEFAULT_LIMITS };
  if (overrides === undefined) return merged;
  for (const key of Object.keys(DEFAULT_LIMITS) as Array<keyof Limits>) {
    const value = overrides[key];
    if (typeof value === "number" && Number.isFinite(value) && value >= 0) merged[key] = Math.floor(value);
  }
  return merged;
}
