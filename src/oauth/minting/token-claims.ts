import type { ServerBundle } from "../../cache/server-bundle";
import { ORG_SERVER_ID } from "../../issuer";
import { buildCustomClaims } from "../../policy/claims/custom-claims";
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
): Record<string, unknown> {
  if (!bundle.claims.length) return {};
  return buildCustomClaims(
    bundle.claims,
    target,
    { user: user && { id: user.id, profile: user.profile, groups: user.groups }, client: { id: client.id, clientId: client.clientId, label: client.label }, grantedScopes: scopes, now, thinIdToken },
    logClaim,
  );
}
