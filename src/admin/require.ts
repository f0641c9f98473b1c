import type { Env } from "../env";
import { ApiError } from "../errors";
import { getApp, getAppByClientId, type AppRecord } from "../store/apps";
import { getServer, type AuthorizationServerRecord } from "../store/authorization-servers";
import { getClaim, type ClaimRecord } from "../store/claims";
import { getGroup, type GroupRecord } from "../store/groups";
import { getPolicy, getRule, type PolicyRecord, type RuleRecord } from "../store/policies";
import { getScope, type ScopeRecord } from "../store/scopes";
import { getTrustedOrigin, type TrustedOriginRecord } from "../store/trusted-origins";
import { getUser, getUserByLogin, type UserRecord } from "../store/users";

/** The kinds Okta names in a not-found summary, as its own objects are called. */
export type ResourceKind =
  | "AuthorizationServer"
  | "AuthorizationServerJsonWebKey"
  | "OAuth2Scope"
  | "OAuth2Claim"
  | "Policy"
  | "PolicyRule"
  | "App"
  | "AppUser"
  | "ApplicationGroupAssignment"
  | "OAuth2ScopeConsentGrant"
  | "Client"
  | "User"
  | "UserGroup"
  | "Role"
  | "TrustedOrigin"
  | "OAuth2RefreshToken";

/** Okta: 404 E0000007 "Not found: Resource not found: {id} ({Kind})". */
export const notFoundError = (id: string, kind: ResourceKind) => new ApiError("E0000007", `Resource not found: ${id} (${kind})`);

/** The value, or Okta's not-found error for it. */
export function found<T>(value: T | null | undefined, id: string, kind: ResourceKind): T {
  if (value === null || value === undefined) throw notFoundError(id, kind);
  return value;
}

export const requireServer = async (env: Env, id: string): Promise<AuthorizationServerRecord> =>
  found(await getServer(env.DB, id), id, "AuthorizationServer");

// Children are looked up after their parent, so an unknown server is its own 404.
export async function requireScope(env: Env, serverId: string, scopeId: string): Promise<ScopeRecord> {
  await requireServer(env, serverId);
  return found(await getScope(env.DB, serverId, scopeId), scopeId, "OAuth2Scope");
}

export async function requireClaim(env: Env, serverId: string, claimId: string): Promise<ClaimRecord> {
  await requireServer(env, serverId);
  return found(await getClaim(env.DB, serverId, claimId), claimId, "OAuth2Claim");
}

export async function requirePolicy(env: Env, serverId: string, policyId: string): Promise<PolicyRecord> {
  await requireServer(env, serverId);
  return found(await getPolicy(env.DB, serverId, policyId), policyId, "Policy");
}

export async function requireRule(env: Env, serverId: string, policyId: string, ruleId: string): Promise<RuleRecord> {
  await requirePolicy(env, serverId, policyId);
  return found(await getRule(env.DB, serverId, policyId, ruleId), ruleId, "PolicyRule");
}

export const requireApp = async (env: Env, id: string): Promise<AppRecord> => found(await getApp(env.DB, id), id, "App");

/** The app registered with this client_id (Okta's OAuth client routes name clients by client_id). */
export const requireClient = async (env: Env, clientId: string): Promise<AppRecord> => found(await getAppByClientId(env.DB, clientId), clientId, "Client");

/** Okta: a user path takes the user's id or login. */
export const requireUser = async (env: Env, idOrLogin: string): Promise<UserRecord> =>
  found((await getUser(env.DB, idOrLogin)) ?? (await getUserByLogin(env.DB, idOrLogin)), idOrLogin, "User");

export const requireGroup = async (env: Env, id: string): Promise<GroupRecord> => found(await getGroup(env.DB, id), id, "UserGroup");

export const requireTrustedOrigin = async (env: Env, id: string): Promise<TrustedOriginRecord> =>
  found(await getTrustedOrigin(env.DB, id), id, "TrustedOrigin");
