import type { MiddlewareHandler } from "hono";
import { nowMs } from "../clock";
import { config, type AppEnv, type Env } from "../env";
import { isolateCache } from "../isolate-cache";
import { listActiveTrustedOrigins } from "../store/trusted-origins";

const cache = isolateCache<Set<string>>(1);

/** ACTIVE trusted origins with the CORS scope, with bounded staleness (CACHE_STALENESS_SECONDS). */
function corsOrigins(env: Env, now: number): Promise<Set<string>> {
  return cache.get("cors", now, config(env).CACHE_STALENESS_SECONDS * 1000, async () => {
    const all = await listActiveTrustedOrigins(env.DB);
    return new Set(all.filter((o) => o.scopes.includes("CORS")).map((o) => o.origin.toLowerCase()));
  });
}

export function forgetTrustedOrigins(): void {
  cache.clear();
}

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
  const trusted = (await corsOrigins(c.env, nowMs())).has(origin.toLowerCase());
  if (c.req.method === "OPTIONS" && c.req.header("Access-Control-Request-Method")) {
    if (!trusted) return new Response(null, { status: 403, headers: { Vary: "Origin" } });
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
