/**
 * Custom claims of a custom authorization server (Okta OAuth2Claim), as a pure function of the stored claims
 * and the token request: no I/O, no clock (now is passed in). Claims are parsed once by prepareClaims, so the
 * server cache can hold the prepared form, and evaluated per token by buildCustomClaims, which never throws.
 */
import { evaluateExpression, omitsClaim, parseExpression, type EvalContext, type Expr, type Json } from "../expression";
import type { ClaimRecord, ClaimType } from "./types";
import { groupFilter, type GroupTest } from "./group-filter";
import { isReservedClaim } from "./reserved";

/** Okta: a groups claim carries at most 100 groups; above that Okta fails the token request. */
export const MAX_GROUPS_IN_CLAIM = 100;

/** Okta EL's `org` binding; Mintgate is a single org. */
const ORG = { name: "mintgate", subdomain: "mintgate" } as const;

interface PreparedBase {
  name: string;
  claimType: ClaimType;
  alwaysIncludeInToken: boolean;
  scopes: string[];
}

export type PreparedClaim =
  | (PreparedBase & { kind: "expression"; ast: Expr })
  | (PreparedBase & { kind: "groups"; test: GroupTest })
  // A stored value that no longer parses (the language changed since it was saved): reported at each token.
  | (PreparedBase & { kind: "broken"; error: string });

export interface ClaimContext {
  /** The resource owner; null for client_credentials. */
  user: { id: string; profile: Record<string, unknown>; groups: Array<{ id: string; name: string }> } | null;
  client: { id: string; clientId: string; label: string; profile?: Record<string, unknown> };
  grantedScopes: string[];
  /** Epoch milliseconds. */
  now: number;
  /**
   * An ID token issued alongside an access token (authorize endpoint, authorization_code): Okta puts only
   * the claims with alwaysIncludeInToken in it; the others are fetched from /userinfo.
   */
  thinIdToken?: boolean;
}

/** A claim left out of a token because its value could not be evaluated (Okta logs app.oauth2.as.evaluate.claim). */
export interface ClaimFailure {
  claim: string;
  claimType: ClaimType;
  error: string;
}

/** Parses each ACTIVE claim once. SYSTEM claims are the token minter's own business and are left out. */
export function prepareClaims(claims: ClaimRecord[]): PreparedClaim[] {
  const out: PreparedClaim[] = [];
  for (const c of claims) {
    if (c.status !== "ACTIVE" || c.valueType === "SYSTEM") continue;
    const base: PreparedBase = { name: c.name, claimType: c.claimType, alwaysIncludeInToken: c.alwaysIncludeInToken, scopes: c.scopes };
    if (c.valueType === "EXPRESSION") {
      const parsed = parseExpression(c.value);
      out.push(parsed.ok ? { ...base, kind: "expression", ast: parsed.ast } : { ...base, kind: "broken", error: `${parsed.error.message} at position ${parsed.error.position}` });
    } else if (c.groupFilterType === null) {
      out.push({ ...base, kind: "broken", error: "a GROUPS claim needs a group_filter_type" });
    } else {
      const filter = groupFilter(c.groupFilterType, c.value);
      out.push(filter.ok ? { ...base, kind: "groups", test: filter.test } : { ...base, kind: "broken", error: filter.error });
    }
  }
  return out;
}

/** Okta: a claim with scope conditions is emitted only when one of them is granted; none means always. */
function scopeAllows(claim: PreparedClaim, granted: ReadonlySet<string>): boolean {
  return claim.scopes.length === 0 || claim.scopes.some((s) => granted.has(s));
}

type Outcome = { ok: true; value: Json | null } | { ok: false; error: string };

/** The names of the user's groups that pass the filter, without repeats; null (omitted) when none do. */
function groupsValue(test: GroupTest, user: ClaimContext["user"]): Outcome {
  if (user === null) return { ok: true, value: null };
  const names: string[] = [];
  const seen = new Set<string>();
  for (const { name } of user.groups) {
    if (seen.has(name)) continue;
    const matched = test(name);
    if (!matched.ok) return matched;
    if (!matched.value) continue;
    seen.add(name);
    names.push(name);
    // Okta fails the request above 100 groups; a truncated list would silently misstate membership.
    if (names.length > MAX_GROUPS_IN_CLAIM) return { ok: false, error: `more than ${MAX_GROUPS_IN_CLAIM} groups match the filter` };
  }
  return { ok: true, value: names.length ? names : null };
}

function evaluate(claim: PreparedClaim, ctx: ClaimContext, evalCtx: EvalContext): Outcome {
  switch (claim.kind) {
    case "expression":
      return evaluateExpression(claim.ast, evalCtx);
    case "groups":
      return groupsValue(claim.test, ctx.user);
    case "broken":
      return { ok: false, error: claim.error };
  }
}

/**
 * The custom claims of one token of `target` type: RESOURCE for access tokens, IDENTITY for ID tokens and
 * userinfo. A claim whose value is null (or an empty list) is left out, as Okta leaves it out; a claim that
 * fails to evaluate is left out too and reported as one JSON log line, never as a failed token request.
 */
export function buildCustomClaims(
  prepared: PreparedClaim[],
  target: ClaimType,
  ctx: ClaimContext,
  log: (line: string) => void,
  report?: (failure: ClaimFailure) => void,
): Record<string, unknown> {
  const granted = new Set(ctx.grantedScopes);
  const evalCtx: EvalContext = {
    user: ctx.user,
    app: { id: ctx.client.id, clientId: ctx.client.clientId, label: ctx.client.label, profile: ctx.client.profile ?? {} },
    org: ORG,
    access: { scope: [...ctx.grantedScopes] },
    now: ctx.now,
  };
  const out: Record<string, unknown> = {};
  for (const claim of prepared) {
    if (claim.claimType !== target || !scopeAllows(claim, granted)) continue;
    // Okta: alwaysIncludeInToken false keeps an identity claim out of an ID token issued with an access token.
    if (target === "IDENTITY" && ctx.thinIdToken === true && !claim.alwaysIncludeInToken) continue;
    // The admin API refuses reserved names; this guards claims saved before a name became reserved.
    if (isReservedClaim(claim.name, target)) continue;
    const result = evaluate(claim, ctx, evalCtx);
    if (!result.ok) {
      log(JSON.stringify({ event: "claim_evaluation_failed", claim: claim.name, error: result.error }));
      report?.({ claim: claim.name, claimType: target, error: result.error });
      continue;
    }
    if (omitsClaim(result.value)) continue;
    // defineProperty: a claim named "__proto__" is an ordinary JSON member, not the object's prototype.
    Object.defineProperty(out, claim.name, { value: result.value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}
