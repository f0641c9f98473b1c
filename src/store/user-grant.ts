/**
 * What a person authorized, carried from /authorize through the code into refresh tokens and stored with them as
 * JSON (authorization_codes.grant_json, refresh_tokens.grant_json). Defined here, below oauth/, so that store/
 * can parse it without importing oauth/.
 */
import { z } from "zod";

export const UserGrantSchema = z.object({
  scopes: z.array(z.string()),
  authTime: z.number().int(),
  amr: z.array(z.string()),
  nonce: z.string().optional(),
  codeChallenge: z.string().optional(),
  accessTokenLifetimeSeconds: z.number().int().positive(),
  /** null: the refresh token has no absolute lifetime (Okta: refreshTokenLifetimeMinutes 0). */
  refreshTokenLifetimeSeconds: z.number().int().positive().nullable(),
  refreshTokenWindowSeconds: z.number().int().nonnegative(),
  /** RFC 9449 5: the DPoP key (jkt) a public client's refresh tokens are bound to. */
  jkt: z.string().optional(),
  /**
   * The grant that began the family, when not authorization_code (password, device_code): a refresh re-evaluates
   * the access policy for it (Okta evaluates refresh requests against the rule of their original grant type).
   */
  grantType: z.string().optional(),
  /** The token inline hook of the rule that granted it (Okta: it runs for the tokens of this grant). */
  hook: z.object({ id: z.string(), policyId: z.string(), ruleId: z.string() }).optional(),
});

export type UserGrant = z.infer<typeof UserGrantSchema>;
