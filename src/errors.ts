import type { Context } from "hono";
import { randomBase62 } from "./ids";

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

/** RFC 6749 5.2 error codes and the status each answers with. */
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
} as const;

export type OAuthErrorCode = keyof typeof OAUTH_ERRORS;

/** An error in the OAuth dialect ({error, error_description}). */
export class OAuthError extends Error {
  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
    readonly status: number = OAUTH_ERRORS[error],
    readonly headers: Record<string, string> = {},
  ) {
    super(description);
  }
}

const newErrorId = () => "oae" + randomBase62(22);

/** The one log line of an unexpected error: the client sees only the errorId, never the message. */
function logUnexpected(c: Context, errorId: string, err: unknown): void {
  console.error(JSON.stringify({ errorId, path: new URL(c.req.url).pathname, error: String(err), stack: (err as Error)?.stack }));
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

/**
 * The only code that turns errors into OAuth-dialect responses.
 * RFC 6749 5.2 / workers-oauth-provider: every token response and error carries Cache-Control: no-store.
 * Okta's Error objects (unknown or inactive server) may also leave here.
 */
export function handleOAuthError(err: unknown, c: Context): Response {
  if (err instanceof ApiError) return handleApiError(err, c);
  const headers = { "Cache-Control": "no-store", Pragma: "no-cache" };
  if (err instanceof OAuthError) {
    return c.json({ error: err.error, error_description: err.description }, err.status as 400, { ...headers, ...err.headers });
  }
  const errorId = newErrorId();
  logUnexpected(c, errorId, err);
  return c.json({ error: "server_error", error_description: `An unexpected error occurred (errorId ${errorId}).` }, 500, headers);
}
