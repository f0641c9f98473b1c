import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { OAuthError } from "../../errors";
import { sha256Hex } from "../../digest";
import { findRefresh, holderOf } from "../../sessions/client";
import { revokeFamilyIn } from "../../sessions/fan-out";
import { revokeToken } from "../../store/revocations";
import { clientTokenRequest } from "../request/client-request";
import { verifyAccessToken } from "../../tokens/verify-access-token";
import { epochSeconds } from "../../clock";
import { logEvent } from "../../log/emit";
import { clientActor, eventPrefix, serverTarget } from "../token-events";

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
  let revoked: "access_token" | "refresh_token" | null = null;
  if (claims) {
    if (claims.cid === client.clientId) {
      await revokeToken(c.env.DB, bundle.server.id, claims.jti!, claims.exp!);
      revoked = "access_token";
    }
  } else {
    // RFC 7009 2.1: revoking a refresh token ends its grant, so the whole family stops refreshing.
    const nowSeconds = epochSeconds(now);
    // Issue 17: the token names its SessionStore; the family stops there at once (RFC 7009 2.1: before we answer).
    const holder = holderOf(c.env, token);
    const refresh = holder && (await findRefresh(holder, await sha256Hex(token), bundle.server.id, nowSeconds));
    if (holder && refresh && refresh.clientId === client.clientId) {
      await revokeFamilyIn(c.env, holder, refresh.familyId, nowSeconds);
      revoked = "refresh_token";
    }
  }
  // Okta: app.oauth2.as.token.revoke; the log says what was revoked, the client's answer does not (RFC 7009 2.2).
  logEvent(c, {
    eventType: `${eventPrefix(bundle)}token.revoke`,
    displayMessage: "OAuth2 token revocation request",
    actor: clientActor(client),
    clientId: client.clientId,
    outcome: revoked ? { result: "SUCCESS" } : { result: "SKIPPED", reason: "token not found, expired or another client's" },
    target: [serverTarget(bundle)],
    debugData: { tokenTypeHint: hint ?? null, revokedTokenType: revoked },
  });
  return c.body(null, 200, { "Cache-Control": "no-store", Pragma: "no-cache" });
}
