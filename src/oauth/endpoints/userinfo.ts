import type { Context } from "hono";
import { nowMs } from "../../clock";
import type { AppEnv } from "../../env";
import { issuerOf } from "../../issuer";
import { readForm } from "../request/params";
import { activeServer } from "../request/server-context";
import { cachedClient } from "../../cache/clients";
import { customClaimsFor, standardClaims } from "../minting/token-claims";
import { activeTokenUser } from "../minting/user-tokens";
import { verifyAccessToken } from "../../tokens/verify-access-token";

const INVALID_TOKEN = 'Bearer error="invalid_token", error_description="The access token is invalid."';

/** RFC 6750 3: errors on a protected resource are a status and a WWW-Authenticate challenge, no body (Okta). */
function challenge(status: 400 | 401 | 403, value: string): Response {
  return new Response(null, { status, headers: { "WWW-Authenticate": value, "Cache-Control": "no-store" } });
}

/** The bearer token: Authorization header (RFC 6750 2.1) or, on POST, the access_token form field (2.2); never both. */
async function bearerToken(c: Context<AppEnv>): Promise<string | null | "conflict"> {
  const header = c.req.header("Authorization");
  const fromHeader = header && /^Bearer +[\x21-\x7e]+$/i.test(header) ? header.replace(/^Bearer +/i, "") : null;
  let fromBody: string | undefined;
  if (c.req.method === "POST" && /^application\/x-www-form-urlencoded/i.test(c.req.header("Content-Type") ?? "")) {
    try {
      fromBody = (await readForm(c.req.raw)).get("access_token");
    } catch {
      return "conflict";
    }
  }
  if (fromHeader && fromBody) return "conflict";
  return fromHeader ?? fromBody ?? null;
}

/** GET or POST /oauth2/{id}/v1/userinfo (OIDC Core 5.3): the claims of the scopes the access token carries. */
export async function userinfoEndpoint(c: Context<AppEnv>): Promise<Response> {
  const now = nowMs();
  const bundle = await activeServer(c);
  const token = await bearerToken(c);
  if (token === "conflict") return challenge(400, 'Bearer error="invalid_request", error_description="The access token must be sent one way only."');
  if (!token) return challenge(401, 'Bearer realm="Mintgate"');
  const claims = await verifyAccessToken(c.env, bundle, issuerOf(bundle.server, c.env, c.req.url), token, now);
  if (!claims || typeof claims.uid !== "string") return challenge(401, INVALID_TOKEN);
  const scopes = Array.isArray(claims.scp) ? (claims.scp as string[]) : [];
  if (!scopes.includes("openid")) {
    return challenge(403, 'Bearer error="insufficient_scope", error_description="The access token must provide access to at least one of these scopes - profile, email, address or phone"');
  }
  const user = await activeTokenUser(c.env.DB, claims.uid);
  const client = await cachedClient(c.env, String(claims.cid), now);
  if (!user || !client) return challenge(401, INVALID_TOKEN);
  // Okta: userinfo returns every IDENTITY claim of the granted scopes, whatever alwaysIncludeInToken says.
  const custom = customClaimsFor(bundle, "IDENTITY", client, user, scopes, now);
  return c.json({ ...custom, ...standardClaims(bundle, user, scopes), sub: user.id }, 200, { "Cache-Control": "no-store", Pragma: "no-cache" });
}
