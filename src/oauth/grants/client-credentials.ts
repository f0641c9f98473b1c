import { OAuthError } from "../../errors";
import { evaluatePolicies } from "../../policy/evaluate";
import { accessPreview, fromPreview, mintAccessToken, newAccessTokenId, type AccessTokenClaims } from "../minting/access-token";
import { transformTokens } from "../minting/inline-hook";
import { policyDenied } from "../minting/policy-errors";
import { admitAdminScopes } from "../minting/org-scopes";
import { resolveScopes } from "../minting/scopes";
import { customClaimsFor } from "../minting/token-claims";
import type { Grant } from "./grant";

/** RFC 6749 4.4: the client acts on its own behalf; sub is the client_id (Okta). */
export const clientCredentials: Grant = {
  type: "client_credentials",
  async handle({ env, bundle, client, params, issuer, now, dpopJkt, log, request }) {
    const scopes = resolveScopes(bundle.scopes, params.get("scope"));
    // Okta: OpenID Connect scopes need a user, which client_credentials does not have.
    const system = scopes.filter((name) => bundle.scopes.find((s) => s.name === name)?.system);
    if (system.length) throw new OAuthError("invalid_scope", `Cannot request '${system[0]}' scopes using client credentials.`);
    await admitAdminScopes(env, bundle, client, scopes, "client_credentials", now);
    // Okta: with no user to ask, scopes that require consent cannot be granted.
    const needConsent = scopes.filter((name) => bundle.scopes.find((s) => s.name === name)?.consent === "REQUIRED");
    if (needConsent.length) throw new OAuthError("consent_required", `The following scopes require user consent: [${needConsent.join(", ")}].`);
    const decision = evaluatePolicies(bundle.policies, { clientId: client.clientId, grantType: "client_credentials", scopes, user: null });
    if (decision.kind !== "granted") throw policyDenied(decision);
    let claims: AccessTokenClaims = {
      ...customClaimsFor(bundle, "RESOURCE", client, null, decision.scopes, now, false, log),
      iss: issuer,
      aud: bundle.server.audiences[0]!,
      sub: client.clientId,
      cid: client.clientId,
      scp: decision.scopes,
      // RFC 9449 6.1: the confirmation of the DPoP key.
      ...(dpopJkt ? { cnf: { jkt: dpopJkt } } : {}),
    };
    let lifetime = decision.accessTokenLifetimeSeconds;
    let jti: string | undefined;
    // Okta: the rule's token inline hook, if it has one; a rule without one takes no other step.
    if (decision.inlineHookId) {
      jti = newAccessTokenId();
      const hook = { id: decision.inlineHookId, policyId: decision.policyId, ruleId: decision.ruleId };
      const preview = accessPreview(claims, lifetime, now, jti);
      const out = await transformTokens(
        { env, bundle, client, issuer, now, grantType: "client_credentials", scopes: decision.scopes, user: null, hook, request, log },
        { access: preview },
      );
      claims = fromPreview(out.access!.claims);
      lifetime = out.access!.lifetimeSeconds;
    }
    const minted = await mintAccessToken(env, bundle.server.id, claims, lifetime, now, jti);
    return { token_type: dpopJkt ? "DPoP" : "Bearer", expires_in: minted.expiresIn, access_token: minted.token, scope: decision.scopes.join(" ") };
  },
};
