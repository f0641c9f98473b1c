import { describe, expect, it } from "vitest";
import { admin } from "../support/admin";
import { appBody, clientAssertion, endpointUrl, assertionParams, oauthPost, readyServer } from "../support/clients";
import { expectOktaError } from "../support/fixtures";

/** Security finding 4: a client_secret_jwt secret is an HS256 key, so at least 256 bits (RFC 7518 3.2). */

const body = (client_secret?: string) => appBody({ method: "client_secret_jwt", ...(client_secret ? { client_secret } : {}) });

describe("client_secret_jwt secrets", () => {
  it("refuses an admin-chosen secret shorter than 32 characters, naming the field", async () => {
    await expectOktaError(await admin("/apps", { method: "POST", json: body("fourteen-chars") }), 400, "E0000001", "Api validation failed: App", [
      "credentials.oauthClient.client_secret: client_secret_jwt needs a secret of at least 32 characters (RFC 7518 3.2); leave it out to have one generated",
    ]);
  });

  it("accepts a 32-character secret, and the same short secret for client_secret_basic", async () => {
    expect((await admin("/apps", { method: "POST", json: body("a".repeat(16) + "B".repeat(16)) })).status).toBe(201);
    expect((await admin("/apps", { method: "POST", json: appBody({ client_secret: "fourteen-chars" }) })).status).toBe(201);
  });

  it("generates a 64-character secret when none is given, and assertions signed with it are accepted", async () => {
    const server = await readyServer();
    const res = await admin("/apps", { method: "POST", json: body() });
    const app = (await res.json()) as Record<string, any>;
    const { client_id, client_secret } = app.credentials.oauthClient;
    expect(client_secret).toMatch(/^[0-9A-Za-z]{64}$/);
    const assertion = await clientAssertion(client_secret, { clientId: client_id, aud: endpointUrl(server.id, "token"), alg: "HS256" });
    const token = await oauthPost(server.id, "token", { grant_type: "client_credentials", scope: "orders:read", ...assertionParams(assertion) });
    expect(token.status).toBe(200);
  });
});
