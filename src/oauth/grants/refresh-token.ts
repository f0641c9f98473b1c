import { OAuthError } from "../../errors";
import { sha256Hex } from "../../digest";
import { consumeRefreshToken, findRefreshToken, revokeFamily } from "../../store/refresh-tokens";
import { activeTokenUser, issueUserTokens, readySigners } from "../minting/user-tokens";
import type { Grant } from "./grant";

const INVALID = "The refresh token is invalid or expired.";

/**
 * RFC 6749 6, with rotation on every use (RFC 9700 4.14.2): the presented token is consumed and a new one of the
 * same family issued; presenting an already-rotated token revokes the whole family. Lifetime and idle window come
 * from the policy rule that granted the original authorization.
 */
export const refreshToken: Grant = {
  type: "refresh_token",
  async handle({ env, bundle, client, params, issuer, now, dpopJkt }) {
    const token = params.get("refresh_token");
    if (!token) throw new OAuthError("invalid_request", "The 'refresh_token' parameter is required.");
    const nowSeconds = Math.floor(now / 1000);
    const tokenHash = await sha256Hex(token);
    // Check a narrowed scope before the token is consumed, so that a refused request leaves it usable.
    const asked = params.get("scope");
    // RFC 9449 5: a public client's refresh token may be bound to a DPoP key; read first so a wrong key burns nothing.
    const mayBeBound = client.tokenEndpointAuthMethod === "none";
    const live = asked === undefined && !mayBeBound ? null : await findRefreshToken(env.DB, tokenHash, bundle.server.id, nowSeconds);
    if (live?.grant.jkt && live.clientId === client.clientId && live.grant.jkt !== dpopJkt) {
      if (!dpopJkt) throw new OAuthError("invalid_dpop_proof", "The refresh token is DPoP-bound: the DPoP proof JWT header is missing.");
      throw new OAuthError("invalid_grant", "The refresh token is bound to a different DPoP key.");
    }
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
      dpopJkt,
      familyId: result.token.familyId,
      refreshExpiresAt: result.token.expiresAt,
      includeNonce: false,
    });
  },
};
