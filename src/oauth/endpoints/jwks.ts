import type { Context } from "hono";
import { nowMs } from "../../clock";
import type { AppEnv } from "../../env";
import { cachedKeys } from "../../cache/keys";

/** How long clients may reuse a JWKS response. NEXT keys are published far longer ahead than this. */
const JWKS_MAX_AGE_SECONDS = 300;

/**
 * JWKS (RFC 7517 section 5): ACTIVE, NEXT and EXPIRED-in-overlap keys, no status field (Okta), served from the
 * isolate's cached snapshot. RFC 9111 caching: max-age with must-revalidate, and an ETag for conditional requests.
 */
export async function serveJwks(c: Context<AppEnv>, serverId: string): Promise<Response> {
  const keys = await cachedKeys(c.env, serverId, nowMs());
  const headers = {
    "Cache-Control": `public, max-age=${JWKS_MAX_AGE_SECONDS}, must-revalidate`,
    ETag: keys.etag,
  };
  const inm = c.req.header("If-None-Match");
  // RFC 9110 13.1.2: "*" or any listed (weakly compared) entity tag matches.
  if (inm && (inm.trim() === "*" || inm.split(",").some((t) => t.trim().replace(/^W\//, "") === keys.etag))) {
    return new Response(null, { status: 304, headers });
  }
  return new Response(keys.jwksBody, { status: 200, headers: { ...headers, "Content-Type": "application/json" } });
}
