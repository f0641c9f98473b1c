/**
 * What this server really serves under each authorization server, and nothing more: discovery documents are
 * built from this list (OIDC Discovery 1.0 section 3, RFC 8414 section 2), so a capability appears in metadata
 * when its route is added here.
 */
export const SERVED_ENDPOINTS = {
  token_endpoint: "token",
  jwks_uri: "keys",
  introspection_endpoint: "introspect",
  revocation_endpoint: "revoke",
} as const satisfies Record<string, string>;

/** ID-token and userinfo claims (Okta's custom-server openid-configuration). */
export const OIDC_CLAIMS = [
  "iss", "ver", "sub", "aud", "iat", "exp", "jti", "auth_time", "amr", "idp", "nonce", "name", "nickname",
  "preferred_username", "given_name", "middle_name", "family_name", "email", "email_verified", "profile",
  "zoneinfo", "locale", "address", "phone_number", "picture", "website", "gender", "birthdate", "updated_at",
  "at_hash", "c_hash",
] as const;

/** Access-token claims (Okta's custom-server oauth-authorization-server). */
export const ACCESS_TOKEN_CLAIMS = ["ver", "jti", "iss", "aud", "iat", "exp", "cid", "uid", "scp", "sub"] as const;
