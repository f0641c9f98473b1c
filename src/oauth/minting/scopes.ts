import { OAuthError } from "../../errors";
import type { ScopeRecord } from "../../store/scopes";

/**
 * The scopes a token request asks for (RFC 6749 3.3: space-delimited, order irrelevant). Without a scope
 * parameter, the server's default scopes (Okta); every requested scope must exist on the server.
 */
export function resolveScopes(serverScopes: ScopeRecord[], scopeParam: string | undefined): string[] {
  if (scopeParam === undefined) {
    const defaults = serverScopes.filter((s) => s.isDefault).map((s) => s.name);
    if (!defaults.length) {
      throw new OAuthError("invalid_scope", "The authorization server resource does not have any configured default scopes, 'scope' must be provided.");
    }
    return defaults;
  }
  const requested = [...new Set(scopeParam.split(" ").filter(Boolean))];
  if (!requested.length) throw new OAuthError("invalid_scope", "No scopes were requested.");
  const known = new Set(serverScopes.map((s) => s.name));
  if (requested.some((s) => !known.has(s))) {
    throw new OAuthError("invalid_scope", "One or more scopes are not configured for the authorization server resource.");
  }
  return requested;
}
