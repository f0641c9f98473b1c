/**
 * The access-policy model the engine evaluates: Okta's AuthorizationServerPolicy and
 * AuthorizationServerPolicyRule, reduced to what a decision needs. Pure data; no I/O types.
 */

export type Status = "ACTIVE" | "INACTIVE";

export interface PeopleCondition {
  users: { include: string[]; exclude: string[] };
  /** Group ids, or "EVERYONE". */
  groups: { include: string[]; exclude: string[] };
}

export interface RuleConfig {
  id: string;
  name: string;
  priority: number;
  status: Status;
  people: PeopleCondition;
  /** Grant types the rule allows (Okta: conditions.grantTypes.include). */
  grantTypes: string[];
  /** Scope names, or "*" for any scope (Okta: conditions.scopes.include). */
  scopes: string[];
  token: {
    accessTokenLifetimeMinutes: number;
    /** 0 means unlimited (Okta). */
    refreshTokenLifetimeMinutes: number;
    refreshTokenWindowMinutes: number;
    /** Okta: actions.token.inlineHook.id, the token inline hook called while minting. */
    inlineHookId?: string;
  };
}

export interface PolicyConfig {
  id: string;
  name: string;
  priority: number;
  status: Status;
  /** Client ids, or "ALL_CLIENTS" (Okta: conditions.clients.include). */
  clients: string[];
  rules: RuleConfig[];
}

/** The facts of one token request that policy is evaluated against. */
export interface PolicyRequest {
  clientId: string;
  grantType: string;
  /** The scopes requested (after the caller resolved default scopes); never empty. */
  scopes: string[];
  /** The resource owner; null for client_credentials. */
  user: { id: string; groupIds: string[] } | null;
}

/** Tagged results; oauth/ maps each to a wire error in one exhaustive switch. */
export type PolicyDecision =
  | {
      kind: "granted";
      policyId: string;
      ruleId: string;
      scopes: string[];
      accessTokenLifetimeSeconds: number;
      /** null: the refresh token never expires by age. */
      refreshTokenLifetimeSeconds: number | null;
      refreshTokenWindowSeconds: number;
      /** The rule's token inline hook, if it has one. */
      inlineHookId?: string;
    }
  | { kind: "no_policy" }
  | { kind: "no_rule"; policyId: string };
