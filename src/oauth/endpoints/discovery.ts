import {
  ACCESS_TOKEN_CLAIMS,
  CLIENT_AUTH_METHODS,
  GRANT_TYPES_SUPPORTED,
  OIDC_CLAIMS,
  OIDC_ONLY_ENDPOINTS,
  RESPONSE_MODES,
  REQUEST_OBJECT_ALGS,
  RESPONSE_TYPES,
  SERVED_ENDPOINTS,
} from "./served";
import { DPOP_ALGS } from "../../errors";

export type MetadataKind = "openid-configuration" | "oauth-authorization-server";

export interface MetadataInput {
  issuer: string;
  /** Where the endpoints live: {issuer}/v1 for a custom server, {base}/oauth2/v1 for the org server. */
  endpointBase: string;
  scopes: readonly string[];
  /** The algorithm the server signs ID tokens with. */
  signingAlg: string;
  /** The endpoints this server serves; a server without them advertises no flows that need them. */
  served: ReadonlyArray<keyof typeof SERVED_ENDPOINTS>;
  /** Okta: dynamic client registration lives on the org server ({org}/oauth2/v1/clients), for every server. */
  registrationEndpoint?: string;
  /** The grant types this server serves (the org server serves fewer); all of them when absent. */
  grantTypes?: readonly string[];
}

/**
 * OpenID Provider Metadata (OIDC Discovery 1.0 section 3) or OAuth 2.0 Authorization Server Metadata (RFC 8414
 * section 2), shaped as Okta's custom-server documents, listing only the endpoints in SERVED_ENDPOINTS.
 */
export function buildMetadata(kind: MetadataKind, m: MetadataInput): Record<string, unknown> {
  const oidc = kind === "openid-configuration";
  const endpoints = Object.fromEntries(
    Object.entries(SERVED_ENDPOINTS)
      .filter(([field]) => m.served.includes(field as keyof typeof SERVED_ENDPOINTS) && (oidc || !OIDC_ONLY_ENDPOINTS.has(field)))
      .map(([field, path]) => [field, `${m.endpointBase}/${path}`]),
  );
  if (!m.served.includes("authorization_endpoint")) {
    return { issuer: m.issuer, ...endpoints, response_types_supported: [], subject_types_supported: ["public"], scopes_supported: m.scopes };
  }
  return {
    issuer: m.issuer,
    ...endpoints,
    // Okta's oauth-authorization-server document also lists the bare "token" response type.
    response_types_supported: oidc ? RESPONSE_TYPES : [...RESPONSE_TYPES, "token"],
    response_modes_supported: RESPONSE_MODES,
    grant_types_supported: m.grantTypes ?? GRANT_TYPES_SUPPORTED,
    subject_types_supported: ["public"],
    ...(oidc ? { id_token_signing_alg_values_supported: [m.signingAlg] } : {}),
    scopes_supported: m.scopes,
    token_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
    claims_supported: oidc ? OIDC_CLAIMS : ACCESS_TOKEN_CLAIMS,
    code_challenge_methods_supported: ["S256"],
    introspection_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
    revocation_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
    ...(m.registrationEndpoint ? { registration_endpoint: m.registrationEndpoint } : {}),
    // RFC 9101 10.1: signed request objects by value (and inside PAR); request_uri only from this server's PAR.
    request_parameter_supported: true,
    request_uri_parameter_supported: false,
    request_object_signing_alg_values_supported: REQUEST_OBJECT_ALGS,
    // RFC 9126 5: PAR is available; a client can be made to require it (require_pushed_authorization_requests).
    require_pushed_authorization_requests: false,
    // RFC 9449 5.1.
    dpop_signing_alg_values_supported: DPOP_ALGS,
    // RFC 9207 3.
    authorization_response_iss_parameter_supported: true,
  };
}
