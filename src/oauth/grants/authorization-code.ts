import { OAuthError } from "../../errors";
import { base64url } from "../../encoding";
import { sha256Hex } from "../../digest";
import { consumeCode } from "../../store/codes";
import { revokeFamily } from "../../store/refresh-tokens";
import { revokeToken } from "../../store/revocations";
import { newAccessTokenId } from "../minting/access-token";
import { activeTokenUser, issueUserTokens, newFamilyId, readySigners } from "../minting/user-tokens";
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
  async handle({ env, bundle, client, params, issuer, now }) {
    const code = params.get("code");
    if (!code) throw new OAuthError("invalid_request", "The 'code' parameter is required.");
    const nowSeconds = epochSeconds(now);
    const accessJti = newAccessTokenId();
    const familyId = newFamilyId();
    await readySigners(env, bundle.server.id, now);
    const result = await consumeCode(env.DB, await sha256Hex(code), bundle.server.id, nowSeconds, { accessJti, familyId });
    if (result.kind === "replayed") {
      if (result.accessJti) await revokeToken(env.DB, bundle.server.id, result.accessJti, nowSeconds + MAX_ACCESS_TOKEN_SECONDS);
      if (result.familyId) await revokeFamily(env.DB, result.familyId, nowSeconds);
      throw new OAuthError("invalid_grant", INVALID_CODE);
    }
    if (result.kind === "invalid") throw new OAuthError("invalid_grant", INVALID_CODE);
    const stored = result.code;
    if (stored.clientId !== client.clientId) {
      throw new OAuthError("invalid_grant", "The grant was issued to another client. Please make sure the 'client_id' matches the one used at the authorize request.");
    }
    if (params.get("redirect_uri") !== stored.redirectUri) {
      throw new OAuthError("invalid_grant", "The 'redirect_uri' does not match the redirection URI used in the authorization request.");
    }
    const grant = stored.grant;
    const verifier = params.get("code_verifier");
    if (grant.codeChallenge) {
      if (!verifier) throw new OAuthError("invalid_request", "PKCE code verifier is required when the parameter code_challenge is included in the authorize request.");
      if (!/^[A-Za-z0-9\-._~]{43,128}$/.test(verifier) || (await s256(verifier)) !== grant.codeChallenge) {
        throw new OAuthError("invalid_grant", "PKCE verification failed.");
      }
    } else if (verifier) {
      throw new OAuthError("invalid_request", "A 'code_verifier' was sent, but the authorize request had no code_challenge.");
    }
    const user = await activeTokenUser(env.DB, stored.userId);
    if (!user) throw new OAuthError("invalid_grant", INVALID_CODE);
    return issueUserTokens({
      env,
      bundle,
      client,
      issuer,
      user,
      grant,
      now,
      accessJti,
      familyId,
      includeNonce: true,
    });
  },
};
