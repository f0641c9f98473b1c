import { OAuthError } from "../../errors";
import { evaluatePolicies } from "../../policy/evaluate";
import { mintAccessToken } from "../minting/access-token";
import { policyDenied } from "../minting/policy-errors";
import { admitAdminScopes } from "../minting/org-scopes";
import { resolveScopes } from "../minting/scopes";
import { customClaimsFor } from "../minting/token-claims";
import type { Grant } from "./grant";

/** RFC 6749 4.4: the client acts on its own behalf; sub is the client_id (Okta). */
export const clientCredentials: Grant = {
  type: "client_credentials",
  async handle({ env, bundle, client, params, issuer, now, dpopJkt }) {
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
    const minted = await mintAccessToken(
      env,
      bundle.server.id,
      {
        ...customClaimsFor(bundle, "RESOURCE", client, null, decision.scopes, now),
        iss: issuer,
        aud: bundle.server.audiences[0]!,
        sub: client.clientId,
        cid: client.clientId,
        scp: decision.scopes,
        // RFC 9449 6.1: the confirmation of the DPoP key.
        ...(dpopJkt ? { cnf: { jkt: dpopJkt } } : {}),
      },
      decision.accessTokenLifetimeSeconds,
      now,
    );
    return { token_type: dpopJkt ? "DPoP" : "Bearer", expires_in: minted.expiresIn, access_token: minted.token, scope: decision.scopes.join(" ") };
  },
};
