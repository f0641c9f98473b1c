import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { OAuthError } from "../../errors";
import { sha256Hex } from "../../digest";
import { findRefreshToken, revokeFamily } from "../../store/refresh-tokens";
import { revokeToken } from "../../store/revocations";
import { clientTokenRequest } from "../request/client-request";
import { verifyAccessToken } from "../../tokens/verify-access-token";
import { epochSeconds } from "../../clock";

/**
 * POST /oauth2/{id}/v1/revoke (RFC 7009). A client may revoke only its own tokens; the answer is 200 with an
 * empty body whether or not the token was valid, so it reveals nothing (RFC 7009 2.2).
 */
export async function revokeEndpoint(c: Context<AppEnv>): Promise<Response> {
  const { now, bundle, params, issuer, client, token } = await clientTokenRequest(c, "revoke");
  const hint = params.get("token_type_hint");
  if (hint !== undefined && !["access_token", "refresh_token", "device_secret"].includes(hint)) {
    throw new OAuthError("invalid_request", "The 'token_type_hint' parameter is invalid.");
  }
  const claims = await verifyAccessToken(c.env, bundle, issuer, token, now);
  if (claims) {
    if (claims.cid === client.clientId) await revokeToken(c.env.DB, bundle.server.id, claims.jti!, claims.exp!);
  } else {
    // RFC 7009 2.1: revoking a refresh token ends its grant, so the whole family stops refreshing.
    const nowSeconds = epochSeconds(now);
    const refresh = await findRefreshToken(c.env.DB, await sha256Hex(token), bundle.server.id, nowSeconds);
    if (refresh && refresh.clientId === client.clientId) await revokeFamily(c.env.DB, refresh.familyId, nowSeconds);
  }
  return c.body(null, 200, { "Cache-Control": "no-store", Pragma: "no-cache" });
}
