import type { MiddlewareHandler } from "hono";
import { ApiError } from "../errors";

const JSON_TYPE = /^application\/json\s*(;|$)/i;

/**
 * Whether an Accept header admits application/json (RFC 9110 12.5.1): no header, or a media range
 * application/json, application/* or * / * whose q is not 0.
 */
export function acceptsJson(accept: string | undefined): boolean {
  if (accept === undefined || accept.trim() === "") return true;
  return accept.split(",").some((range) => {
    const [type = "", ...params] = range.split(";").map((p) => p.trim().toLowerCase());
    const q = params.find((p) => /^q\s*=/.test(p));
    if (q !== undefined && Number(q.split("=")[1]) === 0) return false;
    return type === "application/json" || type === "application/*" || type === "*/*";
  });
}

/** Okta answers only JSON: an Accept header that refuses it is 400 E0000019 (Spring's "not acceptable"). */
export const requireJsonAccept: MiddlewareHandler = async (c, next) => {
  const accept = c.req.header("Accept");
  if (!acceptsJson(accept)) throw new ApiError("E0000019", undefined, [`Accept: application/json is the only media type served, got ${JSON.stringify(accept)}`]);
  await next();
};

/**
 * Okta reads only JSON bodies: no Content-Type is 400 E0000018 (headers "not set"), another media type 400 E0000021
 * (Spring's "not supported"). Bodies are required, so a missing Content-Type cannot pass as {}.
 */
export function checkJsonContentType(contentType: string | undefined): void {
  if (contentType === undefined || contentType.trim() === "") throw new ApiError("E0000018", undefined, ["Content-Type: expected application/json, got none"]);
  if (!JSON_TYPE.test(contentType)) throw new ApiError("E0000021", undefined, [`Content-Type: expected application/json, got ${JSON.stringify(contentType)}`]);
}
