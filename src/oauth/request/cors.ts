import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../../env";
import { cachedCorsOrigins } from "../../cache/cors-origins";
import { ApiError } from "../../errors";

const ALLOWED_HEADERS = ["authorization", "content-type", "accept", "x-requested-with", "x-okta-user-agent-extended", "dpop"];

/**
 * CORS for the endpoints a browser app calls (Okta: discovery, keys, token, introspect, revoke, userinfo), and
 * only for origins registered as trusted with the CORS scope. Others get no CORS headers, so browsers refuse.
 */
export const cors: MiddlewareHandler<AppEnv> = async (c, next) => {
  const origin = c.req.header("Origin");
  if (!origin) {
    await next();
    // The answer depends on the Origin header, so shared caches must key on it (RFC 9110 12.5.5).
    c.res.headers.append("Vary", "Origin");
    return;
  }
  const trusted = (await cachedCorsOrigins(c.env, c.var.now)).has(origin.toLowerCase());
  if (c.req.method === "OPTIONS" && c.req.header("Access-Control-Request-Method")) {
    // Okta's 403 for an origin it does not trust, through the error exit (no CORS headers, so the browser refuses).
    if (!trusted) throw new ApiError("E0000006", undefined, [], { Vary: "Origin" });
    const requested = (c.req.header("Access-Control-Request-Headers") ?? "")
      .split(",")
      .map((h) => h.trim().toLowerCase())
      .filter((h) => ALLOWED_HEADERS.includes(h));
    return new Response(null, {
      status: 204,
      headers: {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
        ...(requested.length ? { "Access-Control-Allow-Headers": requested.join(", ") } : {}),
        "Access-Control-Max-Age": "600",
        Vary: "Origin",
      },
    });
  }
  await next();
  if (trusted) {
    c.res.headers.set("Access-Control-Allow-Origin", origin);
    c.res.headers.set("Access-Control-Expose-Headers", "WWW-Authenticate");
  }
  c.res.headers.append("Vary", "Origin");
};
