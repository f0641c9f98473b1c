import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN, call } from "../support/admin";
import { CLIENT_AUTH_FAILED, BASIC_CHALLENGE, clientCredentials, createApp, expectOAuthError, readyServer, tokenBody, type Json } from "../support/clients";
import { expectOktaError } from "../support/fixtures";
import { GENERATED_SECRET, PBKDF2_HASH, get, appRow } from "./app-fixtures";

describe("client secret rotation", () => {
  const newSecret = (clientId: string, authorization = `SSWS ${ADMIN_TOKEN}`) =>
    call(`/oauth2/v1/clients/${encodeURIComponent(clientId)}/lifecycle/newSecret`, { method: "POST", headers: { Authorization: authorization } });

  it("issues a new secret; the old one stops working at the token endpoint and the new one works", async () => {
    const server = await readyServer();
    const client = await createApp();
    await tokenBody(await clientCredentials(server.id, client, "orders:read"));

    const res = await newSecret(client.clientId);
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    const body = (await res.json()) as Json;
    expect(body).toEqual({
      client_id: client.clientId,
      client_id_issued_at: Math.floor(Date.parse(client.app.created) / 1000),
      client_name: client.app.label,
      client_secret: expect.stringMatching(GENERATED_SECRET),
      client_secret_expires_at: 0,
      application_type: "service",
      redirect_uris: [],
      post_logout_redirect_uris: [],
      response_types: ["code"],
      grant_types: ["client_credentials"],
      token_endpoint_auth_method: "client_secret_basic",
    });
    expect(body.client_secret).not.toBe(client.secret);

    await expectOAuthError(await clientCredentials(server.id, client, "orders:read"), 401, "invalid_client", CLIENT_AUTH_FAILED, {
      wwwAuthenticate: BASIC_CHALLENGE,
    });
    const fresh = await tokenBody(await clientCredentials(server.id, { clientId: client.clientId, secret: body.client_secret }, "orders:read"));
    expect(fresh.token_type).toBe("Bearer");

    const row = await appRow(client.id);
    expect(row.secret_hash).toMatch(PBKDF2_HASH);
    expect(JSON.stringify(row)).not.toContain(body.client_secret);
    expect(JSON.stringify(row)).not.toContain(client.secret);
    expect(JSON.stringify(await (await get(client.id)).json())).not.toContain(body.client_secret);
  });

  it("needs an API token", async () => {
    const client = await createApp();
    await expectOktaError(await newSecret(client.clientId, "SSWS wrong-token-0123456789"), 401, "E0000011", "Invalid token provided");
    await expectOktaError(await newSecret(client.clientId, ""), 401, "E0000011", "Invalid token provided");
  });

  it("answers 404 E0000007 for an unknown client", async () => {
    await expectOktaError(await newSecret("no-such-client"), 404, "E0000007", "Not found: Resource not found: no-such-client (Client)");
  });

  it("refuses a client whose method has no secret", async () => {
    const jwk = { kty: "EC", crv: "P-256", x: "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", y: "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0" };
    const client = await createApp({ method: "private_key_jwt", jwks: { keys: [jwk] } });
    await expectOktaError(await newSecret(client.clientId), 400, "E0000001", "Api validation failed: Client", [
      "token_endpoint_auth_method: 'private_key_jwt' clients have no secret",
    ]);
  });
});
