import { createLocalJWKSet, jwtVerify, type JWTPayload } from "jose";
import { expect } from "vitest";
import { admin, BASE, call } from "./admin";
import type { Json } from "./clients";

/** Builders for custom claims (Okta OAuth2Claim) and for reading them back out of tokens. */

export type ClaimType = "RESOURCE" | "IDENTITY";
export type GroupFilterType = "STARTS_WITH" | "EQUALS" | "CONTAINS" | "REGEX";

export interface ClaimOptions {
  claimType?: ClaimType;
  status?: "ACTIVE" | "INACTIVE";
  alwaysIncludeInToken?: boolean;
  /** conditions.scopes; absent: every scope. */
  scopes?: string[];
}

const common = (o: ClaimOptions) => ({
  status: o.status ?? "ACTIVE",
  claimType: o.claimType ?? "RESOURCE",
  ...(o.alwaysIncludeInToken === undefined ? {} : { alwaysIncludeInToken: o.alwaysIncludeInToken }),
  conditions: { scopes: o.scopes ?? [] },
});

/** An EXPRESSION claim body; a RESOURCE (access token) claim unless told otherwise. */
export const expressionClaim = (name: string, value: string, o: ClaimOptions = {}): Json => ({ name, valueType: "EXPRESSION", value, ...common(o) });

/** A GROUPS claim body: the names of the user's groups that pass the filter. */
export const groupsClaim = (name: string, filter: GroupFilterType, value: string, o: ClaimOptions = {}): Json => ({
  name,
  valueType: "GROUPS",
  group_filter_type: filter,
  value,
  ...common(o),
});

export const claimsPath = (serverId: string) => `/authorizationServers/${serverId}/claims`;

export async function createClaim(serverId: string, body: Json): Promise<Json> {
  const res = await admin(claimsPath(serverId), { method: "POST", json: body });
  const claim = (await res.json()) as Json;
  if (res.status !== 201) throw new Error(`claim create failed: ${res.status} ${JSON.stringify(claim)}`);
  return claim;
}

export async function replaceClaim(serverId: string, claimId: string, body: Json): Promise<Json> {
  const res = await admin(`${claimsPath(serverId)}/${claimId}`, { method: "PUT", json: body });
  const claim = (await res.json()) as Json;
  expect(res.status, JSON.stringify(claim)).toBe(200);
  return claim;
}

export async function deleteClaim(serverId: string, claimId: string): Promise<void> {
  const res = await admin(`${claimsPath(serverId)}/${claimId}`, { method: "DELETE" });
  expect(res.status, await res.clone().text()).toBe(204);
}

/** An access token verified as a resource server would: signature against /keys, issuer, audience, RS256. */
export async function verifyAccessToken(serverId: string, audience: string, token: string): Promise<JWTPayload> {
  const keys = createLocalJWKSet((await (await call(`/oauth2/${serverId}/v1/keys`)).json()) as never);
  const { payload } = await jwtVerify(token, keys, { issuer: `${BASE}/oauth2/${serverId}`, audience, algorithms: ["RS256"] });
  return payload;
}

/**
 * Claims the server sets itself in access tokens, ID tokens and userinfo (REFERENCE 7.1, 7.2, 5.6; OIDC Core
 * 5.1): whatever is left of a token once these are removed is the custom claims.
 */
const BUILT_IN = new Set([
  "ver", "jti", "iss", "aud", "sub", "iat", "exp", "cid", "uid", "scp", "auth_time", "amr", "idp", "nonce", "at_hash", "c_hash",
  "name", "nickname", "preferred_username", "given_name", "middle_name", "family_name", "profile", "zoneinfo", "locale",
  "updated_at", "email", "email_verified", "address", "phone_number", "picture", "website", "gender", "birthdate",
]);

/** The custom claims of a token payload or a userinfo response. */
export function customClaims(payload: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(payload).filter(([k]) => !BUILT_IN.has(k)));
}
