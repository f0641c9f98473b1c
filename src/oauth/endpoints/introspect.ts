import type { Context } from "hono";
import type { AppEnv, Env } from "../../env";
import { sha256Hex } from "../../digest";
import { findRefresh, holderOf } from "../../sessions/client";
import { getUser } from "../../store/users";
import { clientTokenRequest } from "../request/client-request";
import type { ServerBundle } from "../../cache/server-bundle";
import { verifyAccessToken } from "../../tokens/verify-access-token";
import { epochSeconds } from "../../clock";
import { boundJkt } from "../request/dpop-resource";

const INACTIVE = { active: false } as const;

/** A live refresh token of this server, described only to the client it was issued to. */
async function refreshTokenInfo(env: Env, bundle: ServerBundle, issuer: string, clientId: string, token: string, now: number) {
  const nowSeconds = epochSeconds(now);
  const holder = holderOf(env, token);
  const refresh = holder && (await findRefresh(holder, await sha256Hex(token), bundle.server.id, nowSeconds));
  if (!refresh || refresh.clientId !== clientId) return null;
  const user = await getUser(env.DB, refresh.userId);
  if (!user || user.status !== "ACTIVE") return null;
  const grant = refresh.grant;
  return {
    active: true,
    token_type: "refresh_token",
    scope: grant.scopes.join(" "),
    client_id: refresh.clientId,
    username: String(user.profile.login),
    ...(refresh.expiresAt === null ? {} : { exp: refresh.expiresAt }),
    iat: refresh.created,
    sub: String(user.profile.login),
    aud: bundle.server.audiences[0],
    iss: issuer,
    jti: refresh.id,
    uid: user.id,
    // RFC 9449 6.2: a refresh token bound to a DPoP key.
    ...(grant.jkt ? { cnf: { jkt: grant.jkt } } : {}),
  };
}

/**
 * POST /oauth2/{id}/v1/introspect (RFC 7662): a client-authenticated question about a token. Anything that is
 * not a live access token of this very server — malformed, expired, revoked, another server's — is
 * {"active": false}, and nothing more is said about it.
 */
export async function introspectEndpoint(c: Context<AppEnv>): Promise<Response> {
  const { now, bundle, issuer, client, token } = await clientTokenRequest(c, "introspect");
  const headers = { "Cache-Control": "no-store", Pragma: "no-cache" };
  const claims = await verifyAccessToken(c.env, bundle, issuer, token, now);
  if (!claims) return c.json((await refreshTokenInfo(c.env, bundle, issuer, client.clientId, token, now)) ?? INACTIVE, 200, headers);
  const { scp, cid, ...rest } = claims as Record<string, unknown>;
  return c.json(
    {
      // The token's claims first, so that no custom claim can change what introspection itself reports.
      ...rest,
      active: true,
      // RFC 9449 6.2: a DPoP-bound token says so (its cnf comes with the claims above).
      token_type: boundJkt(claims) ? "DPoP" : "Bearer",
      scope: Array.isArray(scp) ? scp.join(" ") : undefined,
      client_id: cid,
      // Okta: username is the subject (the login for a user, the client_id for client_credentials).
      username: rest.sub,
    },
    200,
    headers,
  );
}
