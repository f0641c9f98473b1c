import type { OpenIdConnectApplication } from "@okta/okta-sdk-nodejs";
import { inject } from "vitest";
import { uniqueName } from "./okta";

type AuthMethod = "client_secret_basic" | "client_secret_post" | "private_key_jwt";

/**
 * An OpenIdConnectApplication body for a service (machine-to-machine) app, as an admin would send it through
 * Okta's SDK: application_type service, grant_types [client_credentials].
 */
export function serviceAppBody(label: string, method: AuthMethod, jwks?: { keys: object[] }): OpenIdConnectApplication {
  return {
    name: "oidc_client",
    label: uniqueName(label),
    signOnMode: "OPENID_CONNECT",
    credentials: { oauthClient: { token_endpoint_auth_method: method } },
    settings: {
      oauthClient: {
        application_type: "service",
        grant_types: ["client_credentials"],
        ...(jwks ? { jwks } : {}),
      },
    },
  } as unknown as OpenIdConnectApplication;
}

/**
 * POST /oauth2/v1/clients/{clientId}/lifecycle/newSecret, as an admin does it with curl (Okta's Node SDK v8 has
 * no call for it). Returns the status and the Client object, whose client_secret is the new secret.
 */
export async function rotateClientSecret(clientId: string): Promise<{ status: number; headers: Headers; body: any }> {
  const res = await fetch(`${inject("baseUrl")}/oauth2/v1/clients/${encodeURIComponent(clientId)}/lifecycle/newSecret`, {
    method: "POST",
    headers: { Authorization: `SSWS ${inject("adminToken")}`, Accept: "application/json" },
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}
