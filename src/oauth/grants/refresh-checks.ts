import type { Env } from "../../env";
import { OAuthError } from "../../errors";
import { evaluatePolicies } from "../../policy/evaluate";
import { listRoles } from "../../store/admin-access";
import type { AppRecord } from "../../store/apps";
import { isAssignedToApp } from "../../store/assignments";
import type { RefreshTokenRecord } from "../../sessions/client";
import type { ServerBundle } from "../../cache/server-bundle";
import { isAdminScope, ORG_SERVER_ID } from "../../tokens/org-server";
import { activeTokenUser, type TokenUser } from "../minting/user-tokens";
import { admitAdminScopes } from "../minting/org-scopes";
import { policyDenied } from "../minting/policy-errors";

export const INVALID_REFRESH = "The refresh token is invalid or expired.";

/**
 * The person as D1 has them now, for a family whose snapshot an admin change made stale (issue 17): ACTIVE and
 * still assigned to the app, directly or through a group (Okta), or null.
 */
export async function currentPerson(env: Env, client: AppRecord, userId: string): Promise<TokenUser | null> {
  const user = await activeTokenUser(env.DB, userId);
  return user && (await isAssignedToApp(env.DB, client.id, user.id)) ? user : null;
}

/**
 * What an admin changed since the refresh token was issued reaches it here (Okta; RFC 9700 4.14.2: a refresh
 * token is bound to the grant it came from). The person (ACTIVE, assigned, their groups) comes from the family's
 * snapshot, which the admin paths keep true (src/sessions/person-sql.ts); the app and the policies from the
 * isolate caches. The caller puts the rotation back when this throws, so a refused refresh leaves the token usable.
 */
export async function checkRefreshStillAllowed(env: Env, bundle: ServerBundle, client: AppRecord, token: RefreshTokenRecord, user: TokenUser, now: number): Promise<void> {
  // Okta: deactivating an app revokes its tokens; they stay dead if it is activated again.
  if (client.tokensNotBefore !== null && token.created <= client.tokensNotBefore) throw new OAuthError("invalid_grant", INVALID_REFRESH);
  // The access policy as it stands now, for the grant that began the family (Okta evaluates refresh requests
  // against the rule for their original grant type; the shipped default rule does not list refresh_token).
  const decision = evaluatePolicies(bundle.policies, {
    clientId: client.clientId,
    grantType: token.grant.grantType ?? "authorization_code",
    scopes: token.grant.scopes,
    user: { id: user.id, groupIds: user.groups.map((g) => g.id) },
  });
  if (decision.kind !== "granted") throw policyDenied(decision);
  if (bundle.server.id === ORG_SERVER_ID && token.grant.scopes.some(isAdminScope)) {
    // Okta: the org server's okta.* scopes need the app's grants, and a person's token an admin role, each time
    // (admin tokens of the org server read D1 here; the SPA tokens of custom servers never do).
    await admitAdminScopes(env, bundle, client, token.grant.scopes, "refresh_token", now);
    if (!(await listRoles(env.DB, user.id)).length) throw new OAuthError("invalid_grant", INVALID_REFRESH);
  }
}
