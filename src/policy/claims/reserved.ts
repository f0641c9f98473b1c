/**
 * Claim names a custom claim may not take, per token type. The admin API refuses them and the claim builder
 * skips them, so a custom claim can never overwrite a claim the server sets itself.
 *
 * Sources: RFC 7519 4.1 (registered claims); Okta's base claims of access and ID tokens (REFERENCE 7.1, 7.2);
 * Okta support, "OIDC Bearer Tokens: List of Reserved Claims", which lists per token type the names a custom
 * authorization server refuses, and adds that the scope-dependent ID token claims (OIDC Core 5.1) cannot be
 * used either.
 *
 * `groups` is deliberately not reserved, although that support article lists it for access tokens: Okta's
 * own guide ("Add a Groups claim for a Custom Authorization Server") names the claim `groups` for both token
 * types, and Mintgate sets no groups claim of its own.
 */
import type { ClaimType } from "./types";

/** Claims of both token types: registered JWT claims and Okta's base claims. */
const COMMON = [
  "iss", "sub", "aud", "exp", "nbf", "iat", "jti", "ver", "token_type",
  "cid", "scp", "uid", "auth_time", "nonce", "amr", "idp", "at_hash", "c_hash", "acr", "azp",
  // RFC 7800 / RFC 9449: confirmation of a sender-constrained token.
  "cnf",
];

/**
 * Access tokens: Okta's list, plus the RFC 7662 2.2 members that /introspect derives from the token
 * (active, scope, client_id, username), which a same-named claim would otherwise contradict.
 */
const RESOURCE = ["as_uri", "rpt", "rsi", "username", "active", "scope", "client_id"];

/** OIDC Core 5.1 standard claims, which Mintgate derives from the profile for profile/email/address/phone. */
const OIDC_STANDARD = [
  "name", "given_name", "family_name", "middle_name", "nickname", "preferred_username", "profile", "picture",
  "website", "email", "email_verified", "gender", "birthdate", "zoneinfo", "locale", "phone_number",
  "phone_number_verified", "address", "updated_at",
];

/** ID tokens: Okta's list and the standard claims. */
const IDENTITY = [
  "active", "aid", "app_id", "app_type", "client_id", "client_ip", "client_req_id", "client_type",
  "client_user_agent", "device_compliance", "device_id", "device_known", "device_managed", "device_name",
  "device_trust", "did", "dst", "group", "hotk", "idp_iss", "mac_key", "may_act", "oid", "okta_emailVerified",
  "okta_lastUpdated", "orig", "permissions", "purpose", "pwd_exp_days", "pwd_exp_time", "rid", "role", "scope",
  "scopes", "sid", "term", "user_ip",
  ...OIDC_STANDARD,
];

const RESERVED: Record<ClaimType, ReadonlySet<string>> = {
  RESOURCE: new Set([...COMMON, ...RESOURCE]),
  IDENTITY: new Set([...COMMON, ...IDENTITY]),
};

/** Whether a custom claim of this type may not use this name (JWT claim names are case-sensitive). */
export function isReservedClaim(name: string, claimType: ClaimType): boolean {
  return RESERVED[claimType].has(name);
}
