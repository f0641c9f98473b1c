import type { ServerBundle } from "../../cache/server-bundle";
import { ORG_SERVER_ID } from "../../issuer";
import { buildCustomClaims, type ClaimFailure } from "../../policy/claims/custom-claims";
import { actorOf, type EventInput } from "../../log/event";
import { clientActor, eventPrefix, serverTarget } from "../token-events";
import { userClaims } from "../../policy/claims/user-claims";
import type { AppRecord } from "../../store/apps";
import type { TokenUser } from "./user-tokens";

const logClaim = (line: string) => console.log(line);

/** Okta caps a groups claim at 100 groups. */
const MAX_GROUPS = 100;

/**
 * The standard claims of the granted scopes (OIDC Core 5.4), plus, on the org server, Okta's `groups` claim for
 * the `groups` scope: the names of the person's groups. Custom servers define groups claims themselves.
 */
export function standardClaims(bundle: ServerBundle, user: TokenUser, scopes: readonly string[]): Record<string, unknown> {
  const claims = userClaims(user, scopes);
  if (bundle.server.id === ORG_SERVER_ID && scopes.includes("groups")) claims.groups = user.groups.slice(0, MAX_GROUPS).map((g) => g.name);
  return claims;
}

/** RESOURCE claims for access tokens, IDENTITY claims for ID tokens and userinfo (Okta custom claims). */
export function customClaimsFor(
  bundle: ServerBundle,
  target: "RESOURCE" | "IDENTITY",
  client: AppRecord,
  user: TokenUser | null,
  scopes: string[],
  now: number,
  thinIdToken = false,
  log?: (events: EventInput[]) => void,
): Record<string, unknown> {
  if (!bundle.claims.length) return {};
  return buildCustomClaims(
    bundle.claims,
    target,
    { user: user && { id: user.id, profile: user.profile, groups: user.groups }, client: { id: client.id, clientId: client.clientId, label: client.label }, grantedScopes: scopes, now, thinIdToken },
    logClaim,
    log && ((failure) => log([claimFailedEvent(bundle, client, user, failure)])),
  );
}

/**
 * Okta: app.oauth2.as.evaluate.claim is logged when a custom claim fails to evaluate (its legacy type is
 * ..._failure): outcome FAILURE, the claim left out and the token issued without it.
 */
function claimFailedEvent(bundle: ServerBundle, client: AppRecord, user: TokenUser | null, failure: ClaimFailure): EventInput {
  return {
    eventType: `${eventPrefix(bundle)}evaluate.claim`,
    displayMessage: "OAuth2 claim evaluation",
    outcome: { result: "FAILURE", reason: `Claim '${failure.claim}' could not be evaluated`.slice(0, 255) },
    actor: clientActor(client),
    clientId: client.clientId,
    target: [serverTarget(bundle), ...(user ? [actorOf(user.id, "User", user.login)] : [])],
    debugData: { claimName: failure.claim, claimType: failure.claimType, error: failure.error },
  };
}
