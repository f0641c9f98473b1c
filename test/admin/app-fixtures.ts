import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { admin, BASE } from "../support/admin";
import { type Json } from "../support/clients";

export const COLLECTION = `${BASE}/api/v1/apps`;
export const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
/** Okta issues 64-character base62 client secrets. */
export const GENERATED_SECRET = /^[0-9A-Za-z]{64}$/;
/** secrets.ts: pbkdf2-sha256$<iterations>$<base64url salt>$<base64url hash>. */
export const PBKDF2_HASH = /^pbkdf2-sha256\$100000\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/;

export const webApp = (label: string, extra: Json = {}) => ({
  name: "oidc_client",
  label,
  signOnMode: "OPENID_CONNECT",
  credentials: { oauthClient: { token_endpoint_auth_method: "client_secret_basic" } },
  settings: {
    oauthClient: {
      application_type: "web",
      redirect_uris: ["https://app.example.com/callback"],
      post_logout_redirect_uris: ["https://app.example.com/"],
      response_types: ["code"],
      grant_types: ["authorization_code", "refresh_token"],
      ...extra,
    },
  },
});

export const post = (json: unknown) => admin("/apps", { method: "POST", json });
export const put = (id: string, json: unknown) => admin(`/apps/${id}`, { method: "PUT", json });
export const get = (id: string) => admin(`/apps/${id}`);
export const appNotFound = (id: string) => [404, "E0000007", `Not found: Resource not found: ${id} (App)`] as const;

/** Okta's OpenIdConnectApplication as Mintgate answers for the web app above. */
export function expectedWebApp(app: { id: string; clientId: string; label: string; status: "ACTIVE" | "INACTIVE" }) {
  const self = `${COLLECTION}/${app.id}`;
  return {
    id: app.id,
    name: "oidc_client",
    label: app.label,
    status: app.status,
    created: expect.stringMatching(ISO_MS),
    lastUpdated: expect.stringMatching(ISO_MS),
    signOnMode: "OPENID_CONNECT",
    accessibility: { selfService: false, errorRedirectUrl: null, loginRedirectUrl: null },
    visibility: { autoSubmitToolbar: false, hide: { iOS: true, web: true }, appLinks: { oidc_client_link: true } },
    features: [],
    credentials: {
      userNameTemplate: { template: "${source.login}", type: "BUILT_IN" },
      signing: {},
      oauthClient: {
        autoKeyRotation: true,
        client_id: app.clientId,
        token_endpoint_auth_method: "client_secret_basic",
        pkce_required: false,
      },
    },
    settings: {
      app: {},
      notifications: { vpn: { network: { connection: "DISABLED" }, message: null, helpUrl: null } },
      oauthClient: {
        application_type: "web",
        redirect_uris: ["https://app.example.com/callback"],
        post_logout_redirect_uris: ["https://app.example.com/"],
        response_types: ["code"],
        grant_types: ["authorization_code", "refresh_token"],
        consent_method: "TRUSTED",
      },
    },
    _links: {
      self: { href: self, hints: { allow: ["GET", "PUT", "DELETE"] } },
      ...(app.status === "ACTIVE"
        ? { deactivate: { href: `${self}/lifecycle/deactivate`, hints: { allow: ["POST"] } } }
        : { activate: { href: `${self}/lifecycle/activate`, hints: { allow: ["POST"] } } }),
    },
  };
}

export async function createWebApp(label = `web-${crypto.randomUUID()}`): Promise<Json> {
  const res = await post(webApp(label));
  expect(res.status).toBe(201);
  return res.json();
}

export async function appRow(id: string): Promise<Record<string, unknown>> {
  const row = await env.DB.prepare("SELECT * FROM apps WHERE id = ?1").bind(id).first();
  expect(row).not.toBeNull();
  return row!;
}
