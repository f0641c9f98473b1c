import { OAuthError } from "../../errors";
import { admitPerson, personGrant, scopesLackingConsent } from "../minting/person-access";
import { resolveScopes } from "../minting/scopes";
import { issueUserTokens, readySigners, tokenUser } from "../minting/user-tokens";
import { checkPasswordAttempt } from "../request/password-attempt";
import type { Grant } from "./grant";
import { epochSeconds } from "../../clock";

/**
 * RFC 6749 4.3, as Okta serves it for legacy apps: the client sends the person's username and password. Okta's
 * errors: wrong credentials (unknown login, wrong password, a person not ACTIVE alike) are invalid_grant "The
 * credentials provided were invalid."; a person not assigned to the app, or no policy rule, access_denied; scopes
 * that need consent the person never gave, consent_required. ID token for openid, refresh token for offline_access.
 */
export const password: Grant = {
  type: "password",
  async handle({ env, bundle, client, params, issuer, now, request, log }) {
    const username = params.get("username");
    const secret = params.get("password");
    if (!username) throw new OAuthError("invalid_request", "The 'username' parameter is required.");
    if (!secret) throw new OAuthError("invalid_request", "The 'password' parameter is required.");
    const scopes = resolveScopes(bundle.scopes, params.get("scope"));
    // The password first: nothing about the person (assigned, allowed) is told to a caller who does not know it.
    const attempt = await checkPasswordAttempt(env, username, secret, now, request?.ipAddress ?? null);
    // Okta: a lock (or an automatic unlock) caused by this grant is in the System Log like the sign-in page's.
    if (attempt.events.length) log?.(attempt.events);
    if (attempt.kind !== "verified") throw new OAuthError("invalid_grant", "The credentials provided were invalid.");
    const user = attempt.user;
    const { decision, groups, granted } = await admitPerson(env, bundle, client, user.id, scopes, "password", now);
    const lacking = scopesLackingConsent(bundle, client, granted, decision.scopes);
    if (lacking.length) {
      throw new OAuthError(
        "consent_required",
        `The following scopes require user consent: [${lacking.join(", ")}]. To access protected scopes using the resource owner password grant type, please uncheck 'Require consent' in the app settings or set the 'consent_method' to 'TRUSTED' through the apps API.`,
      );
    }
    await readySigners(env, bundle.server.id, now);
    return issueUserTokens({
      env,
      bundle,
      client,
      issuer,
      user: tokenUser(user, groups),
      grant: personGrant(decision, epochSeconds(now), ["pwd"], "password"),
      now,
      includeNonce: false,
      // A token inline hook sees the grant and the request; its events and failed claims reach the System Log.
      grantType: "password",
      request,
      log,
    });
  },
};
