import type { Context } from "hono";
import { randomBase62 } from "./ids";

/*
 * Three error dialects, one exit each: Okta's error object (handleApiError), OAuth's {error, error_description}
 * (handleOAuthError), and pages for people (oauth/pages/errors.ts, which also sends authorization errors back
 * to a client's redirect_uri). Handlers only throw; an error no dialect knows is a 5xx with a fresh errorId and
 * one log line, so an outage or a bug never reaches a client as its own mistake.
 */

/** Okta's management-API error codes this server emits, with their HTTP status and summary template. */
export const OKTA_ERRORS = {
  E0000001: { status: 400, summary: "Api validation failed: {0}" },
  E0000003: { status: 400, summary: "The request body was not well-formed." },
  E0000006: { status: 403, summary: "You do not have permission to perform the requested action" },
  E0000007: { status: 404, summary: "Not found: {0}" },
  E0000008: { status: 404, summary: "The requested path was not found" },
  E0000009: { status: 500, summary: "Internal Server Error" },
  E0000011: { status: 401, summary: "Invalid token provided" },
  E0000016: { status: 403, summary: "Activation failed because the user is already active" },
  // Okta's media-type errors (Spring's names: missing header binding, not acceptable, not supported); two spaces as Okta spells them.
  E0000018: { status: 400, summary: "Bad request.  Accept and/or Content-Type headers are likely not set." },
  E0000019: { status: 400, summary: "Bad request.  Accept and/or Content-Type headers likely do not match supported values." },
  E0000021: { status: 400, summary: "Bad request.  Accept and/or Content-Type headers likely do not match supported values." },
  E0000022: { status: 405, summary: "The endpoint does not support the provided HTTP method" },
  E0000029: { status: 400, summary: "Invalid paging request." },
  E0000031: { status: 400, summary: "Invalid search criteria." },
  E0000033: { status: 400, summary: "Bad request. Can't specify a search query and filter in the same request." },
  E0000056: { status: 403, summary: "Delete application forbidden." },
  E0000032: { status: 403, summary: "Unlock is not allowed for this user." },
  E0000047: { status: 429, summary: "API call exceeded rate limit due to too many requests." },
  // Okta's System Log puts the detail (the filter and what is wrong with it) in the summary itself.
  E0000053: { status: 400, summary: "{0}" },
} as const;

export type OktaErrorCode = keyof typeof OKTA_ERRORS;

/** An error in Okta's dialect ({errorCode, errorSummary, errorLink, errorId, errorCauses}). */
export class ApiError extends Error {
  constructor(
    readonly errorCode: OktaErrorCode,
    readonly detail?: string,
    readonly causes: string[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(OKTA_ERRORS[errorCode].summary.replace("{0}", detail ?? ""));
  }
  get status(): number {
    return OKTA_ERRORS[this.errorCode].status;
  }
}

export const validationError = (what: string, causes: string[]) => new ApiError("E0000001", what, causes);
export const notFound = (what: string) => new ApiError("E0000007", what);

/** RFC 6749 5.2, RFC 6750 3.1 and OIDC Core 3.1.2.6 error codes, and the one status each answers with. */
export const OAUTH_ERRORS = {
  invalid_request: 400,
  invalid_client: 401,
  invalid_grant: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  invalid_scope: 400,
  access_denied: 400,
  consent_required: 400,
  login_required: 400,
  interaction_required: 400,
  unsupported_response_type: 400,
  invalid_token: 401,
  insufficient_scope: 403,
  server_error: 500,
  temporarily_unavailable: 503,
  // RFC 9101 6.2 / RFC 9126 2.3: request objects and pushed request_uris.
  invalid_request_object: 400,
  invalid_request_uri: 400,
  // RFC 9449 5 / 8: DPoP proofs and server nonces (a resource's DPoP challenge answers 401, see OAuthError).
  invalid_dpop_proof: 400,
  use_dpop_nonce: 400,
  // RFC 7591 3.2.2: dynamic client registration.
  invalid_client_metadata: 400,
  invalid_redirect_uri: 400,
  // RFC 8628 3.5: the device grant's polling answers; Okta's activation page and user-code limit.
  authorization_pending: 400,
  slow_down: 400,
  expired_token: 400,
  invalid_user_code: 400,
  too_many_user_codes: 429,
  // RFC 8693 2.2.2: a token exchange for an audience or resource the server does not serve.
  invalid_target: 400,
} as const;

export type OAuthErrorCode = keyof typeof OAUTH_ERRORS;

/**
 * How an OAuth error challenges the client, when it does:
 * - "basic": RFC 6749 5.2, invalid_client for a client that authenticated with the Authorization header.
 * - "bearer": RFC 6750 3, a protected resource's answer: the error in a Bearer challenge and no body (Okta).
 * - "bearer-bare": RFC 6750 3.1, a request with no token at all: a challenge without an error code, no body.
 * - "dpop": RFC 9449 7.1, a protected resource's answer to a DPoP-bound token: the error in a DPoP challenge, no body.
 */
export type Challenge = "basic" | "bearer" | "bearer-bare" | "dpop";

/** RFC 9449 7.1: the DPoP proof algorithms a resource accepts, named in its DPoP challenge. */
export const DPOP_ALGS = ["ES256", "ES384", "ES512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "EdDSA"] as const;

export const REALM = "Mintgate";

/** An error in the OAuth dialect ({error, error_description}); its status comes from OAUTH_ERRORS only. */
export class OAuthError extends Error {
  readonly status: number;
  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
    readonly challenge?: Challenge,
    /** Extra response headers the error must carry (RFC 9449 8: DPoP-Nonce with use_dpop_nonce). */
    readonly headers: Record<string, string> = {},
    /** Only where Okta documents another status for the code (a token inline hook's error: server_error, 400). */
    status?: 400,
  ) {
    super(description);
    // RFC 9449 7.1: at a protected resource every DPoP error but insufficient_scope is a 401 challenge.
    this.status = status ?? (challenge === "dpop" && error !== "insufficient_scope" ? 401 : OAUTH_ERRORS[error]);
  }
}

export type ResponseMode = "query" | "fragment" | "form_post";

/**
 * An authorization error to send back to the client's redirect_uri (RFC 6749 4.1.2.1, 4.2.2.1), once the client
 * and its redirect_uri are trusted. The page dialect's handler is the one place that builds the redirect.
 */
export class RedirectError extends Error {
  constructor(readonly oauth: OAuthError, readonly redirectUri: string, readonly responseMode: ResponseMode, readonly state?: string) {
    super(oauth.description);
  }
}

/**
 * An error shown to the person as a page: the request cannot go back to a client (RFC 6749 4.1.2.1: unknown client,
 * unregistered redirect_uri), or the form was not theirs. 400 (a page has no challenge a browser could answer), or 429 when a guessing limit
 * (the device activation page's) says stop.
 */
export class PageError extends Error {
  constructor(readonly error: OAuthErrorCode, readonly description: string, readonly status: 400 | 429 = 400) {
    super(description);
  }
}

export const newErrorId = () => "oae" + randomBase62(22);

/**
 * Whether an unexpected error is a binding saying "not now" (workerd marks Durable Object and storage errors it
 * expects to pass as retryable or overloaded), so OAuth can answer temporarily_unavailable rather than server_error.
 */
export function isTransient(err: unknown): boolean {
  const e = err as { retryable?: unknown; overloaded?: unknown } | null;
  return typeof e === "object" && e !== null && (e.retryable === true || e.overloaded === true);
}

/** The one log line of an unexpected error: the client sees only the errorId, never the message. */
export function logUnexpected(c: Context, errorId: string, err: unknown): void {
  const cause = (err as { cause?: unknown })?.cause;
  console.error(
    JSON.stringify({
      level: "error",
      errorId,
      method: c.req.method,
      path: new URL(c.req.url).pathname,
      error: String(err),
      ...(cause === undefined ? {} : { cause: String(cause) }),
      transient: isTransient(err),
      stack: (err as Error)?.stack,
    }),
  );
}

export function oktaErrorBody(err: ApiError, errorId = newErrorId()) {
  return {
    errorCode: err.errorCode,
    errorSummary: err.message,
    errorLink: err.errorCode,
    errorId,
    errorCauses: err.causes.map((errorSummary) => ({ errorSummary })),
  };
}

/** The only code that turns errors into Okta-dialect responses. Unknown errors never leak their message. */
export function handleApiError(err: unknown, c: Context): Response {
  if (err instanceof ApiError) {
    return c.json(oktaErrorBody(err), err.status as 400, { ...err.headers, "Cache-Control": "no-store" });
  }
  const errorId = newErrorId();
  logUnexpected(c, errorId, err);
  return c.json(oktaErrorBody(new ApiError("E0000009"), errorId), 500, { "Cache-Control": "no-store" });
}

const quoted = (s: string) => s.replace(/["\\]/g, "\\$&");

function challengeHeader(err: OAuthError): string | undefined {
  switch (err.challenge) {
    case "basic":
      return `Basic realm="${REALM}"`;
    case "bearer":
      return `Bearer error="${err.error}", error_description="${quoted(err.description)}"`;
    case "bearer-bare":
      return `Bearer realm="${REALM}"`;
    case "dpop":
      return `DPoP error="${err.error}", error_description="${quoted(err.description)}", algs="${DPOP_ALGS.join(" ")}"`;
    case undefined:
      return undefined;
  }
}

/**
 * The only code that turns errors into OAuth-dialect responses (token, introspection, revocation, userinfo, keys,
 * discovery). RFC 6749 5.2 / workers-oauth-provider: every error carries Cache-Control: no-store. Okta's error
 * objects (unknown or inactive server) leave through Okta's handler.
 */
export function handleOAuthError(err: unknown, c: Context): Response {
  if (err instanceof ApiError) return handleApiError(err, c);
  const headers: Record<string, string> = { "Cache-Control": "no-store", Pragma: "no-cache" };
  if (err instanceof OAuthError) {
    const challenge = challengeHeader(err);
    if (challenge) headers["WWW-Authenticate"] = challenge;
    Object.assign(headers, err.headers);
    // RFC 6750 3: a protected resource says it all in the challenge.
    if (err.challenge === "bearer" || err.challenge === "bearer-bare" || err.challenge === "dpop") return c.body(null, err.status as 400, headers);
    return c.json({ error: err.error, error_description: err.description }, err.status as 400, headers);
  }
  const errorId = newErrorId();
  logUnexpected(c, errorId, err);
  const error = isTransient(err) ? "temporarily_unavailable" : "server_error";
  return c.json({ error, error_description: `An unexpected error occurred (errorId ${errorId}).` }, OAUTH_ERRORS[error], headers);
}
