import { OAuthError } from "../../errors";
import type { PolicyDecision } from "../../policy/types";

/** The one place a policy decision that is not a grant becomes a wire error. */
export function policyDenied(decision: Exclude<PolicyDecision, { kind: "granted" }>): OAuthError {
  switch (decision.kind) {
    case "no_policy":
    case "no_rule":
      // Okta's wording; RFC 6749 5.2 status (400) rather than Okta's 401, which would need a WWW-Authenticate.
      return new OAuthError("access_denied", "Policy evaluation failed for this request, please check the policy configurations.");
    default: {
      const unreachable: never = decision;
      return unreachable;
    }
  }
}
