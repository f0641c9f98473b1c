import { OAuthError } from "../../errors";
import { sha256Hex } from "../../digest";
import { newId } from "../../ids";
import { holderOf, newSecretFor, refreshOnce, undoRotation, type Refreshed } from "../../sessions/client";
import { revokeTokens } from "../../store/revocations";
import { newAccessTokenId } from "../minting/access-token";
import { prepareUserTokens, readySigners } from "../minting/user-tokens";
import type { Grant } from "./grant";
import { epochSeconds } from "../../clock";
import { ORG_SERVER_ID } from "../../issuer";
import { checkRefreshStillAllowed, currentPerson, INVALID_REFRESH as INVALID } from "./refresh-checks";

/**
 * RFC 6749 6, with rotation on every use (RFC 9700 4.14.2): the presented token is consumed and a new one of the
 * same family issued; presenting an already-rotated token revokes the whole family. Lifetime and idle window come
 * from the policy rule that granted the original authorization.
 *
 * Issue 17: one round trip to the SessionStore the token names and none to D1. The object consumes the token and
 * stores its successor in one transaction and answers the family's person snapshot; the checks only the Worker can
 * make (DPoP, scope, the app, the access policy) run after, and a refusal puts the rotation back (undoRotation), so
 * a refused refresh leaves the token usable. After an admin change to the person the snapshot is stale: then the
 * person is read from D1 once and the call repeated with it.
 */
export const refreshToken: Grant = {
  type: "refresh_token",
  async handle({ env, bundle, client, params, issuer, now, dpopJkt, log, request }) {
    const token = params.get("refresh_token");
    if (!token) throw new OAuthError("invalid_request", "The 'refresh_token' parameter is required.");
    const holder = holderOf(env, token);
    if (!holder) throw new OAuthError("invalid_grant", INVALID);
    const nowSeconds = epochSeconds(now);
    const tokenHash = await sha256Hex(token);
    const next = newSecretFor(holder);
    const accessJti = newAccessTokenId();
    const successor = {
      hash: await sha256Hex(next),
      id: newId("oar"),
      accessJti,
      // RFC 9449 5: a public client's refresh token is bound to the DPoP key it was issued under.
      bindJkt: client.tokenEndpointAuthMethod === "none" && dpopJkt ? dpopJkt : null,
    };
    // The keys first: a key outage then leaves the refresh token as it was.
    await readySigners(env, bundle.server.id, now);
    const call = (fresh: Parameters<typeof refreshOnce>[4]["fresh"]) =>
      refreshOnce(holder, tokenHash, bundle.server.id, nowSeconds, { clientId: client.clientId, successor, fresh });
    let result: Refreshed = await call(null);
    if (result.kind === "stale") {
      const person = await currentPerson(env, client, result.token.userId);
      if (!person) throw new OAuthError("invalid_grant", INVALID);
      result = await call(person);
    }
    if (result.kind === "reused") {
      await revokeTokens(env.DB, result.revoked);
      // Okta: one-time refresh token reuse is its own event (the family is revoked).
      log?.([
        {
          eventType: bundle.server.id === ORG_SERVER_ID ? "app.oauth2.token.detect_reuse" : "app.oauth2.as.token.detect_reuse",
          displayMessage: "One-time refresh token reuse detected",
          severity: "WARN",
          outcome: { result: "FAILURE", reason: "refresh_token_reuse" },
          clientId: client.clientId,
          debugData: { refreshTokenFamilyId: result.familyId, authorizationServerId: bundle.server.id },
        },
      ]);
    }
    if (result.kind !== "rotated") throw new OAuthError("invalid_grant", INVALID);
    const live = result.token;
    try {
      // RFC 9449 5: a public client's refresh token may be bound to a DPoP key.
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
      await checkRefreshStillAllowed(env, bundle, client, live, result.person, now);
      const prepared = await prepareUserTokens({
        env,
        holder,
        storedRefresh: { token: next, id: successor.id },
        bundle,
        client,
        issuer,
        user: result.person,
        grant: live.grant,
        accessScopes: scopes,
        now,
        dpopJkt,
        accessJti,
        familyId: live.familyId,
        refreshExpiresAt: live.expiresAt,
        includeNonce: false,
        grantType: "refresh_token",
        request,
        log,
      });
      return prepared.response;
    } catch (err) {
      // Refused (or failed) after the object rotated: the successor was never handed out; the token is put back.
      await undoRotation(holder, tokenHash, nowSeconds, successor.hash, accessJti);
      throw err;
    }
  },
};
