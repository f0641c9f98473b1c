import { z } from "zod";
import { OAuthError } from "../../errors";

/**
 * The authorization request's parameters as the wire spells them (RFC 6749 4.1.1 / 4.2.1, OIDC Core 3.1.2.1,
 * RFC 7636 4.3, OAuth 2.0 Multiple Response Types), checked on their own; what depends on the client or the
 * server (allowed response and grant types, PKCE required, scopes) is checked after, in request.ts. Every message
 * is OAuth's wording (Okta's), and the first issue, in the order of the fields below, is the one reported.
 */

const SUPPORTED_RESPONSE_TYPES = new Set(["code", "id_token", "token", "code id_token", "id_token token", "code token", "code id_token token"]);
// RFC 7636 4.1: code_verifier / code_challenge alphabet and length.
const PKCE_CHALLENGE = /^[A-Za-z0-9\-._~]{43,128}$/;
const PROMPTS = ["none", "login", "consent"];

const UNSUPPORTED_TYPE = "The response type is not supported by the authorization server. Configured response types: [code, token, id_token].";

const responseType = z
  .string({ error: UNSUPPORTED_TYPE })
  .transform((raw) => raw.split(" ").filter(Boolean).sort())
  .refine((types) => {
    const normalized = ["code", "id_token", "token"].filter((t) => types.includes(t)).join(" ");
    return SUPPORTED_RESPONSE_TYPES.has(normalized) && types.length === new Set(types).size;
  }, UNSUPPORTED_TYPE);

export const AuthorizeParamsSchema = z
  .object({
    response_type: responseType,
    response_mode: z.enum(["query", "fragment", "form_post"], { error: "The response mode is not supported. Valid response modes: [query, fragment, form_post]." }).optional(),
    // A fixed text: the request's value is never echoed into the redirect (security finding 7).
    code_challenge_method: z.literal("S256", { error: "The PKCE code challenge method is not supported. Use 'S256'." }).optional(),
    code_challenge: z.string().regex(PKCE_CHALLENGE, "The PKCE code challenge must be 43 to 128 characters with code_challenge_method 'S256'.").optional(),
    prompt: z
      .string()
      .transform((raw) => raw.split(" ").filter(Boolean))
      .refine((p) => p.every((v) => PROMPTS.includes(v)) && (!p.includes("none") || p.length === 1), "The 'prompt' parameter is invalid. Valid values: none, login, consent.")
      .optional(),
    max_age: z
      .string()
      .transform(Number)
      .refine((n) => Number.isInteger(n) && n >= 0, "The 'max_age' parameter must be a non-negative integer.")
      .optional(),
    scope: z.string().optional(),
    state: z.string().optional(),
    nonce: z.string().optional(),
    login_hint: z.string().optional(),
  })
  .superRefine((p, ctx) => {
    const implicit = (p.response_type ?? []).some((t) => t !== "code");
    // OAuth 2.0 Multiple Response Types 5: tokens must never travel in a query string.
    if (implicit && p.response_mode === "query") {
      ctx.addIssue({ code: "custom", path: ["response_mode"], message: "The 'query' response mode is not allowed when the response type includes 'token' or 'id_token'." });
    }
    // OIDC Core 3.2.2.1: nonce is required for the implicit and hybrid flows.
    if (implicit && !p.nonce) {
      ctx.addIssue({ code: "custom", path: ["nonce"], message: "The 'nonce' parameter is required for authorize requests with either the 'id_token' or 'token' response types." });
    }
    if (p.code_challenge !== undefined && p.code_challenge_method !== "S256") {
      ctx.addIssue({ code: "custom", path: ["code_challenge"], message: "The PKCE code challenge must be 43 to 128 characters with code_challenge_method 'S256'." });
    }
  });

export type AuthorizeParams = z.infer<typeof AuthorizeParamsSchema>;

/** The first issue as OAuth's error: an unusable response_type is unsupported_response_type, the rest invalid_request. */
export function authorizeParamsError(error: z.ZodError): OAuthError {
  const issue = error.issues[0]!;
  return new OAuthError(issue.path[0] === "response_type" ? "unsupported_response_type" : "invalid_request", issue.message);
}
