import { bodyLimit } from "hono/body-limit";
import { OAuthError } from "../../errors";

/** Largest form body accepted on the OAuth endpoints and pages. */
const MAX_FORM_BYTES = 64 * 1024;

/**
 * Hono's body limit, counted while the body streams in (and from Content-Length when declared), so a large
 * unauthenticated body is refused before it is buffered; the error leaves through the route's dialect.
 */
export const formBodyLimit = bodyLimit({
  maxSize: MAX_FORM_BYTES,
  onError: () => {
    throw new OAuthError("invalid_request", "The request body is too large.");
  },
});

/**
 * Reads an application/x-www-form-urlencoded body (RFC 6749 4.1.3, 4.4.2, RFC 7009 2.1, RFC 7662 2.1).
 * RFC 6749 3.1 / 3.2: request parameters MUST NOT be included more than once; empty values count as absent.
 */
export async function readForm(req: Request): Promise<Map<string, string>> {
  const type = req.headers.get("Content-Type") ?? "";
  if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(type)) {
    throw new OAuthError("invalid_request", "The request must use the 'application/x-www-form-urlencoded' content type.");
  }
  // Read as bytes: workerd warns when a form body is read with text(). formBodyLimit has bounded the size.
  const text = new TextDecoder().decode(await req.arrayBuffer());
  return uniqueParams(new URLSearchParams(text));
}

/**
 * The parameters of a GET (query) or POST (form) request, for endpoints that answer people with pages
 * (/authorize, its forms, /logout); their error handler shows a malformed request as a page.
 */
export async function requestParams(req: Request): Promise<Map<string, string>> {
  return req.method === "POST" ? readForm(req) : uniqueParams(new URL(req.url).searchParams);
}

/** Parameters as a map; a repeated parameter is invalid_request (RFC 6749 3.1), an empty one counts as absent. */
export function uniqueParams(search: URLSearchParams): Map<string, string> {
  const params = new Map<string, string>();
  const seen = new Set<string>();
  for (const [k, v] of search) {
    if (seen.has(k)) throw new OAuthError("invalid_request", `The '${k}' parameter was included more than once.`);
    seen.add(k);
    if (v !== "") params.set(k, v);
  }
  return params;
}
