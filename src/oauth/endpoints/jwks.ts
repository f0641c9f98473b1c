import type { Context } from "hono";
import { etag } from "hono/etag";
import type { AppEnv } from "../../env";
import { cachedKeys } from "../../cache/keys";

/** How long clients may reuse a JWKS response. NEXT keys are published far longer ahead than this. */
const JWKS_MAX_AGE_SECONDS = 300;

/**
 * Conditional requests (RFC 9110 13.1.2: "*" or any weakly matching listed tag gives 304, with Cache-Control and
 * ETag kept) by Hono's etag middleware. It uses the ETag the response already carries — computed once per key
 * snapshot in cache/keys.ts — so no digest of the body is taken per request.
 */
export const jwksConditional = etag();

/**
 * JWKS (RFC 7517 section 5): ACTIVE, NEXT and EXPIRED-in-overlap keys, no status field (Okta), served from the
 * isolate's cached snapshot. RFC 9111 caching: max-age with must-revalidate, and an ETag for conditional requests.
 */
export async function serveJwks(c: Context<AppEnv>, serverId: string): Promise<Response> {
  const keys = await cachedKeys(c.env, serverId, c.get("now"));
  return new Response(keys.jwksBody, {
    status: 200,
    headers: { "Content-Type": "application/json", "Cache-Control": `public, max-age=${JWKS_MAX_AGE_SECONDS}, must-revalidate`, ETag: keys.etag },
  });
}
