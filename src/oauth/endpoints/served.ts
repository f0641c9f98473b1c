import { GRANTS } from "../grants";
import { TOKEN_EXCHANGE_GRANT } from "../grants/token-exchange";

/**
 * What this server really serves under each authorization server, and nothing more: discovery documents are
 * built from these lists (OIDC Discovery 1.0 section 3, RFC 8414 section 2), so a capability appears in metadata
 * when its route is added here.
 */
export const SERVED_ENDPOINTS = {
  authorization_endpoint: "authorize",
  token_endpoint: "token",
  userinfo_endpoint: "userinfo",
  jwks_uri: "keys",
  introspection_endpoint: "introspect",
  revocation_endpoint: "revoke",
  end_session_endpoint: "logout",
  // RFC 9126 5.
  pushed_authorization_request_endpoint: "par",
  device_authorization_endpoint: "device/authorize",
} as const satisfies Record<string, string>;

/** Only in OpenID Provider metadata (Okta's oauth-authorization-server document has no userinfo). */
export const OIDC_ONLY_ENDPOINTS: ReadonlySet<string> = new Set(["userinfo_endpoint"]);

export const RESPONSE_TYPES = ["code", "id_token", "code id_token", "code token", "id_token token", "code id_token token"] as const;
export const RESPONSE_MODES = ["query", "fragment", "form_post"] as const;
/** The token endpoint's registry, with implicit (served by /authorize alone) after authorization_code as Okta lists it. */
export const GRANT_TYPES_SUPPORTED: readonly string[] = [...GRANTS.keys()].flatMap((g) => (g === "authorization_code" ? [g, "implicit"] : [g]));
/** Okta: the org authorization server does not serve token exchange. */
export const ORG_GRANT_TYPES_SUPPORTED: readonly string[] = GRANT_TYPES_SUPPORTED.filter((g) => g !== TOKEN_EXCHANGE_GRANT);
export const CLIENT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "client_secret_jwt", "private_key_jwt", "none"] as const;

/** ID-token and userinfo claims (Okta's custom-server openid-configuration). */
export const OIDC_CLAIMS = [
  "iss", "ver", "sub", "aud", "iat", "exp", "jti", "auth_time", "amr", "idp", "nonce", "name", "nickname",
  "preferred_username", "given_name", "middle_name", "family_name", "email", "email_verified", "profile",
  "zoneinfo", "locale", "address", "phone_number", "picture", "website", "gender", "birthdate", "updated_at",
  "at_hash", "c_hash",
] as const;

/** Access-token claims (Okta's custom-server oauth-authorization-server). */
export const ACCESS_TOKEN_CLAIMS = ["ver", "jti", "iss", "aud", "iat", "exp", "cid", "uid", "scp", "sub"] as const;

/** RFC 9101 / RFC 9449: the asymmetric algorithms request objects and DPoP proofs may be signed with (never none or HMAC). */
export const REQUEST_OBJECT_ALGS = ["RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "EdDSA"] as const;
