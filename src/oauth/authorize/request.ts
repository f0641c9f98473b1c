import type { AppRecord } from "../../store/apps";
import type { ScopeRecord } from "../../store/scopes";
import { OAuthError, PageError, RedirectError, type ResponseMode } from "../../errors";
import { resolveScopes } from "../minting/scopes";

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
  return new RedirectError(error, to.redirectUri, to.responseMode, to.state);
}

const SUPPORTED_RESPONSE_TYPES = new Set(["code", "id_token", "token", "code id_token", "id_token token", "code token", "code id_token token"]);
// RFC 7636 4.1: code_verifier / code_challenge alphabet and length.
const PKCE_CHALLENGE = /^[A-Za-z0-9\-._~]{43,128}$/;

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
  const rawType = params.get("response_type") ?? "";
  const responseTypes = rawType.split(" ").filter(Boolean).sort();
  const implicit = responseTypes.some((t) => t !== "code");
  const requestedMode = params.get("response_mode");
  // OAuth 2.0 Multiple Response Types 5: fragment by default whenever a token comes back in the response.
  const fallbackMode: ResponseMode = implicit ? "fragment" : "query";
  const modeForErrors: ResponseMode =
    requestedMode === "query" || requestedMode === "fragment" || requestedMode === "form_post" ? requestedMode : fallbackMode;
  const fail = (error: OAuthError) => redirectError({ redirectUri, responseMode: modeForErrors, state }, error);

  const normalized = ["code", "id_token", "token"].filter((t) => responseTypes.includes(t)).join(" ");
  if (!rawType || !SUPPORTED_RESPONSE_TYPES.has(normalized) || responseTypes.length !== new Set(responseTypes).size) {
    throw fail(new OAuthError("unsupported_response_type", "The response type is not supported by the authorization server. Configured response types: [code, token, id_token]."));
  }
  const allowedTypes = client.settings.response_types;
  if (responseTypes.some((t) => !allowedTypes.includes(t))) {
    throw fail(new OAuthError("unsupported_response_type", `The response type is not supported by the client. Configured response types: [${allowedTypes.join(", ")}].`));
  }
  const grants = client.settings.grant_types;
  if ((responseTypes.includes("code") && !grants.includes("authorization_code")) || (implicit && !grants.includes("implicit"))) {
    throw fail(new OAuthError("unauthorized_client", `The client is not authorized to use the provided grant type. Configured grant types: [${grants.join(", ")}].`));
  }
  if (requestedMode !== undefined && modeForErrors !== requestedMode) {
    throw fail(new OAuthError("invalid_request", "The response mode is not supported. Valid response modes: [query, fragment, form_post]."));
  }
  // OAuth 2.0 Multiple Response Types 5: tokens must never travel in a query string.
  if (implicit && requestedMode === "query") {
    throw fail(new OAuthError("invalid_request", "The 'query' response mode is not allowed when the response type includes 'token' or 'id_token'."));
  }

  let scopes: string[];
  try {
    scopes = resolveScopes(serverScopes, params.get("scope"));
  } catch (err) {
    throw err instanceof OAuthError ? fail(err) : err;
  }
  if (responseTypes.includes("id_token") && !scopes.includes("openid")) {
    throw fail(new OAuthError("invalid_scope", "The 'openid' scope is required when requesting an ID token."));
  }
  const nonce = params.get("nonce");
  // OIDC Core 3.2.2.1: nonce is required for the implicit and hybrid flows.
  if (implicit && !nonce) {
    throw fail(new OAuthError("invalid_request", "The 'nonce' parameter is required for authorize requests with either the 'id_token' or 'token' response types."));
  }

  const challenge = params.get("code_challenge");
  const method = params.get("code_challenge_method");
  if (method !== undefined && method !== "S256") {
    throw fail(new OAuthError("invalid_request", `The PKCE code challenge method '${method}' is not supported. Use 'S256'.`));
  }
  if (challenge !== undefined && (method !== "S256" || !PKCE_CHALLENGE.test(challenge))) {
    throw fail(new OAuthError("invalid_request", "The PKCE code challenge must be 43 to 128 characters with code_challenge_method 'S256'."));
  }
  const pkceRequired = client.tokenEndpointAuthMethod === "none" || client.settings.pkce_required === true;
  if (responseTypes.includes("code") && pkceRequired && !challenge) {
    throw fail(new OAuthError("invalid_request", "PKCE code challenge is required by the application."));
  }

  const prompt = (params.get("prompt") ?? "").split(" ").filter(Boolean);
  if (prompt.some((p) => !["none", "login", "consent"].includes(p)) || (prompt.includes("none") && prompt.length > 1)) {
    throw fail(new OAuthError("invalid_request", "The 'prompt' parameter is invalid. Valid values: none, login, consent."));
  }
  const maxAgeRaw = params.get("max_age");
  const maxAge = maxAgeRaw === undefined ? undefined : Number(maxAgeRaw);
  if (maxAge !== undefined && (!Number.isInteger(maxAge) || maxAge < 0)) {
    throw fail(new OAuthError("invalid_request", "The 'max_age' parameter must be a non-negative integer."));
  }

  return {
    clientId: client.clientId,
    redirectUri,
    responseTypes,
    responseMode: modeForErrors,
    scopes,
    state,
    nonce,
    codeChallenge: challenge,
    prompt,
    loginHint: params.get("login_hint"),
    maxAge,
  };
}
