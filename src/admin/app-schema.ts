import { z } from "zod";
import type { AppRecord } from "../store/apps";
import { link } from "./links";
import { Links } from "./openapi";
import { redirectUriViolations } from "./redirect-uri-rules";

/** Okta's GrantType enum (REFERENCE 7.4). */
export const GRANT_TYPES = [
  "authorization_code", "client_credentials", "implicit", "interaction_code", "password", "refresh_token",
  "urn:ietf:params:oauth:grant-type:device_code", "urn:ietf:params:oauth:grant-type:jwt-bearer",
  "urn:ietf:params:oauth:grant-type:saml2-bearer", "urn:ietf:params:oauth:grant-type:token-exchange",
  "urn:openid:params:grant-type:ciba", "urn:okta:params:oauth:grant-type:otp", "urn:okta:params:oauth:grant-type:oob",
  "http://auth0.com/oauth/grant-type/mfa-otp", "http://auth0.com/oauth/grant-type/mfa-oob",
] as const;

export const AUTH_METHODS = ["client_secret_basic", "client_secret_post", "client_secret_jwt", "private_key_jwt", "none"] as const;

/** Grant types each application_type may use (Okta, REFERENCE 7.3). */
export const GRANTS_BY_APP_TYPE: Record<string, readonly string[]> = {
  web: ["authorization_code", "implicit", "refresh_token", "client_credentials", "password"],
  native: ["authorization_code", "implicit", "password", "refresh_token", "urn:ietf:params:oauth:grant-type:device_code"],
  browser: ["authorization_code", "implicit", "refresh_token"],
  service: ["client_credentials", "urn:ietf:params:oauth:grant-type:token-exchange"],
};

// RFC 6749 3.1.2: a redirection endpoint is an absolute URI without a fragment.
const redirectUri = z
  .string()
  .max(1024)
  .refine((u) => URL.canParse(u) && !u.includes("#"), "must be an absolute URI without a fragment");

const PublicJwk = z
  .object({ kty: z.enum(["RSA", "EC", "OKP"]), kid: z.string().min(1).max(256).optional(), alg: z.string().optional(), use: z.string().optional() })
  .loose()
  .refine((k) => !("d" in k), "must be a public key (no private members)");

export const AppInput = z.object({
  name: z.literal("oidc_client", { error: 'only "oidc_client" (OpenID Connect) applications are supported' }),
  label: z.string().trim().min(1, "The field cannot be left blank").max(100),
  signOnMode: z.literal("OPENID_CONNECT", { error: 'must be "OPENID_CONNECT"' }),
  credentials: z
    .object({
      oauthClient: z
        .object({
          client_id: z.string().regex(/^[\x21-\x7e]{6,100}$/, "6 to 100 printable characters").optional(),
          client_secret: z.string().regex(/^[\x21-\x7e]{14,100}$/, "14 to 100 printable characters").optional(),
          token_endpoint_auth_method: z.enum(AUTH_METHODS).default("client_secret_basic"),
          autoKeyRotation: z.boolean().optional(),
          pkce_required: z.boolean().optional(),
        })
        .default({ token_endpoint_auth_method: "client_secret_basic" }),
    })
    .default({ oauthClient: { token_endpoint_auth_method: "client_secret_basic" } }),
  settings: z.object({
    oauthClient: z.object({
      application_type: z.enum(["web", "native", "browser", "service"]).default("web"),
      redirect_uris: z.array(redirectUri).max(100).default([]),
      post_logout_redirect_uris: z.array(redirectUri).max(100).default([]),
      response_types: z.array(z.enum(["code", "token", "id_token"])).min(1).default(["code"]),
      grant_types: z.array(z.enum(GRANT_TYPES)).min(1, "at least one grant type is required"),
      consent_method: z.enum(["TRUSTED", "REQUIRED"]).default("TRUSTED"),
      issuer_mode: z.enum(["ORG_URL", "CUSTOM_URL", "DYNAMIC"]).optional(),
      initiate_login_uri: z.string().url().optional(),
      jwks: z.object({ keys: z.array(PublicJwk).min(1).max(50) }).optional(),
      // RFC 9126 6: the client must push its authorization requests.
      require_pushed_authorization_requests: z.boolean().optional(),
      // Okta: the client's tokens must be DPoP-bound (RFC 9449); a proof is required at the token endpoint.
      dpop_bound_access_tokens: z.boolean().optional(),
    }),
  }),
}).meta({ id: "OpenIdConnectApplicationRequest" });

export type AppInput = z.infer<typeof AppInput>;

/** Okta's cross-field rules for OIDC apps; each problem names its field. */
export function appRuleViolations(input: AppInput): string[] {
  const o = input.settings.oauthClient;
  const method = input.credentials.oauthClient.token_endpoint_auth_method;
  const causes: string[] = [];
  const allowed = GRANTS_BY_APP_TYPE[o.application_type]!;
  for (const g of o.grant_types) {
    if (!allowed.includes(g)) causes.push(`settings.oauthClient.grant_types: '${g}' is not allowed for application_type '${o.application_type}'`);
  }
  // Okta: a native app for a device without a browser may have the device grant instead of authorization_code.
  const deviceOnly = o.application_type === "native" && o.grant_types.includes("urn:ietf:params:oauth:grant-type:device_code");
  if ((o.application_type === "web" || o.application_type === "native") && !deviceOnly && !o.grant_types.includes("authorization_code")) {
    causes.push(`settings.oauthClient.grant_types: '${o.application_type}' applications require authorization_code`);
  }
  if ((o.grant_types.includes("authorization_code") || o.grant_types.includes("implicit")) && o.redirect_uris.length === 0) {
    causes.push("settings.oauthClient.redirect_uris: required for the authorization_code and implicit grant types");
  }
  causes.push(...redirectUriViolations(o));
  // RFC 7518 3.2: an HS256 key must be at least as long as the hash output, 256 bits (security finding 4).
  const chosen = input.credentials.oauthClient.client_secret;
  if (method === "client_secret_jwt" && chosen !== undefined && new TextEncoder().encode(chosen).length < MIN_HMAC_SECRET_BYTES) {
    causes.push(`credentials.oauthClient.client_secret: client_secret_jwt needs a secret of at least ${MIN_HMAC_SECRET_BYTES} characters (RFC 7518 3.2); leave it out to have one generated`);
  }
  if (o.application_type === "browser" && method !== "none") {
    causes.push("credentials.oauthClient.token_endpoint_auth_method: browser applications are public clients and must use 'none'");
  }
  if (method === "none" && !(o.application_type === "browser" || o.application_type === "native")) {
    causes.push(`credentials.oauthClient.token_endpoint_auth_method: 'none' is only for browser and native applications`);
  }
  if (method === "private_key_jwt" && !o.jwks) {
    causes.push("settings.oauthClient.jwks: private_key_jwt needs the client's public keys");
  }
  if (input.credentials.oauthClient.client_secret && (method === "none" || method === "private_key_jwt")) {
    causes.push(`credentials.oauthClient.client_secret: '${method}' clients have no secret`);
  }
  return causes;
}

/** RFC 7518 3.2: HS256 needs a key of at least 256 bits. */
export const MIN_HMAC_SECRET_BYTES = 32;

export const usesSecret = (method: string) => method === "client_secret_basic" || method === "client_secret_post" || method === "client_secret_jwt";

/** Okta's OpenIdConnectApplication response object. */
export const OpenIdConnectApplication = z
  .object({
    id: z.string(),
    name: z.literal("oidc_client"),
    label: z.string(),
    status: z.enum(["ACTIVE", "INACTIVE"]),
    created: z.string(),
    lastUpdated: z.string(),
    signOnMode: z.literal("OPENID_CONNECT"),
    accessibility: z.record(z.string(), z.unknown()),
    visibility: z.record(z.string(), z.unknown()),
    features: z.array(z.string()),
    credentials: z.object({
      userNameTemplate: z.object({ template: z.string(), type: z.string() }),
      signing: z.object({}),
      oauthClient: z.object({
        autoKeyRotation: z.boolean(),
        client_id: z.string(),
        client_secret: z.string().optional(),
        token_endpoint_auth_method: z.enum(AUTH_METHODS),
        pkce_required: z.boolean(),
      }),
    }),
    settings: z.object({
      app: z.object({}),
      notifications: z.record(z.string(), z.unknown()),
      oauthClient: z.record(z.string(), z.unknown()),
    }),
    _links: Links,
  })
  .meta({ id: "OpenIdConnectApplication" });

/** Okta's OpenIdConnectApplication response; the secret only when it was just created. */
export function toApp(a: AppRecord, base: string, newSecret?: string): z.input<typeof OpenIdConnectApplication> {
  const self = `${base}/api/v1/apps/${a.id}`;
  const { jwks, ...oauthSettings } = { ...a.settings, jwks: a.jwks ?? undefined };
  return {
    id: a.id,
    name: "oidc_client",
    label: a.label,
    status: a.status,
    created: a.created,
    lastUpdated: a.lastUpdated,
    signOnMode: "OPENID_CONNECT",
    accessibility: { selfService: false, errorRedirectUrl: null, loginRedirectUrl: null },
    visibility: { autoSubmitToolbar: false, hide: { iOS: true, web: true }, appLinks: { oidc_client_link: true } },
    features: [],
    credentials: {
      userNameTemplate: { template: "${source.login}", type: "BUILT_IN" },
      signing: {},
      oauthClient: {
        autoKeyRotation: true,
        client_id: a.clientId,
        ...(newSecret ? { client_secret: newSecret } : {}),
        token_endpoint_auth_method: a.tokenEndpointAuthMethod,
        pkce_required: a.settings.pkce_required ?? a.tokenEndpointAuthMethod === "none",
      },
    },
    settings: {
      app: {},
      notifications: { vpn: { network: { connection: "DISABLED" }, message: null, helpUrl: null } },
      oauthClient: { ...oauthSettings, ...(jwks ? { jwks } : {}) },
    },
    _links: {
      self: link(self, "GET", "PUT", "DELETE"),
      ...(a.status === "ACTIVE" ? { deactivate: link(`${self}/lifecycle/deactivate`, "POST") } : { activate: link(`${self}/lifecycle/activate`, "POST") }),
    },
  };
}
