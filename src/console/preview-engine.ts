/**
 * Token Preview: what the token endpoint would decide and put in the tokens, computed from the same pure engine
 * (policy/evaluate.ts) and claim builders (policy/claims/) the token endpoint uses — nothing is signed, issued
 * or stored.
 */
import { epochSeconds } from "../clock";
import { evaluatePolicies } from "../policy/evaluate";
import { buildCustomClaims, type PreparedClaim } from "../policy/claims/custom-claims";
import { userClaims } from "../policy/claims/user-claims";
import { byPriority, matchesPeople, matchesScopes } from "../policy/match";
import type { PolicyConfig, PolicyDecision } from "../policy/types";
import type { AppRecord } from "../store/apps";
import type { ScopeRecord } from "../store/scopes";
import type { UserRecord } from "../store/users";

export interface PreviewInput {
  issuer: string;
  audience: string;
  scopes: ScopeRecord[];
  policies: PolicyConfig[];
  claims: PreparedClaim[];
  client: AppRecord;
  grantType: string;
  requested: string[];
  user: { record: UserRecord; groups: Array<{ id: string; name: string }>; assigned: boolean } | null;
  now: number;
}

export interface RuleExplanation {
  name: string;
  priority: number;
  reasons: string[];
}
export interface PolicyExplanation {
  name: string;
  priority: number;
  status: string;
  covers: boolean;
  rules: RuleExplanation[];
}

export interface PreviewResult {
  /** Problems the token endpoint finds before policy (unknown scope, grant not allowed ...): no token. */
  refused: string[];
  decision: PolicyDecision | null;
  policyName?: string;
  ruleName?: string;
  explanations: PolicyExplanation[];
  accessToken?: Record<string, unknown>;
  idToken?: Record<string, unknown>;
  /** Claims whose expression failed to evaluate (left out of the token, as at the token endpoint). */
  claimErrors: string[];
}

const PERSON_GRANTS = new Set(["authorization_code", "implicit", "password", "refresh_token", "urn:ietf:params:oauth:grant-type:device_code"]);
export const needsPerson = (grantType: string) => PERSON_GRANTS.has(grantType);
/** Okta reports its org id as the idp of ID tokens for people it signed in itself (oauth/minting/id-token.ts). */
const ORG_IDP = "00omintgate000000000";

/** Why each rule of each policy does or does not match: the engine's own conditions, one reason each. */
export function explain(policies: PolicyConfig[], clientId: string, grantType: string, scopes: string[], user: { id: string; groupIds: string[] } | null): PolicyExplanation[] {
  return byPriority(policies).map((p) => ({
    name: p.name,
    priority: p.priority,
    status: p.status,
    covers: p.clients.includes("ALL_CLIENTS") || p.clients.includes(clientId),
    rules: byPriority(p.rules).map((r) => {
      const reasons: string[] = [];
      if (r.status !== "ACTIVE") reasons.push("the rule is inactive");
      if (!r.grantTypes.includes(grantType)) reasons.push(`grant type ${grantType} is not one of ${r.grantTypes.join(", ")}`);
      if (!matchesPeople(r.people, user)) reasons.push(user ? "the person is not among the rule's people or groups" : "the rule names people or groups, and a client acting for itself has no person");
      if (!matchesScopes(r.scopes, scopes)) reasons.push(`the rule does not allow every requested scope (allows ${r.scopes.join(", ")})`);
      return { name: r.name, priority: r.priority, reasons };
    }),
  }));
}

function refusals(i: PreviewInput): string[] {
  const out: string[] = [];
  if (i.client.status !== "ACTIVE") out.push("invalid_client: the application is inactive.");
  if (!i.client.settings.grant_types.includes(i.grantType)) out.push(`unauthorized_client: the application is not allowed to use the ${i.grantType} grant.`);
  if (!i.requested.length) out.push("invalid_scope: no scopes were requested.");
  const known = new Set(i.scopes.map((s) => s.name));
  const unknown = i.requested.filter((s) => !known.has(s));
  if (unknown.length) out.push(`invalid_scope: not configured on this authorization server: ${unknown.join(", ")}.`);
  if (i.grantType === "client_credentials") {
    const system = i.requested.filter((n) => i.scopes.find((s) => s.name === n)?.system);
    if (system.length) out.push(`invalid_scope: cannot request '${system[0]}' with client credentials.`);
  } else if (!i.user) {
    out.push("A person is needed for this grant type.");
  } else {
    if (i.user.record.status !== "ACTIVE") out.push(`The person is ${i.user.record.status}, not ACTIVE.`);
    if (!i.user.assigned) out.push("access_denied: the person is not assigned to the application.");
  }
  return out;
}

export function previewTokens(i: PreviewInput): PreviewResult {
  const person = i.grantType === "client_credentials" ? null : i.user;
  const policyUser = person ? { id: person.record.id, groupIds: person.groups.map((g) => g.id) } : null;
  const explanations = explain(i.policies, i.client.clientId, i.grantType, i.requested, policyUser);
  const refused = refusals(i);
  if (refused.length) return { refused, decision: null, explanations, claimErrors: [] };
  const decision = evaluatePolicies(i.policies, { clientId: i.client.clientId, grantType: i.grantType, scopes: i.requested, user: policyUser });
  if (decision.kind !== "granted") return { refused, decision, explanations, claimErrors: [], policyName: decision.kind === "no_rule" ? i.policies.find((p) => p.id === decision.policyId)?.name : undefined };
  const policy = i.policies.find((p) => p.id === decision.policyId)!;
  const rule = policy.rules.find((r) => r.id === decision.ruleId)!;
  const claimErrors: string[] = [];
  const log = (line: string) => {
    try {
      const o = JSON.parse(line) as { claim?: string; error?: string; message?: string };
      claimErrors.push(`${o.claim ?? "claim"}: ${o.error ?? o.message ?? line}`);
    } catch {
      claimErrors.push(line);
    }
  };
  const ctx = {
    user: person && { id: person.record.id, profile: person.record.profile, groups: person.groups },
    client: { id: i.client.id, clientId: i.client.clientId, label: i.client.label },
    grantedScopes: decision.scopes,
    now: i.now,
  };
  const iat = epochSeconds(i.now);
  const custom = buildCustomClaims(i.claims, "RESOURCE", ctx, log);
  const accessToken: Record<string, unknown> = {
    ...custom,
    ver: 1,
    jti: "AT.(preview: not issued)",
    iss: i.issuer,
    aud: i.audience,
    iat,
    exp: iat + decision.accessTokenLifetimeSeconds,
    cid: i.client.clientId,
    ...(person ? { uid: person.record.id } : {}),
    scp: decision.scopes,
    ...(person ? { auth_time: iat } : {}),
    sub: person ? String(person.record.profile.login) : i.client.clientId,
  };
  let idToken: Record<string, unknown> | undefined;
  if (person && decision.scopes.includes("openid")) {
    idToken = {
      sub: person.record.id,
      ...buildCustomClaims(i.claims, "IDENTITY", { ...ctx, thinIdToken: true }, log),
      ...userClaims({ id: person.record.id, profile: person.record.profile, lastUpdated: person.record.lastUpdated }, decision.scopes),
      ver: 1,
      iss: i.issuer,
      aud: i.client.clientId,
      iat,
      exp: iat + 3600,
      jti: "ID.(preview: not issued)",
      amr: ["pwd"],
      idp: ORG_IDP,
      auth_time: iat,
    };
  }
  return { refused, decision, policyName: policy.name, ruleName: rule.name, explanations, accessToken, idToken, claimErrors };
}
