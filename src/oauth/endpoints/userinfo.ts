import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { OAuthError } from "../../errors";
import { issuerOf } from "../../issuer";
import { readForm } from "../request/params";
import { activeServer } from "../request/server-context";
import { cachedClient } from "../../cache/clients";
import { customClaimsFor, standardClaims } from "../minting/token-claims";
import { activeTokenUser } from "../minting/user-tokens";
import { verifyAccessToken } from "../../tokens/verify-access-token";

// RFC 6750 3: errors on a protected resource are a status and a WWW-Authenticate challenge, no body (Okta).
const invalidToken = () => new OAuthError("invalid_token", "The access token is invalid.", "bearer");
const ONE_WAY_ONLY = "The access token must be sent one way only.";

/** The bearer token: Authorization header (RFC 6750 2.1) or, on POST, the access_token form field (2.2); never both. */
async function bearerToken(c: Context<AppEnv>): Promise<string | null> {
  const header = c.req.header("Authorization");
  const fromHeader = header && /^Bearer +[\x21-\x7e]+$/i.test(header) ? header.replace(/^Bearer +/i, "") : null;
  let fromBody: string | undefined;
  if (c.req.method === "POST" && /^application\/x-www-form-urlencoded/i.test(c.req.header("Content-Type") ?? "")) {
    try {
      fromBody = (await readForm(c.req.raw)).get("access_token");
    } catch (err) {
      // A malformed form (repeated or oversized parameters) is the request's fault, answered as a challenge.
      if (err instanceof OAuthError) throw new OAuthError("invalid_request", ONE_WAY_ONLY, "bearer");
      throw err;
    }
  }
  if (fromHeader && fromBody) throw new OAuthError("invalid_request", ONE_WAY_ONLY, "bearer");
  return fromHeader ?? fromBody ?? null;
}

/** GET or POST /oauth2/{id}/v1/userinfo (OIDC Core 5.3): the claims of the scopes the access token carries. */
export async function userinfoEndpoint(c: Context<AppEnv>): Promise<Response> {
  const now = c.var.now;
  const bundle = await activeServer(c);
  const token = await bearerToken(c);
  // RFC 6750 3.1: a request with no token at all gets a challenge without an error code.
  if (!token) throw new OAuthError("invalid_token", "No access token was sent.", "bearer-bare");
  const claims = await verifyAccessToken(c.env, bundle, issuerOf(bundle.server, c.env, c.req.url), token, now);
  if (!claims || typeof claims.uid !== "string") throw invalidToken();
  const scopes = Array.isArray(claims.scp) ? (claims.scp as string[]) : [];
  if (!scopes.includes("openid")) {
    throw new OAuthError("insufficient_scope", "The access token must provide access to at least one of these scopes - profile, email, address or phone", "bearer");
  }
  const user = await activeTokenUser(c.env.DB, claims.uid);
  const client = await cachedClient(c.env, String(claims.cid), now);
  if (!user || !client) throw invalidToken();
  // Okta: userinfo returns every IDENTITY claim of the granted scopes, whatever alwaysIncludeInToken says.
  const custom = customClaimsFor(bundle, "IDENTITY", client, user, scopes, now);
  return c.json({ ...custom, ...standardClaims(bundle, user, scopes), sub: user.id }, 200, { "Cache-Control": "no-store", Pragma: "no-cache" });
}
