import type { MiddlewareHandler } from "hono";
import { config, type AppEnv } from "./env";
import { ApiError } from "./errors";
import { requestOrigin } from "./issuer";

/**
 * Without ORG_URL, issuers, audiences and admin links follow the request's Host header (security finding 10): a
 * deployed Worker would mint tokens for whatever host an attacker's request names. So without ORG_URL Mintgate
 * serves only hosts that cannot be reached from the Internet: loopback (127.0.0.0/8, [::1], localhost) and the
 * names RFC 6761 reserves for local use (*.localhost, *.test) — `wrangler dev`, the tests. A deployment answers
 * every request with a 500 and one log line naming the missing setting until ORG_URL is set (README, Deploy).
 */
export function isLocalHost(hostname: string): boolean {
  const h = hostname.toLowerCase();
  return h === "localhost" || h.endsWith(".localhost") || h.endsWith(".test") || h === "[::1]" || /^127(?:\.\d{1,3}){3}$/.test(h);
}

/**
 * The last origin found local: a local server sees one or two origins, so this spares parsing every request's URL
 * (the URL parser was about 5% of a discovery request's CPU in bench/profile.mjs). One entry: nothing a request
 * names can make it grow.
 */
let lastLocalOrigin: string | null = null;

export const requireOrgUrlOffLocal: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (config(c.env).ORG_URL) return next();
  const origin = requestOrigin(c.req.url);
  if (origin === lastLocalOrigin) return next();
  if (isLocalHost(new URL(origin).hostname)) {
    lastLocalOrigin = origin;
    return next();
  }
  console.error(JSON.stringify({ level: "error", message: "ORG_URL is not set: refusing to serve a non-local host (README, Deploy)", host: new URL(c.req.url).host }));
  throw new ApiError("E0000009");
};
