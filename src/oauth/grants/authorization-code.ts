import { OAuthError } from "../../errors";
import { base64url } from "../../encoding";
import { sha256Hex } from "../../digest";
import { findLiveCode, holderOf, redeemCode, spendCode } from "../../sessions/client";
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

/**
 * RFC 6749 4.1.3: redeem a code once, for the client it was issued to, with the same redirect_uri and the PKCE
 * verifier. A second redemption fails and revokes what the first produced (RFC 6749 10.5).
 */
export const authorizationCode: Grant = {
  type: "authorization_code",
  async handle({ env, bundle, client, params, issuer, now, dpopJkt, log, request }) {
    const code = params.get("code");
    if (!code) throw new OAuthError("invalid_request", "The 'code' parameter is required.");
    const nowSeconds = epochSeconds(now);
    // Issue 17: the code names the SessionStore holding it; a string that names none is simply not a code.
    const holder = holderOf(env, code);
    if (!holder) throw new OAuthError("invalid_grant", INVALID_CODE);
    const codeHash = await sha256Hex(code);
    const accessJti = newAccessTokenId();
    const familyId = newFamilyId();
    // A code that is not live: a replay revokes what its redemption produced (RFC 6749 10.5).
    const spent = async () => {
      const result = await spendCode(holder, codeHash, bundle.server.id, nowSeconds, { accessJti, familyId });
      if (result.kind === "replayed") {
        // The family was revoked in its object by spendCode; its access tokens go on D1's revocation list.
        if (result.accessJti) await revokeToken(env.DB, bundle.server.id, result.accessJti, nowSeconds + MAX_ACCESS_TOKEN_SECONDS);
        await revokeTokens(env.DB, result.revoked);
      }
      return new OAuthError("invalid_grant", INVALID_CODE);
    };
    await readySigners(env, bundle.server.id, now);
    const stored = await findLiveCode(holder, codeHash, bundle.server.id, nowSeconds);
    if (!stored) throw await spent();
    // A failed check spends the code as before (one conditional UPDATE), so it cannot be tried again.
    const refuse = async (error: OAuthError) => {
      await spendCode(holder, codeHash, bundle.server.id, nowSeconds, { accessJti, familyId });
      return error;
    };
    if (stored.clientId !== client.clientId) {
      throw await refuse(new OAuthError("invalid_grant", "The grant was issued to another client. Please make sure the 'client_id' matches the one used at the authorize request."));
    }
    if (params.get("redirect_uri") !== stored.redirectUri) {
      throw await refuse(new OAuthError("invalid_grant", "The 'redirect_uri' does not match the redirection URI used in the authorization request."));
    }
    const grant = stored.grant;
    const verifier = params.get("code_verifier");
    if (grant.codeChallenge) {
      if (!verifier) throw await refuse(new OAuthError("invalid_request", "PKCE code verifier is required when the parameter code_challenge is included in the authorize request."));
      if (!/^[A-Za-z0-9\-._~]{43,128}$/.test(verifier) || (await s256(verifier)) !== grant.codeChallenge) {
        throw await refuse(new OAuthError("invalid_grant", "PKCE verification failed."));
      }
    } else if (verifier) {
      throw await refuse(new OAuthError("invalid_request", "A 'code_verifier' was sent, but the authorize request had no code_challenge."));
    }
    const user = await activeTokenUser(env.DB, stored.userId);
    if (!user) throw await refuse(new OAuthError("invalid_grant", INVALID_CODE));
    const prepared = await prepareUserTokens({ env, holder, bundle, client, issuer, user, grant, now, dpopJkt, accessJti, familyId, includeNonce: true, grantType: "authorization_code", request, log });
    // The consume and the refresh token's insert are one transaction: an outage leaves the code redeemable.
    if (!(await redeemCode(holder, codeHash, bundle.server.id, nowSeconds, { accessJti, familyId }, prepared.successor))) {
      // Redeemed concurrently: the other redemption's tokens are revoked, this one's were never handed out.
      throw await spent();
    }
    return prepared.response;
  },
};
