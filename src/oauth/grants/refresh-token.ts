import { OAuthError } from "../../errors";
import { sha256Hex } from "../../digest";
import { consumeRefreshToken, findRefreshToken, revokeFamily } from "../../store/refresh-tokens";
import { activeTokenUser, issueUserTokens, readySigners } from "../minting/user-tokens";
import type { Grant } from "./grant";
import { epochSeconds } from "../../clock";

const INVALID = "The refresh token is invalid or expired.";

/**
 * RFC 6749 6, with rotation on every use (RFC 9700 4.14.2): the presented token is consumed and a new one of the
 * same family issued; presenting an already-rotated token revokes the whole family. Lifetime and idle window come
 * from the policy rule that granted the original authorization.
 */
export const refreshToken: Grant = {
  type: "refresh_token",
  async handle({ env, bundle, client, params, issuer, now }) {
    const token = params.get("refresh_token");
    if (!token) throw new OAuthError("invalid_request", "The 'refresh_token' parameter is required.");
    const nowSeconds = epochSeconds(now);
    const tokenHash = await sha256Hex(token);
    // Check a narrowed scope before the token is consumed, so that a refused request leaves it usable.
    const asked = params.get("scope");
    const live = asked === undefined ? null : await findRefreshToken(env.DB, tokenHash, bundle.server.id, nowSeconds);
    let scopes: string[] | undefined;
    if (live && live.clientId === client.clientId && asked !== undefined) {
      const granted = live.grant.scopes;
      const requested = [...new Set(asked.split(" ").filter(Boolean))];
      // RFC 6749 6: the scope may only narrow what was originally granted.
      if (!requested.length || requested.some((s) => !granted.includes(s))) {
        throw new OAuthError("invalid_scope", "The requested scope is invalid, unknown, or exceeds the scope granted by the resource owner.");
      }
      scopes = requested;
    }
    await readySigners(env, bundle.server.id, now);
    const result = await consumeRefreshToken(env.DB, tokenHash, bundle.server.id, client.clientId, nowSeconds);
    if (result.kind === "reused") {
      await revokeFamily(env.DB, result.familyId, nowSeconds);
      throw new OAuthError("invalid_grant", INVALID);
    }
    if (result.kind === "invalid") throw new OAuthError("invalid_grant", INVALID);
    const original = result.token.grant;
    const user = await activeTokenUser(env.DB, result.token.userId);
    if (!user) throw new OAuthError("invalid_grant", INVALID);
    return issueUserTokens({
      env,
      bundle,
      client,
      issuer,
      user,
      grant: original,
      accessScopes: scopes,
      now,
      familyId: result.token.familyId,
      refreshExpiresAt: result.token.expiresAt,
      includeNonce: false,
    });
  },
};
