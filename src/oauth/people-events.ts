/**
 * System Log events of people's flows (Okta's catalog): user.session.start (sign-in; a failed one is the same type
 * with outcome FAILURE, as Okta's own example filter shows), user.session.end (RP-initiated logout),
 * app.oauth2.as.consent.grant (the consent page), app.oauth2.as.authorize.code, the implicit tokens, a refused
 * authorization, and user.authentication.sso when a person reaches an app.
 */
import type { ServerBundle } from "../cache/server-bundle";
import type { OAuthError } from "../errors";
import { actorOf, SYSTEM_ACTOR, type EventInput } from "../log/event";
import type { AppRecord } from "../store/apps";
import type { UserRecord } from "../store/users";
import { eventPrefix, serverTarget } from "./token-events";

const person = (user: Pick<UserRecord, "id" | "profile">) =>
  actorOf(user.id, "User", String(user.profile.login), [user.profile.firstName, user.profile.lastName].filter(Boolean).join(" ") || null);

export const signInEvent = (user: UserRecord | null, login: string, ok: boolean, reason?: string): EventInput => ({
  eventType: "user.session.start",
  displayMessage: "User login to Okta",
  outcome: ok ? { result: "SUCCESS" } : { result: "FAILURE", reason: reason ?? "INVALID_CREDENTIALS" },
  actor: user ? person(user) : actorOf("unknown", "User", login.slice(0, 100), "unknown"),
  credentialType: "PASSWORD",
});

/** Okta's password policy locked the person out: their failed attempt reached maxAttempts. */
export const lockoutEvent = (user: UserRecord): EventInput => ({
  eventType: "user.account.lock",
  displayMessage: "Max sign in attempts exceeded",
  severity: "WARN",
  outcome: { result: "SUCCESS" },
  actor: person(user),
  target: [{ id: user.id, type: "User", alternateId: String(user.profile.login), displayName: null }],
});

/** Okta: user.account.unlock, the automatic unlock once autoUnlockMinutes have passed (the system did it, by time). */
export const autoUnlockEvent = (user: UserRecord): EventInput => ({
  eventType: "user.account.unlock",
  displayMessage: "Unlock user account",
  actor: SYSTEM_ACTOR,
  target: [{ id: user.id, type: "User", alternateId: String(user.profile.login), displayName: null }],
  debugData: { unlockType: "AUTOMATIC" },
});

/** The lockout events a password check caused: an automatic unlock first, then a lock (password-sign-in.ts). */
export const accountEvents = (outcome: { lockedNow?: UserRecord; unlockedNow?: UserRecord }): EventInput[] => [
  ...(outcome.unlockedNow ? [autoUnlockEvent(outcome.unlockedNow)] : []),
  ...(outcome.lockedNow ? [lockoutEvent(outcome.lockedNow)] : []),
];

export const signOutEvent = (userId: string | null, clientId: string): EventInput => ({
  eventType: "user.session.end",
  displayMessage: "User logout from Okta",
  ...(userId ? { actor: actorOf(userId, "User") } : {}),
  clientId,
});

export const consentEvent = (bundle: ServerBundle, userId: string, clientId: string, scopes: string[]): EventInput => ({
  eventType: `${eventPrefix(bundle)}consent.grant`,
  displayMessage: "User granted consent to app",
  actor: actorOf(userId, "User"),
  clientId,
  target: [serverTarget(bundle)],
  debugData: { grantedScopes: scopes.join(" ") },
});

export const authorizeRefusedEvent = (bundle: ServerBundle, clientId: string | null, err: OAuthError): EventInput => ({
  eventType: `${eventPrefix(bundle)}authorize`,
  displayMessage: "OAuth2 authorization request",
  outcome: { result: "FAILURE", reason: err.error },
  clientId,
  target: [serverTarget(bundle)],
  debugData: { error: err.error, errorDescription: err.description },
});

export const codeIssuedEvent = (bundle: ServerBundle, userId: string, clientId: string, scopes: string[]): EventInput => ({
  eventType: `${eventPrefix(bundle)}authorize.code`,
  displayMessage: "OAuth2 authorization code request",
  actor: actorOf(userId, "User"),
  clientId,
  target: [serverTarget(bundle)],
  debugData: { grantedScopes: scopes.join(" ") },
});

/**
 * Okta: app.oauth2.as.authorize.implicit.access_token and .implicit.id_token, one per token /authorize itself
 * issued (implicit and hybrid response types).
 */
export const implicitTokenEvents = (bundle: ServerBundle, userId: string, clientId: string, scopes: string[], issued: { access_token?: string; id_token?: string }): EventInput[] =>
  (
    [
      ["access_token", "OAuth2 access token is granted"],
      ["id_token", "OAuth2 id token is granted"],
    ] as const
  )
    .filter(([kind]) => issued[kind] !== undefined)
    .map(([kind, displayMessage]) => ({
      eventType: `${eventPrefix(bundle)}authorize.implicit.${kind}`,
      displayMessage,
      actor: actorOf(userId, "User"),
      clientId,
      target: [serverTarget(bundle)],
      debugData: { grantType: "implicit", grantedScopes: scopes.join(" ") },
    }));

/**
 * Okta: user.authentication.sso, "User single sign on to app": a signed-in person reached an app, here when
 * /authorize answers the app with a code or tokens. The target is the app instance.
 */
export const ssoEvent = (user: UserRecord, client: Pick<AppRecord, "id" | "clientId" | "label">): EventInput => ({
  eventType: "user.authentication.sso",
  displayMessage: "User single sign on to app",
  actor: person(user),
  clientId: client.clientId,
  target: [{ id: client.id, type: "AppInstance", alternateId: client.label, displayName: client.label, detailEntry: null }],
});
