import { z } from "zod";
import type { AppRecord } from "../store/apps";
import { AUTH_METHODS, GRANT_TYPES, type AppInput } from "./app-schema";

/**
 * Okta's Dynamic Client Registration `Client` (REFERENCE 7.3; RFC 7591 2 / RFC 7592 2.2 shapes): the same object
 * the apps API manages, spelled as OAuth metadata. Unknown metadata is ignored (RFC 7591 2). Defaults are Okta's
 * DCR defaults: web, [authorization_code], [code], client_secret_basic, consent REQUIRED.
 */
export const ClientMetadata = z.object({
  client_name: z.string({ error: "The field can't be left blank." }).trim().min(1, "The field can't be left blank.").max(100, "The field is too long."),
  application_type: z.enum(["web", "native", "browser", "service"]).default("web"),
  redirect_uris: z.array(z.string()).max(100).default([]),
  post_logout_redirect_uris: z.array(z.string()).max(100).default([]),
  response_types: z.array(z.enum(["code", "token", "id_token"])).min(1).default(["code"]),
  grant_types: z.array(z.enum(GRANT_TYPES)).min(1).default(["authorization_code"]),
  token_endpoint_auth_method: z.enum(AUTH_METHODS).default("client_secret_basic"),
  initiate_login_uri: z.string().optional(),
  client_uri: z.string().max(1024).optional(),
  logo_uri: z.string().max(1024).optional(),
  policy_uri: z.string().max(1024).optional(),
  tos_uri: z.string().max(1024).optional(),
  jwks: z.object({ keys: z.array(z.record(z.string(), z.unknown())) }).optional(),
  require_pushed_authorization_requests: z.boolean().optional(),
  dpop_bound_access_tokens: z.boolean().optional(),
  // RFC 7592 2.2: a client may echo these on a replace; only the server's own values are accepted.
  client_id: z.string().optional(),
  client_secret: z.string().optional(),
});

export type ClientMetadata = z.infer<typeof ClientMetadata>;

const OPTIONAL_URIS = ["client_uri", "logo_uri", "policy_uri", "tos_uri"] as const;

/** The apps API's input for the same client, so both APIs share one validation (app-schema.ts). */
export function toAppInput(m: ClientMetadata): unknown {
  const extra = Object.fromEntries(OPTIONAL_URIS.filter((k) => m[k] !== undefined).map((k) => [k, m[k]]));
  return {
    name: "oidc_client",
    label: m.client_name,
    signOnMode: "OPENID_CONNECT",
    credentials: { oauthClient: { token_endpoint_auth_method: m.token_endpoint_auth_method } },
    settings: {
      oauthClient: {
        application_type: m.application_type,
        redirect_uris: m.redirect_uris,
        post_logout_redirect_uris: m.post_logout_redirect_uris,
        response_types: m.response_types,
        grant_types: m.grant_types,
        consent_method: "REQUIRED",
        ...(m.initiate_login_uri !== undefined ? { initiate_login_uri: m.initiate_login_uri } : {}),
        ...(m.jwks ? { jwks: m.jwks } : {}),
        ...(m.require_pushed_authorization_requests !== undefined ? { require_pushed_authorization_requests: m.require_pushed_authorization_requests } : {}),
        ...(m.dpop_bound_access_tokens !== undefined ? { dpop_bound_access_tokens: m.dpop_bound_access_tokens } : {}),
        ...extra,
      },
    },
  } satisfies Record<string, unknown>;
}

/** Settings the apps schema does not name (client_uri, logo_uri, ...) kept as Okta keeps them. */
export function extraSettings(m: ClientMetadata): Record<string, string> {
  return Object.fromEntries(OPTIONAL_URIS.filter((k) => m[k] !== undefined).map((k) => [k, m[k]!]));
}

/** Okta's `Client` response; client_secret only when one was just issued. */
export function toClient(a: AppRecord, secret?: string) {
  const o = a.settings as AppRecord["settings"] & Record<string, unknown>;
  const optional = (k: string) => (o[k] === undefined ? {} : { [k]: o[k] });
  return {
    client_id: a.clientId,
    client_id_issued_at: Math.floor(Date.parse(a.created) / 1000),
    client_name: a.label,
    ...(secret ? { client_secret: secret } : {}),
    client_secret_expires_at: 0,
    application_type: o.application_type,
    redirect_uris: o.redirect_uris,
    post_logout_redirect_uris: o.post_logout_redirect_uris,
    response_types: o.response_types,
    grant_types: o.grant_types,
    token_endpoint_auth_method: a.tokenEndpointAuthMethod,
    ...optional("initiate_login_uri"),
    ...optional("client_uri"),
    ...optional("logo_uri"),
    ...optional("policy_uri"),
    ...optional("tos_uri"),
    ...(a.jwks ? { jwks: a.jwks } : {}),
    ...optional("require_pushed_authorization_requests"),
    ...optional("dpop_bound_access_tokens"),
  };
}

export type { AppInput };
