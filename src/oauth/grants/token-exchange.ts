import { decodeJwt, type JWTPayload } from "jose";
import type { Env } from "../../env";
import { OAuthError } from "../../errors";
import { issuerOf, ORG_SERVER_ID } from "../../issuer";
import { cachedServer, type ServerBundle } from "../../cache/server-bundle";
import { isRevoked } from "../../store/revocations";
import { trusts } from "../../store/trusted-servers";
import { verifyAccessToken } from "../../tokens/verify-access-token";
import { mintAccessToken } from "../minting/access-token";
import { evaluatePolicies } from "../../policy/evaluate";
import { policyDenied } from "../minting/policy-errors";
import { resolveScopes } from "../minting/scopes";
import { customClaimsFor } from "../minting/token-claims";
import { activeTokenUser } from "../minting/user-tokens";
import type { Grant } from "./grant";

export const TOKEN_EXCHANGE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange";
const ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";

const INVALID_SUBJECT = "'subject_token' is invalid.";
const EXPIRED_SUBJECT = "The 'subject_token' either expired or the session associated with it was terminated.";
const UNTRUSTED = "The 'subject_token' issuer isn't a trusted authorization server.";

/**
 * The server that issued the subject token: this one, or a custom server this one trusts (Okta's trusted servers).
 * Only the unverified `iss` picks it; the token is then verified against that server's own keys, issuer and audience.
 */
async function issuingServer(env: Env, bundle: ServerBundle, issuer: string, requestUrl: string, iss: string, now: number): Promise<{ bundle: ServerBundle; issuer: string }> {
  if (iss === issuer) return { bundle, issuer };
  const id = /\/oauth2\/([^/]+)$/.exec(iss)?.[1];
  if (!id || id === ORG_SERVER_ID || !(await trusts(env.DB, bundle.server.id, id))) throw new OAuthError("access_denied", UNTRUSTED);
  const other = await cachedServer(env, id, now);
  if (!other || other.server.status !== "ACTIVE") throw new OAuthError("access_denied", "The associated server doesn't exist.");
  const otherIssuer = issuerOf(other.server, env, requestUrl);
  if (otherIssuer !== iss) throw new OAuthError("access_denied", UNTRUSTED);
  return { bundle: other, issuer: otherIssuer };
}

/**
 * RFC 8693 as Okta's On-Behalf-Of token exchange: a service app presents a person's access token (from this server
 * or one it trusts) and gets an access token for this server's audience, whose sub and uid are the person's and cid
 * the exchanging client. No ID or refresh token, so no OpenID Connect scopes; no act claim, as Okta's.
 */
export const tokenExchange: Grant = {
  type: TOKEN_EXCHANGE_GRANT,
  async handle({ env, bundle, client, params, issuer, now, requestUrl, log }) {
    // Okta: the org authorization server does not serve token exchange.
    if (bundle.server.id === ORG_SERVER_ID) throw new OAuthError("unsupported_grant_type", `'${TOKEN_EXCHANGE_GRANT}' grant type is not supported.`);
    if (client.settings.application_type !== "service") throw new OAuthError("invalid_request", "Only service clients may use on-behalf token exchange.");
    const subjectToken = params.get("subject_token");
    if (!subjectToken) throw new OAuthError("invalid_request", "The 'subject_token' parameter is required.");
    if (params.get("subject_token_type") !== ACCESS_TOKEN_TYPE) throw new OAuthError("invalid_request", "'subject_token_type' is invalid or not supported.");
    const requested = params.get("requested_token_type");
    if (requested !== undefined && requested !== ACCESS_TOKEN_TYPE) throw new OAuthError("invalid_request", "'requested_token_type' is invalid or not supported.");
    if (params.has("actor_token") || params.has("actor_token_type")) throw new OAuthError("invalid_request", "'actor_token' is not supported.");
    if (params.has("resource")) throw new OAuthError("invalid_target", "'resource' is invalid or not supported.");
    if (params.get("audience") !== bundle.server.audiences[0]) {
      throw new OAuthError("invalid_target", "Token Exchange requests must include a valid audience of the authorization server.");
    }
    const scopes = resolveScopes(bundle.scopes, params.get("scope"));
    const oidc = scopes.find((name) => bundle.scopes.find((s) => s.name === name)?.system);
    if (oidc) throw new OAuthError("invalid_scope", `Can't request '${oidc}' scopes using the Token Exchange flow for a service app.`);

    let unverified: JWTPayload;
    try {
      unverified = decodeJwt(subjectToken);
    } catch {
      throw new OAuthError("invalid_request", INVALID_SUBJECT);
    }
    if (typeof unverified.iss !== "string") throw new OAuthError("invalid_request", INVALID_SUBJECT);
    const from = await issuingServer(env, bundle, issuer, requestUrl, unverified.iss, now);
    const subject = await verifyAccessToken(env, from.bundle, from.issuer, subjectToken, now);
    if (!subject) {
      // Which refusal is only a matter of wording: the token is refused either way.
      const expired = typeof unverified.exp === "number" && unverified.exp * 1000 <= now;
      const revoked = typeof unverified.jti === "string" && (await isRevoked(env.DB, from.bundle.server.id, unverified.jti));
      throw expired || revoked ? new OAuthError("invalid_grant", EXPIRED_SUBJECT) : new OAuthError("invalid_request", INVALID_SUBJECT);
    }
    // On behalf of a person: a client's own token (client_credentials) has no person to act for.
    if (typeof subject.uid !== "string") throw new OAuthError("invalid_request", INVALID_SUBJECT);
    const user = await activeTokenUser(env.DB, subject.uid);
    if (!user) throw new OAuthError("invalid_grant", EXPIRED_SUBJECT);
    // A service app has no assignments (Okta): the rule for this grant, with the person's groups, decides.
    const decision = evaluatePolicies(bundle.policies, { clientId: client.clientId, grantType: TOKEN_EXCHANGE_GRANT, scopes, user: { id: user.id, groupIds: user.groups.map((g) => g.id) } });
    if (decision.kind !== "granted") throw policyDenied(decision);
    const minted = await mintAccessToken(
      env,
      bundle.server.id,
      {
        ...customClaimsFor(bundle, "RESOURCE", client, user, decision.scopes, now, false, log),
        iss: issuer,
        aud: bundle.server.audiences[0]!,
        sub: String(subject.sub),
        cid: client.clientId,
        uid: user.id,
        scp: decision.scopes,
        ...(typeof subject.auth_time === "number" ? { auth_time: subject.auth_time } : {}),
      },
      decision.accessTokenLifetimeSeconds,
      now,
    );
    return {
      token_type: "Bearer",
      expires_in: minted.expiresIn,
      access_token: minted.token,
      scope: decision.scopes.join(" "),
      issued_token_type: ACCESS_TOKEN_TYPE,
    };
  },
};
