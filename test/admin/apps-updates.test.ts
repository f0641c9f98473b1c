import { describe, expect, it } from "vitest";
import { admin } from "../support/admin";
import {
  appBody,
  appLifecycle,
  CLIENT_AUTH_FAILED,
  BASIC_CHALLENGE,
  clientCredentials,
  createApp,
  expectOAuthError,
  readyServer,
  tokenBody,
  type Json,
} from "../support/clients";
import { expectOktaError } from "../support/fixtures";
import { webApp, put, get, appNotFound, expectedWebApp, createWebApp } from "./app-fixtures";

describe("replacing an app", () => {
  it("keeps the secret when the body sets none, and the client keeps working", async () => {
    const server = await readyServer();
    const client = await createApp();
    const res = await put(client.id, appBody({ label: "renamed service" }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as Json;
    expect(body.label).toBe("renamed service");
    expect(body.credentials.oauthClient).not.toHaveProperty("client_secret");
    expect(body.credentials.oauthClient.client_id).toBe(client.clientId);
    await tokenBody(await clientCredentials(server.id, client, "orders:read"));
  });

  it("answers GET with what the replace stored", async () => {
    const created = await createWebApp();
    const replaced = webApp("replaced label", { redirect_uris: ["https://other.example.com/cb"] });
    const res = await put(created.id, replaced);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Json;
    expect(await (await get(created.id)).json()).toEqual(body);
    expect(body.settings.oauthClient.redirect_uris).toEqual(["https://other.example.com/cb"]);
    expect(body.created).toBe(created.created);
  });

  it("accepts the unchanged client_id in the body", async () => {
    const client = await createApp();
    const res = await put(client.id, appBody({ client_id: client.clientId }));
    expect(res.status).toBe(200);
  });

  it("refuses to change the client_id", async () => {
    const client = await createApp();
    const res = await put(client.id, appBody({ client_id: `changed-${crypto.randomUUID()}` }));
    await expectOktaError(res, 400, "E0000001", "Api validation failed: App", ["credentials.oauthClient.client_id: cannot be changed"]);
    expect(((await (await get(client.id)).json()) as Json).credentials.oauthClient.client_id).toBe(client.clientId);
  });

  it("validates the body like a create", async () => {
    const client = await createApp();
    const res = await put(client.id, appBody({ application_type: "service", grant_types: ["authorization_code"], redirect_uris: ["https://a.example/cb"] }));
    await expectOktaError(res, 400, "E0000001", "Api validation failed: App", [
      "settings.oauthClient.grant_types: 'authorization_code' is not allowed for application_type 'service'",
    ]);
  });
});

describe("app lifecycle", () => {
  it("deactivates and activates with 200 {}", async () => {
    const created = await createWebApp();
    const deactivated = await appLifecycle(created.id, "deactivate");
    expect(deactivated.status).toBe(200);
    expect(await deactivated.json()).toEqual({});
    expect(await (await get(created.id)).json()).toEqual(
      expectedWebApp({ id: created.id, clientId: created.id, label: created.label, status: "INACTIVE" }),
    );

    const activated = await appLifecycle(created.id, "activate");
    expect(activated.status).toBe(200);
    expect(await activated.json()).toEqual({});
    expect(((await (await get(created.id)).json()) as Json).status).toBe("ACTIVE");
  });

  it("refuses to delete an ACTIVE app with 403 E0000056, then deletes it once INACTIVE", async () => {
    const created = await createWebApp();
    const refused = await admin(`/apps/${created.id}`, { method: "DELETE" });
    await expectOktaError(refused, 403, "E0000056", "Delete application forbidden.", ["Deactivate the application before deleting it."]);
    expect((await get(created.id)).status).toBe(200);

    expect((await appLifecycle(created.id, "deactivate")).status).toBe(200);
    const deleted = await admin(`/apps/${created.id}`, { method: "DELETE" });
    expect(deleted.status).toBe(204);
    expect(await deleted.text()).toBe("");
    await expectOktaError(await get(created.id), ...appNotFound(created.id));
    await expectOktaError(await admin(`/apps/${created.id}`, { method: "DELETE" }), ...appNotFound(created.id));
  });

  it("stops a deleted client from getting tokens", async () => {
    const server = await readyServer();
    const client = await createApp();
    await tokenBody(await clientCredentials(server.id, client, "orders:read"));
    await appLifecycle(client.id, "deactivate");
    expect((await admin(`/apps/${client.id}`, { method: "DELETE" })).status).toBe(204);
    await expectOAuthError(await clientCredentials(server.id, client, "orders:read"), 401, "invalid_client", CLIENT_AUTH_FAILED, {
      wwwAuthenticate: BASIC_CHALLENGE,
    });
  });
});
