import { expect } from "vitest";
import { expectOktaError } from "../support/fixtures";
import { insufficientScope, INVALID_TOKEN_CHALLENGE } from "../support/org";

export const FORBIDDEN = "You do not have permission to perform the requested action";
export const INVALID_TOKEN = "Invalid token provided";
export const GRANT_VALIDATION = "Api validation failed: OAuth2ScopeConsentGrant";
export const NO_ROLE = "The user has no administrator role that allows this action.";

export const newUser = () => ({ profile: { login: `u-${crypto.randomUUID()}@example.com`, email: "x@example.com", firstName: "Grace", lastName: "Hopper" } });

export async function expectInsufficientScope(res: Response, scope: string): Promise<void> {
  const challenge = res.headers.get("WWW-Authenticate");
  await expectOktaError(res, 403, "E0000006", FORBIDDEN);
  expect(challenge).toBe(insufficientScope(scope));
}

export async function expectInvalidToken(res: Response): Promise<void> {
  const challenge = res.headers.get("WWW-Authenticate");
  await expectOktaError(res, 401, "E0000011", INVALID_TOKEN);
  expect(challenge).toBe(INVALID_TOKEN_CHALLENGE);
}
