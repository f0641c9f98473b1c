import { OAuthError } from "../../errors";
import { sha256Hex } from "../../digest";
import { pollDevice } from "../../store/device-authorizations";
import { activeTokenUser, issueUserTokens, readySigners } from "../minting/user-tokens";
import type { Grant } from "./grant";

export const DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

const INVALID = "The device code is invalid or has expired.";

/**
 * RFC 8628 3.4, 3.5: the device polls with its device code until the person has approved or denied it at /activate.
 * Okta's answers: authorization_pending, slow_down (the interval grows by 5 s), expired_token, access_denied, and
 * invalid_grant for a code that is unknown, another client's, or already redeemed. An approval is redeemed once.
 */
export const deviceCode: Grant = {
  type: DEVICE_CODE_GRANT,
  async handle({ env, bundle, client, params, issuer, now, request, log }) {
    const code = params.get("device_code");
    if (!code) throw new OAuthError("invalid_request", "The 'device_code' parameter is required.");
    // Keys first, so that a Durable Object failure leaves an approval unredeemed.
    await readySigners(env, bundle.server.id, now);
    const result = await pollDevice(env.DB, await sha256Hex(code), bundle.server.id, client.clientId, now, crypto.randomUUID());
    switch (result.kind) {
      case "unknown":
      case "redeemed":
        throw new OAuthError("invalid_grant", INVALID);
      case "expired":
        throw new OAuthError("expired_token", "The device code has expired.");
      case "denied":
        throw new OAuthError("access_denied", "The resource owner or authorization server denied the request.");
      case "pending":
        if (result.slowDown) throw new OAuthError("slow_down", "Slow down the polling frequency. Please try again later.");
        throw new OAuthError("authorization_pending", "The device authorization is pending. Please try again later.");
      case "approved": {
        const user = await activeTokenUser(env.DB, result.userId);
        if (!user) throw new OAuthError("invalid_grant", INVALID);
        return issueUserTokens({ env, bundle, client, issuer, user, grant: result.grant, now, includeNonce: false, grantType: DEVICE_CODE_GRANT, request, log });
      }
    }
  },
};
