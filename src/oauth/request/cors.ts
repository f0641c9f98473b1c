import type { Context, MiddlewareHandler } from "hono";
import { cors as honoCors } from "hono/cors";
import type { AppEnv } from "../../env";
import { cachedCorsOrigins } from "../../cache/cors-origins";
import { ApiError } from "../../errors";

const ALLOWED_HEADERS = ["authorization", "content-type", "accept", "x-requested-with", "x-okta-user-agent-extended", "dpop"];

/**
 * Hono's CORS middleware for a trusted origin: it echoes the origin, answers preflights with 204, and exposes
 * WWW-Authenticate. It would echo every requested header; the preflight's answer is narrowed to ALLOWED_HEADERS.
 */
const trustedCors = honoCors({
  origin: (origin) => origin,
  allowMethods: ["GET", "POST", "OPTIONS"],
  exposeHeaders: ["WWW-Authenticate"],
  maxAge: 600,
});

function narrowAllowedHeaders(c: Context, res: Response): Response {
  const allowed = (c.req.header("Access-Control-Request-Headers") ?? "")
    .split(",")
    .map((h) => h.trim().toLowerCase())
    .filter((h) => ALLOWED_HEADERS.includes(h));
  // Both: Hono copies the context's headers onto the Response the middleware returns.
  for (const headers of [res.headers, c.res.headers]) {
    if (allowed.length) headers.set("Access-Control-Allow-Headers", allowed.join(", "));
    else headers.delete("Access-Control-Allow-Headers");
  }
  return res;
}

/**
 * CORS for the endpoints a browser app calls (Okta: discovery, keys, token, introspect, revoke, userinfo), and
 * only for origins registered as trusted with the CORS scope. Others get no CORS headers, so browsers refuse,
 * and their preflights get Okta's 403 through the error exit: the part hono/cors does not do.
 */
export const cors: MiddlewareHandler<AppEnv> = async (c, next) => {
  const origin = c.req.header("Origin");
  const trusted = origin !== undefined && (await cachedCorsOrigins(c.env, c.get("now"))).has(origin.toLowerCase());
  if (trusted) {
    const preflight = await trustedCors(c, next);
    return preflight ? narrowAllowedHeaders(c, preflight) : undefined;
  }
  if (origin !== undefined && c.req.method === "OPTIONS" && c.req.header("Access-Control-Request-Method")) {
    throw new ApiError("E0000006", undefined, [], { Vary: "Origin" });
  }
  await next();
  // The answer depends on the Origin header, so shared caches must key on it (RFC 9110 12.5.5).
  c.res.headers.append("Vary", "Origin");
};
