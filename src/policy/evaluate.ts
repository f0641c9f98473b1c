/**
 * The access-policy engine: which rule of which policy, if any, lets this token request through.
 * Pure: the caller loads policies and passes the request facts in; the result is a tagged decision.
 */
import { byPriority, matchesPeople, matchesScopes } from "./match";
import type { PolicyConfig, PolicyDecision, PolicyRequest, RuleConfig } from "./types";

export { checkRuleLifetimes } from "./lifetimes";

const ALL_CLIENTS = "ALL_CLIENTS";
const SECONDS_PER_MINUTE = 60;

/**
 * Okta: policies are evaluated in priority order, as are the rules in a policy; the first policy and rule that
 * match the request are applied and no further rule or policy processing occurs.
 *
 * When the highest-priority policy covering the client has no matching rule, evaluation continues with the
 * next policy covering the client: "Policy B will not be evaluated if one of Rules in policy A matches the
 * requests" (Okta OAuth 2.0 API reference, Access Policies > Policies), and "If the application, user, or
 * request does not match the configuration for the Access Policy/Access Rule, evaluation will continue to the
 * next Access Policy/Rule" (Okta support: "Tokens Not Issued with Lifetime Configured in Access Rule for Custom
 * Authorization Server"). Only when no covering policy has a matching rule does the request fail.
 */
export function evaluatePolicies(policies: PolicyConfig[], req: PolicyRequest): PolicyDecision {
  const covering = byPriority(policies).filter(
    // Okta: an INACTIVE policy is not evaluated.
    (policy) => policy.status === "ACTIVE" && coversClient(policy, req.clientId),
  );
  const first = covering[0];
  // Okta: "If a client matches no policies, the authentication attempt fails and an error is returned."
  if (first === undefined) return { kind: "no_policy" };

  for (const policy of covering) {
    const rule = firstMatchingRule(policy, req);
    if (rule !== undefined) return granted(policy, rule, req);
  }
  // Reported against the policy that governs the client: the highest-priority one covering it.
  return { kind: "no_rule", policyId: first.id };
}

/**
 * The longest refresh-token lifetime any rule could give this client's grant (seconds; null: a rule gives an
 * unlimited one; 0: no rule covers it). For an index row written before the policy has decided (issue 17: a
 * sign-in registers the object its code will live in, in its own transaction).
 */
export function longestRefreshLifetimeSeconds(policies: PolicyConfig[], clientId: string, grantType: string): number | null {
  let longest = 0;
  for (const policy of policies) {
    if (policy.status !== "ACTIVE" || !coversClient(policy, clientId)) continue;
    for (const rule of policy.rules) {
      if (rule.status !== "ACTIVE" || !rule.grantTypes.includes(grantType)) continue;
      // Okta: refreshTokenLifetimeMinutes 0 is unlimited.
      if (rule.token.refreshTokenLifetimeMinutes === 0) return null;
      longest = Math.max(longest, rule.token.refreshTokenLifetimeMinutes * SECONDS_PER_MINUTE);
    }
  }
  return longest;
}

function coversClient(policy: PolicyConfig, clientId: string): boolean {
  return policy.clients.includes(ALL_CLIENTS) || policy.clients.includes(clientId);
}

/** Okta: first matching rule by priority wins; an INACTIVE rule is skipped. */
function firstMatchingRule(policy: PolicyConfig, req: PolicyRequest): RuleConfig | undefined {
  return byPriority(policy.rules).find(
    (rule) =>
      rule.status === "ACTIVE" &&
      rule.grantTypes.includes(req.grantType) &&
      matchesPeople(rule.people, req.user) &&
      matchesScopes(rule.scopes, req.scopes),
  );
}

function granted(policy: PolicyConfig, rule: RuleConfig, req: PolicyRequest): PolicyDecision {
  const { accessTokenLifetimeMinutes, refreshTokenLifetimeMinutes, refreshTokenWindowMinutes } = rule.token;
  return {
    kind: "granted",
    policyId: policy.id,
    ruleId: rule.id,
    // All or nothing (see matchesScopes): a matching rule grants exactly what was requested.
    scopes: [...req.scopes],
    accessTokenLifetimeSeconds: accessTokenLifetimeMinutes * SECONDS_PER_MINUTE,
    // Okta: refreshTokenLifetimeMinutes 0 is "Unlimited" (REFERENCE 10.5), not "expires at once".
    refreshTokenLifetimeSeconds:
      refreshTokenLifetimeMinutes === 0 ? null : refreshTokenLifetimeMinutes * SECONDS_PER_MINUTE,
    refreshTokenWindowSeconds: refreshTokenWindowMinutes * SECONDS_PER_MINUTE,
    ...(rule.token.inlineHookId ? { inlineHookId: rule.token.inlineHookId } : {}),
  };
}
