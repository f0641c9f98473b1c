/**
 * Every successful admin write reaches the System Log from this one middleware (issue 13): the operation is found
 * from the route table the served document is built from (document.ts), its eventType from AUDIT below (Okta's
 * catalog spelling), the target from the response's object or the path's last parameter, the actor from
 * requireAdmin. A write that failed is not an event (Okta logs changes, not refused requests).
 */
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import type { EventType } from "../log/event-types";
import { logEvent } from "../log/emit";
import type { Target } from "../log/event";
import type { OperationGroup } from "./openapi";

interface Audit {
  eventType: EventType;
  displayMessage: string;
  targetType: string;
}

const a = (eventType: EventType, displayMessage: string, targetType: string): Audit => ({ eventType, displayMessage, targetType });

/** Okta's event for each admin write, by operationId (lifecycle alternatives prefix theirs: activateUser). null: not logged. */
export const AUDIT: Record<string, Audit | null> = {
  createAuthorizationServer: a("oauth2.as.created", "Create authorization server", "AuthorizationServer"),
  replaceAuthorizationServer: a("oauth2.as.updated", "Update authorization server", "AuthorizationServer"),
  deleteAuthorizationServer: a("oauth2.as.deleted", "Delete authorization server", "AuthorizationServer"),
  activateAuthorizationServer: a("oauth2.as.activated", "Activate authorization server", "AuthorizationServer"),
  deactivateAuthorizationServer: a("oauth2.as.deactivated", "Deactivate authorization server", "AuthorizationServer"),
  rotateAuthorizationServerKeys: a("app.oauth2.as.key.rollover", "Custom Authorization Server token signing key rolled over", "AuthorizationServer"),
  createOAuth2Scope: a("oauth2.scope.created", "Create OAuth 2.0 scope", "OAuth2Scope"),
  replaceOAuth2Scope: a("oauth2.scope.updated", "Update OAuth 2.0 scope", "OAuth2Scope"),
  deleteOAuth2Scope: a("oauth2.scope.deleted", "Delete OAuth 2.0 scope", "OAuth2Scope"),
  createOAuth2Claim: a("oauth2.claim.created", "Create OAuth 2.0 claim", "OAuth2Claim"),
  replaceOAuth2Claim: a("oauth2.claim.updated", "Update OAuth 2.0 claim", "OAuth2Claim"),
  deleteOAuth2Claim: a("oauth2.claim.deleted", "Delete OAuth 2.0 claim", "OAuth2Claim"),
  createAuthorizationServerPolicy: a("policy.lifecycle.create", "Create policy", "Policy"),
  replaceAuthorizationServerPolicy: a("policy.lifecycle.update", "Update policy", "Policy"),
  deleteAuthorizationServerPolicy: a("policy.lifecycle.delete", "Delete policy", "Policy"),
  activateAuthorizationServerPolicy: a("policy.lifecycle.activate", "Activate policy", "Policy"),
  deactivateAuthorizationServerPolicy: a("policy.lifecycle.deactivate", "Deactivate policy", "Policy"),
  createAuthorizationServerPolicyRule: a("policy.rule.add", "Add policy rule", "PolicyRule"),
  replaceAuthorizationServerPolicyRule: a("policy.rule.update", "Update policy rule", "PolicyRule"),
  deleteAuthorizationServerPolicyRule: a("policy.rule.delete", "Delete policy rule", "PolicyRule"),
  activateAuthorizationServerPolicyRule: a("policy.rule.activate", "Activate policy rule", "PolicyRule"),
  deactivateAuthorizationServerPolicyRule: a("policy.rule.deactivate", "Deactivate policy rule", "PolicyRule"),
  createApplication: a("application.lifecycle.create", "Add application", "AppInstance"),
  replaceApplication: a("application.lifecycle.update", "Update application", "AppInstance"),
  deleteApplication: a("application.lifecycle.delete", "Delete application", "AppInstance"),
  activateApplication: a("application.lifecycle.activate", "Activate application", "AppInstance"),
  deactivateApplication: a("application.lifecycle.deactivate", "Deactivate application", "AppInstance"),
  assignUserToApplication: a("application.user_membership.add", "Add user to application membership", "AppUser"),
  updateApplicationUser: a("application.user_membership.update", "Update user's application membership", "AppUser"),
  unassignUserFromApplication: a("application.user_membership.remove", "Remove user from application membership", "AppUser"),
  assignGroupToApplication: a("application.lifecycle.update", "Assign group to application", "UserGroup"),
  unassignApplicationFromGroup: a("application.lifecycle.update", "Unassign group from application", "UserGroup"),
  grantConsentToScope: a("app.oauth2.admin.consent.grant", "Admin consent granted for scope", "OAuth2ScopeConsentGrant"),
  revokeScopeConsentGrant: a("app.oauth2.admin.consent.revoke", "Admin consent revoked for scope", "OAuth2ScopeConsentGrant"),
  createUser: a("user.lifecycle.create", "Create Okta user", "User"),
  updateUser: a("user.account.update_profile", "Update user profile for Okta", "User"),
  replaceUser: a("user.account.update_profile", "Update user profile for Okta", "User"),
  deleteUser: a("user.lifecycle.delete.initiated", "Delete Okta user", "User"),
  activateUser: a("user.lifecycle.activate", "Activate Okta user", "User"),
  deactivateUser: a("user.lifecycle.deactivate", "Deactivate Okta user", "User"),
  suspendUser: a("user.lifecycle.suspend", "Suspend Okta user", "User"),
  unsuspendUser: a("user.lifecycle.unsuspend", "Unsuspend Okta user", "User"),
  assignRoleToUser: a("user.account.privilege.grant", "Grant user privilege", "User"),
  unassignRoleFromUser: a("user.account.privilege.revoke", "Revoke user privilege", "User"),
  revokeUserGrants: a("app.oauth2.as.consent.revoke", "User consent revoked", "User"),
  revokeUserGrant: a("app.oauth2.as.consent.revoke", "User consent revoked", "OAuth2ScopeConsentGrant"),
  addGroup: a("group.lifecycle.create", "Create Okta group", "UserGroup"),
  replaceGroup: a("group.profile.update", "Update group profile", "UserGroup"),
  deleteGroup: a("group.lifecycle.delete", "Delete Okta group", "UserGroup"),
  assignUserToGroup: a("group.user_membership.add", "Add user to group membership", "User"),
  unassignUserFromGroup: a("group.user_membership.remove", "Remove user from group membership", "User"),
  createTrustedOrigin: a("security.trusted_origin.create", "Create trusted origin", "TrustedOrigin"),
  replaceTrustedOrigin: a("security.trusted_origin.update", "Update trusted origin", "TrustedOrigin"),
  deleteTrustedOrigin: a("security.trusted_origin.delete", "Delete trusted origin", "TrustedOrigin"),
  activateTrustedOrigin: a("security.trusted_origin.activate", "Activate trusted origin", "TrustedOrigin"),
  deactivateTrustedOrigin: a("security.trusted_origin.deactivate", "Deactivate trusted origin", "TrustedOrigin"),
  createEventHook: a("event_hook.created", "Event hook created", "EventHook"),
  replaceEventHook: a("event_hook.updated", "Event hook updated", "EventHook"),
  deleteEventHook: a("event_hook.deleted", "Event hook deleted", "EventHook"),
  activateEventHook: a("event_hook.activated", "Event hook activated", "EventHook"),
  deactivateEventHook: a("event_hook.deactivated", "Event hook deactivated", "EventHook"),
  verifyEventHook: a("event_hook.verified", "Event hook verified", "EventHook"),
  createInlineHook: a("inline_hook.created", "Inline hook created", "InlineHook"),
  updateInlineHook: a("inline_hook.updated", "Inline hook updated", "InlineHook"),
  replaceInlineHook: a("inline_hook.updated", "Inline hook updated", "InlineHook"),
  deleteInlineHook: a("inline_hook.deleted", "Inline hook deleted", "InlineHook"),
  activateInlineHook: a("inline_hook.activated", "Inline hook activated", "InlineHook"),
  deactivateInlineHook: a("inline_hook.deactivated", "Inline hook deactivated", "InlineHook"),
  // A preview changes nothing.
  executeInlineHook: null,
  // Okta: admin revocations of refresh tokens are token revocations; clearing sessions ends them.
  revokeRefreshTokensForAuthorizationServerAndClient: a("app.oauth2.as.token.revoke", "Revoke refresh tokens of a client", "AppInstance"),
  revokeRefreshTokenForAuthorizationServerAndClient: a("app.oauth2.as.token.revoke", "Revoke a refresh token", "OAuth2RefreshToken"),
  revokeTokensForUserAndClient: a("app.oauth2.as.token.revoke", "Revoke a user's refresh tokens for a client", "User"),
  revokeTokenForUserAndClient: a("app.oauth2.as.token.revoke", "Revoke a user's refresh token", "OAuth2RefreshToken"),
  // Okta: an admin clearing a person's sessions is user.session.clear; user.session.end is the person signing out.
  revokeUserSessions: a("user.session.clear", "Clear user session", "User"),
  unlockUser: a("user.account.unlock_by_admin", "Unlock user account", "User"),
  replacePolicy: a("policy.lifecycle.update", "Update policy", "Policy"),
  createAssociatedServers: a("oauth2.as.updated", "Add trusted authorization servers", "AuthorizationServer"),
  deleteAssociatedServer: a("oauth2.as.updated", "Remove a trusted authorization server", "AuthorizationServer"),
};

interface Matcher {
  method: string;
  regex: RegExp;
  /** Alternatives of a constrained parameter (lifecycle actions) give the operationId's prefix. */
  operationId: (m: RegExpExecArray) => string;
}

/** Hono paths as regular expressions: `:name{a|b}` captures an alternative, `:name` one segment. */
export function compileMatchers(groups: OperationGroup[]): Matcher[] {
  return groups.flatMap((g) =>
    g.operations
      .filter((op) => op.method !== "get")
      .map((op) => {
        const full = `/api/v1${g.prefix}${op.path}`.replace(/(.)\/$/, "$1");
        let alternative = -1;
        let index = 0;
        const source = full.replace(/:\w+(\{[\w|]+\})?/g, (_m, alts: string | undefined) => {
          index++;
          if (alts) alternative = index;
          return alts ? `(${alts.slice(1, -1)})` : "([^/]+)";
        });
        return {
          method: op.method.toUpperCase(),
          regex: new RegExp(`^${source}$`),
          operationId: (m: RegExpExecArray) => (alternative > 0 ? `${m[alternative]}${op.operationId}` : op.operationId),
        };
      }),
  );
}

async function targetOf(c: Context<AppEnv>, match: RegExpExecArray, type: string): Promise<Target> {
  let id: string | undefined;
  let name: string | null = null;
  if (c.res.headers.get("Content-Type")?.startsWith("application/json")) {
    const body = (await c.res.clone().json().catch(() => null)) as Record<string, any> | null;
    if (body && typeof body.id === "string") {
      id = body.id;
      name = body.name ?? body.label ?? body.profile?.login ?? body.profile?.name ?? null;
    }
  }
  // Without a body (DELETE, 204), the object named last in the path; the lifecycle action is not an id.
  const params = match.slice(1).filter((p) => !/^(activate|deactivate|suspend|unsuspend|verify)$/.test(p));
  return { id: id ?? params.at(-1) ?? "unknown", type, alternateId: name, displayName: name, detailEntry: null };
}

/** The middleware: after a successful write, one event for it. */
export function auditWrites(groups: () => OperationGroup[]): MiddlewareHandler<AppEnv> {
  let matchers: Matcher[] | null = null;
  return async (c, next) => {
    await next();
    if (c.req.method === "GET" || c.req.method === "HEAD" || c.res.status >= 300 || !c.env.LOG_QUEUE) return;
    matchers ??= compileMatchers(groups());
    for (const m of matchers) {
      const match = m.method === c.req.method ? m.regex.exec(c.req.path) : null;
      if (!match) continue;
      const audit = AUDIT[m.operationId(match)];
      if (!audit) return;
      logEvent(c, { eventType: audit.eventType, displayMessage: audit.displayMessage, target: c.get("auditTargets") ?? [await targetOf(c, match, audit.targetType)] });
      return;
    }
  };
}
