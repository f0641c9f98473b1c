import { OAuthError } from "../../errors";
import { base64url } from "../../encoding";
import { sha256Hex } from "../../digest";
import { newId } from "../../ids";
import { holderOf, newSecretFor, redeemOnce, type Refusal } from "../../sessions/client";
import { revokeToken, revokeTokens } from "../../store/revocations";
import { newAccessTokenId } from "../minting/access-token";
import { activeTokenUser, newFamilyId, prepareUserTokens, readySigners } from "../minting/user-tokens";
import type { Grant } from "./grant";
import { epochSeconds } from "../../clock";

const INVALID_CODE = "The authorization code is invalid or has expired.";
/** Longest an access token can live (Okta: 1 day), so a revocation entry outlives the token it names. */
const MAX_ACCESS_TOKEN_SECONDS = 24 * 3600;

/** RFC 7636 4.6: BASE64URL(SHA256(ASCII(code_verifier))) == code_challenge. */
async function s256(verifier: string): Promise<string> {
  return base64url(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
}

/** The wire error of each check the code's SessionStore refused (it spent the code, as a failed check always has). */
const REFUSED: Record<Refusal, () => OAuthError> = {
  client: () => new OAuthError("invalid_grant", "The grant was issued to another client. Please make sure the 'client_id' matches the one used at the authorize request."),
  redirect: () => new OAuthError("invalid_grant", "The 'redirect_uri' does not match the redirection URI used in the authorization request."),
  pkce_missing: () => new OAuthError("invalid_request", "PKCE code verifier is required when the parameter code_challenge is included in the authorize request."),
  pkce_failed: () => new OAuthError("invalid_grant", "PKCE verification failed."),
  verifier_unexpected: () => new OAuthError("invalid_request", "A 'code_verifier' was sent, but the authorize request had no code_challenge."),
};

/**
 * RFC 6749 4.1.3: redeem a code once, for the client it was issued to, with the same redirect_uri and the PKCE
 * verifier. A second redemption fails and revokes what the first produced (RFC 6749 10.5).
 *
 * Issue 17: one round trip to the SessionStore the code names and none to D1. The object consumes the code, makes
 * the checks and stores the refresh token that begins the family in one transaction, and answers the person as the
 * code snapshotted them at /authorize (ending a person's access deletes their unredeemed codes at once). Tokens are
 * minted after that call; the keys are loaded before it, so a key outage leaves the code redeemable.
 */
export const authorizationCode: Grant = {
  type: "authorization_code",
  async handle({ env, bundle, client, params, issuer, now, dpopJkt, log, request }) {
    const code = params.get("code");
    if (!code) throw new OAuthError("invalid_request", "The 'code' parameter is required.");
    const holder = holderOf(env, code);
    if (!holder) throw new OAuthError("invalid_grant", INVALID_CODE);
    const nowSeconds = epochSeconds(now);
    const accessJti = newAccessTokenId();
    const familyId = newFamilyId();
    const verifier = params.get("code_verifier");
    // A verifier of the wrong form can match no challenge (RFC 7636 4.1); "" never equals a stored S256 value.
    // An empty code_verifier counts as none, as it always has.
    const verifierS256 = !verifier ? null : /^[A-Za-z0-9\-._~]{43,128}$/.test(verifier) ? await s256(verifier) : "";
    const mayRefresh = client.settings.grant_types.includes("refresh_token");
    const refreshToken = mayRefresh ? newSecretFor(holder) : null;
    const refresh = refreshToken ? { hash: await sha256Hex(refreshToken), id: newId("oar"), bindJkt: client.tokenEndpointAuthMethod === "none" && dpopJkt ? dpopJkt : null } : null;
    await readySigners(env, bundle.server.id, now);
    const result = await redeemOnce(holder, await sha256Hex(code), bundle.server.id, nowSeconds, {
      clientId: client.clientId,
      redirectUri: params.get("redirect_uri") ?? null,
      verifierS256,
      accessJti,
      familyId,
      refresh,
    });
    if (result.kind === "replayed") {
      // The family was revoked in its object; its access tokens (and the code's own) go on D1's revocation list.
      if (result.accessJti) await revokeToken(env.DB, bundle.server.id, result.accessJti, nowSeconds + MAX_ACCESS_TOKEN_SECONDS);
      await revokeTokens(env.DB, result.revoked);
    }
    if (result.kind === "refused") throw REFUSED[result.reason]();
    if (result.kind !== "redeemed") throw new OAuthError("invalid_grant", INVALID_CODE);
    // A code stored before person snapshots existed: the person is read from D1 as before.
    const user = result.person ?? (await activeTokenUser(env.DB, result.code.userId));
    if (!user) throw new OAuthError("invalid_grant", INVALID_CODE);
    const prepared = await prepareUserTokens({
      env,
      holder,
      storedRefresh: result.refreshIssued && refreshToken && refresh ? { token: refreshToken, id: refresh.id } : undefined,
      bundle,
      client,
      issuer,
      user,
      grant: result.code.grant,
      now,
      dpopJkt,
      accessJti,
      familyId,
      includeNonce: true,
      grantType: "authorization_code",
      request,
      log,
    });
    // The object stored the refresh token exactly when prepareUserTokens issues one (offline_access, a client
    // allowed to refresh); anything else would hand out a token that is not stored.
    if (!!prepared.successor !== result.refreshIssued) throw new Error("refresh token issuance disagrees with the SessionStore");
    return prepared.response;
  },
};
