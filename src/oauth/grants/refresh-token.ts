import { OAuthError } from "../../errors";
import { sha256Hex } from "../../digest";
import { commitRotation, findRefreshToken, findRotatedFamily } from "../../store/refresh-tokens";
import { revokeFamilies } from "../../store/token-revocation";
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
    const tokenHash = await sha256Hex(token);
    const reused = async () => {
      const familyId = await findRotatedFamily(env.DB, tokenHash, bundle.server.id);
      if (familyId) {
        await revokeFamilies(env.DB, { by: "family", familyId }, nowSeconds);
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
    const live = await findRefreshToken(env.DB, tokenHash, bundle.server.id, nowSeconds);
    if (!live) throw await reused();
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
    if (!(await commitRotation(env.DB, tokenHash, { authServerId: bundle.server.id, clientId: client.clientId }, nowSeconds, prepared.successor))) {
      throw await reused();
    }
    return prepared.response;
  },
};
