import { OAuthError } from "../../errors";
import { sha256Hex } from "../../digest";
import { findRefresh, holderOf, reuse, rotate, type RevokedAccess } from "../../sessions/client";
import { revokeTokens } from "../../store/revocations";
import { prepareUserTokens, readySigners } from "../minting/user-tokens";
import type { Grant } from "./grant";
import { epochSeconds } from "../../clock";
import { ORG_SERVER_ID } from "../../issuer";
import { checkRefreshStillAllowed, INVALID_REFRESH as INVALID } from "./refresh-checks";

/**
 * RFC 6749 6, with rotation on every use (RFC 9700 4.14.2): the presented token is consumed and a new one of the
 * same family issued; presenting an already-rotated token revokes the whole family. Lifetime and idle window come
 * from the policy rule that granted the original authorization. Everything is checked and minted first; the
 * consume and the successor's insert are then one transaction (commitRotation).
 */
export const refreshToken: Grant = {
  type: "refresh_token",
  async handle({ env, bundle, client, params, issuer, now, dpopJkt, log, request }) {
    const token = params.get("refresh_token");
    if (!token) throw new OAuthError("invalid_request", "The 'refresh_token' parameter is required.");
    const nowSeconds = epochSeconds(now);
    // Issue 17: the token names the SessionStore holding its family; a string that names none is not a token.
    const holder = holderOf(env, token);
    if (!holder) throw new OAuthError("invalid_grant", INVALID);
    const tokenHash = await sha256Hex(token);
    /** A reuse was detected and the family revoked in its object: its access tokens go on D1's revocation list. */
    const reused = async (found: { familyId: string; revoked: RevokedAccess[] } | null) => {
      if (found) {
        const { familyId } = found;
        await revokeTokens(env.DB, found.revoked);
        // Okta: one-time refresh token reuse is its own event (the family is revoked).
        log?.([
          {
            eventType: bundle.server.id === ORG_SERVER_ID ? "app.oauth2.token.detect_reuse" : "app.oauth2.as.token.detect_reuse",
            displayMessage: "One-time refresh token reuse detected",
            severity: "WARN",
            outcome: { result: "FAILURE", reason: "refresh_token_reuse" },
            clientId: client.clientId,
            debugData: { refreshTokenFamilyId: familyId, authorizationServerId: bundle.server.id },
          },
        ]);
      }
      return new OAuthError("invalid_grant", INVALID);
    };
    const live = await findRefresh(holder, tokenHash, bundle.server.id, nowSeconds);
    if (!live) throw await reused(await reuse(holder, tokenHash, bundle.server.id, nowSeconds));
    if (live.clientId !== client.clientId) throw new OAuthError("invalid_grant", INVALID);
    // RFC 9449 5: a public client's refresh token may be bound to a DPoP key; checked before anything is consumed.
    if (live.grant.jkt && live.grant.jkt !== dpopJkt) {
      if (!dpopJkt) throw new OAuthError("invalid_dpop_proof", "The refresh token is DPoP-bound: the DPoP proof JWT header is missing.");
      throw new OAuthError("invalid_grant", "The refresh token is bound to a different DPoP key.");
    }
    let scopes: string[] | undefined;
    const asked = params.get("scope");
    if (asked !== undefined) {
      const granted = live.grant.scopes;
      const requested = [...new Set(asked.split(" ").filter(Boolean))];
      // RFC 6749 6: the scope may only narrow what was originally granted.
      if (!requested.length || requested.some((s) => !granted.includes(s))) {
        throw new OAuthError("invalid_scope", "The requested scope is invalid, unknown, or exceeds the scope granted by the resource owner.");
      }
      scopes = requested;
    }
    const user = await checkRefreshStillAllowed(env, bundle, client, live, now);
    await readySigners(env, bundle.server.id, now);
    const prepared = await prepareUserTokens({
      env,
      holder,
      bundle,
      client,
      issuer,
      user,
      grant: live.grant,
      accessScopes: scopes,
      now,
      dpopJkt,
      familyId: live.familyId,
      refreshExpiresAt: live.expiresAt,
      includeNonce: false,
      grantType: "refresh_token",
      request,
      log,
    });
    // Lost to a concurrent refresh or revocation: this request's tokens are never handed out.
    const rotated = await rotate(holder, tokenHash, { authServerId: bundle.server.id, clientId: client.clientId }, nowSeconds, prepared.successor);
    if (rotated.kind !== "rotated") throw await reused(rotated.kind === "reused" ? rotated : null);
    return prepared.response;
  },
};
