import type { AppRecord } from "../../store/apps";
import type { ScopeRecord } from "../../store/scopes";
import { OAuthError, PageError, RedirectError, type ResponseMode } from "../../errors";
import { resolveScopes } from "../minting/scopes";
import { safeErrorDescription } from "./error-description";
import { authorizeParamsError, AuthorizeParamsSchema } from "./request-schema";

export type { ResponseMode };

/** A validated authorization request (RFC 6749 4.1.1 / 4.2.1, OIDC Core 3.1.2.1, RFC 7636 4.3). */
export interface AuthorizeRequest {
  clientId: string;
  redirectUri: string;
  /** The response_type values, e.g. ["code"], ["id_token", "token"]. */
  responseTypes: string[];
  responseMode: ResponseMode;
  scopes: string[];
  state?: string;
  nonce?: string;
  codeChallenge?: string;
  prompt: string[];
  loginHint?: string;
  maxAge?: number;
}

/** The error for the client's redirect_uri, in the mode and with the state the request asked for. */
export function redirectError(to: Pick<AuthorizeRequest, "redirectUri" | "responseMode" | "state">, error: OAuthError): RedirectError {
  return new RedirectError(new OAuthError(error.error, safeErrorDescription(error.description)), to.redirectUri, to.responseMode, to.state);
}


/** RFC 6749 4.1.2.1: errors before the client and its redirect_uri are trusted are shown to the person, never redirected. */
export function checkClientAndRedirect(client: AppRecord | null, params: Map<string, string>): string {
  if (!params.get("client_id")) throw new PageError("invalid_request", "The 'client_id' parameter is required.");
  if (!client || client.status !== "ACTIVE") throw new PageError("invalid_client", "Invalid value for 'client_id' parameter.");
  const redirectUri = params.get("redirect_uri");
  // RFC 9700 2.1 / RFC 6749 3.1.2.3: exact string match against a registered URI.
  if (!redirectUri || !client.settings.redirect_uris.includes(redirectUri)) {
    throw new PageError("invalid_request", "The 'redirect_uri' parameter must be a Login redirect URI in the client app settings.");
  }
  return redirectUri;
}

/** Validates everything after the client and redirect_uri; errors from here on go back to the client. */
export function parseAuthorizeRequest(client: AppRecord, redirectUri: string, params: Map<string, string>, serverScopes: ScopeRecord[]): AuthorizeRequest {
  const state = params.get("state");
  // The mode errors go back in: fragment by default whenever a token would come back in the response.
  const implicit = (params.get("response_type") ?? "").split(" ").some((t) => t !== "" && t !== "code");
  const requestedMode = params.get("response_mode");
  // OAuth 2.0 Multiple Response Types 5.
  const fallbackMode: ResponseMode = implicit ? "fragment" : "query";
  const modeForErrors: ResponseMode =
    requestedMode === "query" || requestedMode === "fragment" || requestedMode === "form_post" ? requestedMode : fallbackMode;
  const fail = (error: OAuthError) => redirectError({ redirectUri, responseMode: modeForErrors, state }, error);

  const parsed = AuthorizeParamsSchema.safeParse(Object.fromEntries(params));
  if (!parsed.success) throw fail(authorizeParamsError(parsed.error));
  const p = parsed.data;
  const responseTypes = p.response_type;

  const allowedTypes = client.settings.response_types;
  if (responseTypes.some((t) => !allowedTypes.includes(t))) {
    throw fail(new OAuthError("unsupported_response_type", `The response type is not supported by the client. Configured response types: [${allowedTypes.join(", ")}].`));
  }
  const grants = client.settings.grant_types;
  if ((responseTypes.includes("code") && !grants.includes("authorization_code")) || (implicit && !grants.includes("implicit"))) {
    throw fail(new OAuthError("unauthorized_client", `The client is not authorized to use the provided grant type. Configured grant types: [${grants.join(", ")}].`));
  }
  let scopes: string[];
  try {
    scopes = resolveScopes(serverScopes, p.scope);
  } catch (err) {
    throw err instanceof OAuthError ? fail(err) : err;
  }
  if (responseTypes.includes("id_token") && !scopes.includes("openid")) {
    throw fail(new OAuthError("invalid_scope", "The 'openid' scope is required when requesting an ID token."));
  }
  const pkceRequired = client.tokenEndpointAuthMethod === "none" || client.settings.pkce_required === true;
  if (responseTypes.includes("code") && pkceRequired && !p.code_challenge) {
    throw fail(new OAuthError("invalid_request", "PKCE code challenge is required by the application."));
  }

  return {
    clientId: client.clientId,
    redirectUri,
    responseTypes,
    responseMode: modeForErrors,
    scopes,
    state,
    nonce: p.nonce,
    codeChallenge: p.code_challenge,
    prompt: p.prompt ?? [],
    loginHint: p.login_hint,
    maxAge: p.max_age,
  };
}
