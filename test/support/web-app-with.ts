import { expect } from "vitest";
import { admin } from "./admin";
import type { Client, Json } from "./clients";
import { LOGOUT_REDIRECT, REDIRECT } from "./people";

/** A web app (code + refresh) with extra settings.oauthClient fields. */
export async function webAppWith(settings: Json, method = "client_secret_basic"): Promise<Client> {
  const res = await admin("/apps", {
    method: "POST",
    json: {
      name: "oidc_client",
      label: `par-${crypto.randomUUID()}`,
      signOnMode: "OPENID_CONNECT",
      credentials: { oauthClient: { token_endpoint_auth_method: method } },
      settings: {
        oauthClient: {
          application_type: "web",
          redirect_uris: [REDIRECT],
          post_logout_redirect_uris: [LOGOUT_REDIRECT],
          grant_types: ["authorization_code", "refresh_token"],
          response_types: ["code"],
          ...settings,
        },
      },
    },
  });
  const app = (await res.json()) as Json;
  expect(res.status, JSON.stringify(app)).toBe(201);
  return { app, id: app.id, clientId: app.credentials.oauthClient.client_id, secret: app.credentials.oauthClient.client_secret };
}

