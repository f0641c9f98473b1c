import type { Env } from "../../env";
import { OAuthError } from "../../errors";
import { evaluatePolicies } from "../../policy/evaluate";
import type { PolicyDecision } from "../../policy/types";
import type { ServerBundle } from "../../cache/server-bundle";
import type { AppRecord } from "../../store/apps";
import { personAtApp } from "../../store/person-at-app";
import { admitAdminScopes } from "./org-scopes";
import { policyDenied } from "./policy-errors";
import type { UserGrant } from "./user-tokens";

export type Granted = Extract<PolicyDecision, { kind: "granted" }>;

/**
 * Whether a person may have these scopes from this client without the authorize endpoint (password and device
 * grants, and a token exchange on their behalf): assigned to the app (Okta's access_denied), admin scopes only as
 * granted on the org server, and a policy rule for this grant type. Throws the OAuth error; returns the decision and the person's groups.
 */
export async function admitPerson(
  env: Env,
  bundle: ServerBundle,
  client: AppRecord,
  userId: string,
  scopes: string[],
  grantType: string,
  now: number,
): Promise<{ decision: Granted; groups: Array<{ id: string; name: string }>; granted: string[] }> {
  // One D1 round trip for the assignment, the groups and the consents (store/person-at-app.ts).
  const person = await personAtApp(env.DB, userId, { appId: client.id, clientId: client.clientId, serverId: bundle.server.id });
  if (!person?.assigned) throw new OAuthError("access_denied", "User is not assigned to the client application.");
  await admitAdminScopes(env, bundle, client, scopes, grantType, now);
  const { groups } = person;
  const decision = evaluatePolicies(bundle.policies, { clientId: client.clientId, grantType, scopes, user: { id: userId, groupIds: groups.map((g) => g.id) } });
  if (decision.kind !== "granted") throw policyDenied(decision);
  return { decision, groups, granted: person.granted };
}

/**
 * Okta's consent rules without a consent page: a client with consent_method REQUIRED needs the person's earlier
 * consent (`granted`, from admitPerson) for every requested scope that is not IMPLICIT. Returns the scopes still lacking it.
 */
export function scopesLackingConsent(bundle: ServerBundle, client: AppRecord, granted: string[], scopes: string[]): string[] {
  if (client.settings.consent_method !== "REQUIRED") return [];
  const consentOf = new Map(bundle.scopes.map((s) => [s.name, s.consent]));
  const askable = scopes.filter((s) => consentOf.get(s) !== "IMPLICIT");
  if (!askable.length) return [];
  const have = new Set(granted);
  return askable.filter((s) => !have.has(s));
}

/** What a person authorized now, without a code: the decision's scopes and lifetimes, signed in at `authTime`. */
export function personGrant(decision: Granted, authTime: number, amr: string[], grantType: string): UserGrant {
  return {
    scopes: decision.scopes,
    authTime,
    amr,
    accessTokenLifetimeSeconds: decision.accessTokenLifetimeSeconds,
    refreshTokenLifetimeSeconds: decision.refreshTokenLifetimeSeconds,
    refreshTokenWindowSeconds: decision.refreshTokenWindowSeconds,
    grantType,
    ...(decision.inlineHookId ? { hook: { id: decision.inlineHookId, policyId: decision.policyId, ruleId: decision.ruleId } } : {}),
  };
}
