import type { Env } from "../../env";
import { OAuthError } from "../../errors";
import { cachedOrgGrants } from "../../cache/org-grants";
import type { AppRecord } from "../../store/apps";
import { isAdminScope, ORG_SERVER_ID } from "../../tokens/org-server";
import type { ServerBundle } from "../../cache/server-bundle";


/**
 * Admin API scopes exist only on the org server, and only for apps an admin granted them to (Okta). For
 * client_credentials the org server issues nothing but admin scopes, and only to private_key_jwt clients.
 * Custom servers have no okta.* scopes, so resolving scopes already refuses them there (invalid_scope).
 */
export async function admitAdminScopes(env: Env, bundle: ServerBundle, client: AppRecord, scopes: string[], grantType: string, now: number): Promise<void> {
  if (bundle.server.id !== ORG_SERVER_ID) return;
  if (grantType === "client_credentials") {
    if (client.tokenEndpointAuthMethod !== "private_key_jwt") {
      // RFC 6749 5.2: a client that authenticated with the Authorization header gets the matching challenge.
      throw new OAuthError(
        "invalid_client",
        "Client Credentials requests to the Org Authorization Server must use the private_key_jwt token_endpoint_auth_method.",
        client.tokenEndpointAuthMethod === "client_secret_basic" ? "basic" : undefined,
      );
    }
    const other = scopes.find((s) => !isAdminScope(s));
    if (other) throw new OAuthError("invalid_scope", `The Org Authorization Server only grants Okta API scopes with client credentials; '${other}' is not one.`);
  }
  const wanted = scopes.filter(isAdminScope);
  if (!wanted.length) return;
  const granted = await cachedOrgGrants(env, client.id, now);
  const missing = wanted.filter((s) => !granted.has(s));
  if (missing.length) throw new OAuthError("invalid_scope", `The following scopes are not granted to the client application: [${missing.join(", ")}].`);
}
