import { createRemoteJWKSet, decodeJwt, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { admin, call } from "../support/admin";

describe("client_credentials on the default server", () => {
  it("mints an access token that verifies against the published JWKS", async () => {
    const scope = await admin("/authorizationServers/default/scopes", { method: "POST", json: { name: "orders:read" } });
    expect([201, 400]).toContain(scope.status);
    const res = await admin("/apps", {
      method: "POST",
      json: {
        name: "oidc_client", label: "svc", signOnMode: "OPENID_CONNECT",
        credentials: { oauthClient: { token_endpoint_auth_method: "client_secret_basic" } },
        settings: { oauthClient: { application_type: "service", grant_types: ["client_credentials"] } },
      },
    });
    expect(res.status).toBe(201);
    const app = (await res.json()) as any;
    const { client_id, client_secret } = app.credentials.oauthClient;
    const tok = await call("/oauth2/default/v1/token", {
      method: "POST",
      headers: { Authorization: `Basic ${btoa(`${client_id}:${client_secret}`)}`, "Content-Type": "application/x-www-form-urlencoded" },
      body: "grant_type=client_credentials&scope=orders:read",
    });
    const body = (await tok.json()) as any;
    expect(tok.status, JSON.stringify(body)).toBe(200);
    const claims = decodeJwt(body.access_token);
    expect(claims).toMatchObject({ iss: "http://mintgate.test/oauth2/default", aud: "api://default", sub: client_id, cid: client_id, scp: ["orders:read"] });
    const keys = (await (await call("/oauth2/default/v1/keys")).json()) as any;
    const { createLocalJWKSet } = await import("jose");
    await jwtVerify(body.access_token, createLocalJWKSet(keys), { issuer: "http://mintgate.test/oauth2/default" });
    void createRemoteJWKSet;
  });
});
