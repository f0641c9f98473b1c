import type { Context, ErrorHandler } from "hono";
import { ApiError, handleApiError, isTransient, logUnexpected, newErrorId, OAUTH_ERRORS, OAuthError, PageError, RedirectError } from "../../errors";
import "../authorize/iss";
import { redirectToClient } from "../authorize/respond";
import { pageResponse } from "./html";
import { errorPage } from "./messages";

declare module "hono" {
  interface ContextVariableMap {
    /** Set-Cookie values a page route decided on before it failed (a new session): they go out with the error. */
    pageCookies: string[];
  }
}

/** Cookies to send with whatever this page request answers, error or not. */
export function keepCookies(c: Context, cookies: string[]): void {
  c.set("pageCookies", cookies);
}

function page(c: Context, title: string, error: string, description: string, status: number): Promise<Response> {
  return pageResponse(errorPage(title, error, description), status, c.get("pageCookies") ?? []);
}

/**
 * The page dialect's one exit, for the routes people's browsers visit (authorize, sign-in, consent, logout): an
 * authorization error goes back to the client's redirect_uri once that is trusted (RFC 6749 4.1.2.1), a request
 * error is a 400 page, Okta's 404 for an unknown server stays Okta's, and anything else is a 5xx page with an
 * errorId that is logged, never a page that blames the request.
 */
export function pageErrors(title: string): ErrorHandler {
  return (err, c) => {
    if (err instanceof ApiError) return handleApiError(err, c);
    if (err instanceof RedirectError) {
      const { oauth, redirectUri, responseMode, state } = err;
      // RFC 9207 2: error responses carry iss too (set by withAuthorizationIssuer on the authorize routes).
      const iss = c.get("authorizationIssuer");
      return redirectToClient(redirectUri, responseMode, { error: oauth.error, error_description: oauth.description, state, iss }, c.get("pageCookies") ?? []);
    }
    if (err instanceof PageError) return page(c, title, err.error, err.description, err.status);
    // A request error from the shared request readers (duplicate or malformed parameters): shown, never challenged.
    if (err instanceof OAuthError) return page(c, title, err.error, err.description, 400);
    const errorId = newErrorId();
    logUnexpected(c, errorId, err);
    const error = isTransient(err) ? "temporarily_unavailable" : "server_error";
    return page(c, title, error, `An unexpected error occurred (errorId ${errorId}). Try again later.`, OAUTH_ERRORS[error]);
  };
}
