import { ACCESS_TOKEN_CLAIMS, OIDC_CLAIMS, SERVED_ENDPOINTS } from "./endpoints";

export type MetadataKind = "openid-configuration" | "oauth-authorization-server";

export interface MetadataInput {
  issuer: string;
  /** Where the endpoints live: {issuer}/v1 for a custom server, {base}/oauth2/v1 for the org server. */
  endpointBase: string;
  scopes: readonly string[];
}

/**
 * OpenID Provider Metadata (OIDC Discovery 1.0 section 3) or OAuth 2.0 Authorization Server Metadata (RFC 8414
 * section 2), shaped as Okta's custom-server documents, listing only the endpoints in SERVED_ENDPOINTS.
 */
export function buildMetadata(kind: MetadataKind, m: MetadataInput): Record<string, unknown> {
  const endpoints = Object.fromEntries(Object.entries(SERVED_ENDPOINTS).map(([field, path]) => [field, `${m.endpointBase}/${path}`]));
  const oidc = kind === "openid-configuration";
  return {
    issuer: m.issuer,
    ...endpoints,
    response_types_supported: [],
    subject_types_supported: ["public"],
    ...(oidc ? { id_token_signing_alg_values_supported: ["RS256"] } : {}),
    scopes_supported: m.scopes,
    claims_supported: oidc ? OIDC_CLAIMS : ACCESS_TOKEN_CLAIMS,
  };
}
