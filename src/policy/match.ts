/**
 * The three per-rule conditions (people, scopes) and the priority ordering shared by policies and rules.
 * Pure: no I/O, no clock.
 */
import type { PeopleCondition, PolicyRequest } from "./types";

/**
 * The reserved OpenID Connect scopes (REFERENCE 3.7). Okta: "OpenID Connect scopes are granted by default ...
 * The rule grants the OpenID Connect scopes by default, so they don't need to be configured in the rule"
 * (okta.github.io, API Access Management Troubleshooting). Kept here, not imported from oauth/, so policy/
 * depends on nothing above it.
 */
export const OIDC_SCOPES: ReadonlySet<string> = new Set([
  "openid",
  "profile",
  "email",
  "address",
  "phone",
  "offline_access",
  "device_sso",
]);

const EVERYONE = "EVERYONE";
const ANY_SCOPE = "*";

/**
 * Ascending priority (1 first); equal priorities keep their list order, so the result never depends on the
 * sort implementation or on how storage happened to return rows.
 */
export function byPriority<T extends { priority: number }>(items: readonly T[]): T[] {
  return items
    .map((item, index) => ({ item, index }))
    .sort((a, b) => a.item.priority - b.item.priority || a.index - b.index)
    .map(({ item }) => item);
}

/**
 * Okta: the people condition "identifies users and groups that are included or excluded to match the user the
 * token is requested for". A request without a user (client_credentials) "match[es] the 'no user' condition,
 * which excludes everyone" (Okta OAuth 2.0 API reference, Access Policies > Rules), and rules restricted to
 * "Assigned the app and a member of one of the following" are "not triggered during Client Credentials Flow"
 * (Okta support: "Access Policy Rules with 'AND User is' Filter Do Not Apply to API Service Apps"). So a
 * user-less request matches only a rule that does not name users or groups: EVERYONE ("any user assigned the
 * app") or both include lists empty (the API shape of "no user").
 */
export function matchesPeople(people: PeopleCondition, user: PolicyRequest["user"]): boolean {
  const { users, groups } = people;
  if (user === null) {
    return groups.include.includes(EVERYONE) || (users.include.length === 0 && groups.include.length === 0);
  }
  const included =
    users.include.includes(user.id) ||
    groups.include.includes(EVERYONE) ||
    user.groupIds.some((groupId) => groups.include.includes(groupId));
  if (!included) return false;
  // Exclusions win over any inclusion, including EVERYONE.
  if (users.exclude.includes(user.id)) return false;
  return !user.groupIds.some((groupId) => groups.exclude.includes(groupId));
}

/**
 * Okta: rules are allowlists, and scopes are all or nothing: "If a client requests multiple scopes, but the
 * policy for that client only allows for a subset of the scopes, then the token isn't minted" (API Access
 * Management Troubleshooting); "Any request that is sent with a different scope won't match any rules"
 * (Create an authorization server guide). No intersection is granted. "*" means any scope.
 */
export function matchesScopes(ruleScopes: readonly string[], requested: readonly string[]): boolean {
  if (ruleScopes.includes(ANY_SCOPE)) return true;
  return requested.every((scope) => OIDC_SCOPES.has(scope) || ruleScopes.includes(scope));
}
