import type { MiddlewareHandler } from "hono";
import { config, type AppEnv } from "./env";
import { ApiError } from "./errors";

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

export const requireOrgUrlOffLocal: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (config(c.env).ORG_URL || isLocalHost(new URL(c.req.url).hostname)) return next();
  console.error(JSON.stringify({ level: "error", message: "ORG_URL is not set: refusing to serve a non-local host (README, Deploy)", host: new URL(c.req.url).host }));
  throw new ApiError("E0000009");
};
