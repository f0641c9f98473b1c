import { OAuthError } from "../../errors";
import type { ServerBundle } from "../../cache/server-bundle";
import { isAdminScope, ORG_SERVER_ID } from "../../tokens/org-server";

/**
 * RFC 9700 2.1.2: access tokens in a URL fragment leak through browser history, referrers and injected scripts. An
 * okta.* token is an admin credential, so the org server never puts one in the authorization response (implicit
 * `token`, hybrid `code token`): those scopes need the authorization code flow (security finding 8).
 */
export function refuseAdminTokensInFrontChannel(bundle: ServerBundle, responseTypes: readonly string[], scopes: readonly string[]): void {
  if (bundle.server.id !== ORG_SERVER_ID || !responseTypes.includes("token")) return;
  if (scopes.some(isAdminScope)) {
    throw new OAuthError("invalid_scope", "Okta API scopes cannot be issued from the authorization endpoint. Use the authorization code flow.");
  }
}
