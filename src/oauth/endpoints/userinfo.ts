import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { OAuthError } from "../../errors";
import { issuerOf } from "../../issuer";
import { readForm } from "../request/params";
import { activeServer } from "../request/server-context";
import { cachedClient } from "../../cache/clients";
import { customClaimsFor, standardClaims } from "../minting/token-claims";
import { logEvents } from "../../log/emit";
import { activeTokenUser } from "../minting/user-tokens";
import { verifyAccessToken } from "../../tokens/verify-access-token";
import { checkSenderConstraint, type TokenScheme } from "../request/dpop-resource";

// RFC 6750 3: errors on a protected resource are a status and a WWW-Authenticate challenge, no body (Okta).
const invalidToken = () => new OAuthError("invalid_token", "The access token is invalid.", "bearer");
const ONE_WAY_ONLY = "The access token must be sent one way only.";

/** The bearer token: Authorization header (RFC 6750 2.1) or, on POST, the access_token form field (2.2); never both. */
async function bearerToken(c: Context<AppEnv>): Promise<{ token: string; scheme: TokenScheme } | null> {
  const header = c.req.header("Authorization");
  // RFC 9449 7.1: a DPoP-bound token comes with the DPoP scheme.
  const scheme: TokenScheme = header && /^DPoP /i.test(header) ? "DPoP" : "Bearer";
  const fromHeader = header && /^(Bearer|DPoP) +[\x21-\x7e]+$/i.test(header) ? header.replace(/^(Bearer|DPoP) +/i, "") : null;
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
  if (fromHeader) return { token: fromHeader, scheme };
  return fromBody ? { token: fromBody, scheme: "Bearer" } : null;
}

/** GET or POST /oauth2/{id}/v1/userinfo (OIDC Core 5.3): the claims of the scopes the access token carries. */
export async function userinfoEndpoint(c: Context<AppEnv>): Promise<Response> {
  const now = c.get("now");
  const bundle = await activeServer(c);
  const presented = await bearerToken(c);
  // RFC 6750 3.1: a request with no token at all gets a challenge without an error code.
  if (!presented) throw new OAuthError("invalid_token", "No access token was sent.", "bearer-bare");
  const issuer = issuerOf(bundle.server, c.env, c.req.url);
  const claims = await verifyAccessToken(c.env, bundle, issuer, presented.token, now);
  if (!claims || typeof claims.uid !== "string") throw invalidToken();
  await checkSenderConstraint(c, claims, presented.scheme, presented.token, issuer, "userinfo");
  const scopes = Array.isArray(claims.scp) ? (claims.scp as string[]) : [];
  if (!scopes.includes("openid")) {
    throw new OAuthError("insufficient_scope", "The access token must provide access to at least one of these scopes - profile, email, address or phone", "bearer");
  }
  const user = await activeTokenUser(c.env.DB, claims.uid);
  const client = await cachedClient(c.env, String(claims.cid), now);
  if (!user || !client) throw invalidToken();
  // Okta: userinfo returns every IDENTITY claim of the granted scopes, whatever alwaysIncludeInToken says.
  const custom = customClaimsFor(bundle, "IDENTITY", client, user, scopes, now, false, (events) => logEvents(c, events));
  return c.json({ ...custom, ...standardClaims(bundle, user, scopes), sub: user.id }, 200, { "Cache-Control": "no-store", Pragma: "no-cache" });
}
