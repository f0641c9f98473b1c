import type { MiddlewareHandler } from "hono";
import { config, type AppEnv, type Config } from "./env";
import { ApiError } from "./errors";

/**
 * Okta's rate limits (developer.okta.com rate-limits, rl2-monitor): every response of a limited endpoint carries
 * X-Rate-Limit-Limit (the bucket's ceiling per minute), X-Rate-Limit-Remaining (requests left in the current
 * window) and X-Rate-Limit-Reset (when the window ends, UTC epoch seconds); over the limit, 429 E0000047 and
 * nothing is done. Windows last 60 s from the bucket's first request, not aligned to the minute (Okta).
 *
 * What the numbers mean here (README, Security): the counts are this Worker isolate's own, in memory — no storage
 * round trip, so the warm token path stays free of D1 and Durable Object calls. Cloudflare runs many isolates, so
 * the org-wide ceiling is the limit times the isolates serving it; Remaining is exact for the isolate that answered.
 */
export type Bucket = "oauthToken" | "oauthAuthorize" | "oauthOther" | "clientRegistration" | "apiUsers" | "apiApps" | "apiGroups" | "apiOther";

const LIMIT_OF: Record<Bucket, (cfg: Config) => number> = {
  oauthToken: (c) => c.RATE_LIMIT_OAUTH_TOKEN_PER_MINUTE,
  oauthAuthorize: (c) => c.RATE_LIMIT_OAUTH_AUTHORIZE_PER_MINUTE,
  oauthOther: (c) => c.RATE_LIMIT_OAUTH_OTHER_PER_MINUTE,
  clientRegistration: (c) => c.RATE_LIMIT_CLIENT_REGISTRATION_PER_MINUTE,
  apiUsers: (c) => c.RATE_LIMIT_API_USERS_PER_MINUTE,
  apiApps: (c) => c.RATE_LIMIT_API_APPS_PER_MINUTE,
  apiGroups: (c) => c.RATE_LIMIT_API_GROUPS_PER_MINUTE,
  apiOther: (c) => c.RATE_LIMIT_API_OTHER_PER_MINUTE,
};

/**
 * Okta's buckets by path. Not limited (Okta): keys and discovery documents. The OAuth buckets are per endpoint
 * across authorization servers, as Okta's `/oauth2/{authorizationServerId}/v1/token` row is one bucket.
 */
export function bucketOf(path: string): Bucket | null {
  if (path.startsWith("/api/v1/")) {
    if (path.startsWith("/api/v1/users")) return "apiUsers";
    if (path.startsWith("/api/v1/apps")) return "apiApps";
    if (path.startsWith("/api/v1/groups")) return "apiGroups";
    return "apiOther";
  }
  if (!path.startsWith("/oauth2/")) return null;
  if (path.startsWith("/oauth2/v1/clients")) return "clientRegistration";
  const endpoint = /^\/oauth2\/(?:[^/]+\/)?v1\/([a-z]+)/.exec(path)?.[1];
  if (!endpoint || endpoint === "keys") return null;
  if (endpoint === "token") return "oauthToken";
  if (endpoint === "authorize") return "oauthAuthorize";
  return "oauthOther";
}

const WINDOW_MS = 60_000;
const windows = new Map<Bucket, { start: number; count: number }>();

/** Counts one request in its bucket's window at `now`; the header values to send. */
export function countRequest(bucket: Bucket, limit: number, now: number): { limit: number; remaining: number; reset: number; over: boolean } {
  let w = windows.get(bucket);
  if (!w || now >= w.start + WINDOW_MS || now < w.start) windows.set(bucket, (w = { start: now, count: 0 }));
  w.count++;
  return { limit, remaining: Math.max(0, limit - w.count), reset: Math.ceil((w.start + WINDOW_MS) / 1000), over: w.count > limit };
}

/** The middleware: headers on every answer of a limited endpoint, 429 E0000047 past the limit. */
export const rateLimits: MiddlewareHandler<AppEnv> = async (c, next) => {
  const bucket = bucketOf(c.req.path);
  if (!bucket) return next();
  const r = countRequest(bucket, LIMIT_OF[bucket](config(c.env)), c.get("now"));
  const headers = { "X-Rate-Limit-Limit": String(r.limit), "X-Rate-Limit-Remaining": String(r.remaining), "X-Rate-Limit-Reset": String(r.reset) };
  if (r.over) throw new ApiError("E0000047", undefined, [], headers);
  await next();
  for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
};
