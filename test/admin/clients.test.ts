import { beforeAll, describe, expect, it } from "vitest";
import { admin, ADMIN_TOKEN, BASE, call } from "../support/admin";
import { basicAuth, clientKeyPair, expectOAuthError, mintToken, readyServer, type Json } from "../support/clients";
import { expectOktaError } from "../support/fixtures";
import { orgToken, serviceApp } from "../support/org";

const SSWS = { Authorization: `SSWS ${ADMIN_TOKEN}` };

function dcr(path: string, init: RequestInit & { json?: unknown } = {}, auth: Record<string, string> = SSWS): Promise<Response> {
  return call(`/oauth2/v1/clients${path}`, { ...init, headers: { ...auth, ...(init.headers as Record<string, string>) } });
}

const webClient = (extra: Json = {}) => ({ client_name: `dcr-${crypto.randomUUID()}`, redirect_uris: ["https://app.example/callback"], ...extra });

async function register(body: Json): Promise<Json> {
  const res = await dcr("", { method: "POST", json: body });
  const json = (await res.json()) as Json;
  expect(res.status, JSON.stringify(json)).toBe(201);
  return json;
}

describe("POST /oauth2/v1/clients (Okta DCR, RFC 7591)", () => {
  it("creates a client in Okta's Client shape with its secret, Okta's DCR defaults and no-store", async () => {
    const body = webClient();
    const res = await dcr("", { method: "POST", json: body });
    expect(res.status).toBe(201);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    const client = (await res.json()) as Json;
    expect(client).toEqual({
      client_id: expect.stringMatching(/^0oa[A-Za-z0-9]{17}$/),
      client_id_issued_at: expect.any(Number),
      client_name: body.client_name,
      client_secret: expect.stringMatching(/^[\x21-\x7e]{40,}$/),
      client_secret_expires_at: 0,
      application_type: "web",
      redirect_uris: body.redirect_uris,
      post_logout_redirect_uris: [],
      response_types: ["code"],
      grant_types: ["authorization_code"],
      token_endpoint_auth_method: "client_secret_basic",
    });
  });

  it("is the same object the apps API manages (consent REQUIRED, as Okta's DCR default)", async () => {
    const client = await register(webClient({ logo_uri: "https://app.example/logo.png" }));
    const app = (await (await admin(`/apps/${client.client_id}`)).json()) as Json;
    expect(app).toMatchObject({
      id: client.client_id,
      label: client.client_name,
      status: "ACTIVE",
      credentials: { oauthClient: { client_id: client.client_id, token_endpoint_auth_method: "client_secret_basic" } },
      settings: { oauthClient: { application_type: "web", redirect_uris: client.redirect_uris, consent_method: "REQUIRED", logo_uri: "https://app.example/logo.png" } },
    });
    expect((await (await dcr(`/${client.client_id}`)).json()) as Json).toMatchObject({ logo_uri: "https://app.example/logo.png" });
  });

  it("registers a service client whose credentials work at the token endpoint", async () => {
    const server = await readyServer();
    const client = await register({ client_name: "svc", application_type: "service", grant_types: ["client_credentials"], response_types: ["token"] });
    expect(await mintToken(server.id, { clientId: client.client_id, secret: client.client_secret }, "orders:read")).toBeTruthy();
  });

  it("takes PAR and DPoP settings (require_pushed_authorization_requests, dpop_bound_access_tokens)", async () => {
    const client = await register(webClient({ require_pushed_authorization_requests: true, dpop_bound_access_tokens: true }));
    expect(client).toMatchObject({ require_pushed_authorization_requests: true, dpop_bound_access_tokens: true });
    const app = (await (await admin(`/apps/${client.client_id}`)).json()) as Json;
    expect(app.settings.oauthClient).toMatchObject({ require_pushed_authorization_requests: true, dpop_bound_access_tokens: true });
  });

  it("registers a private_key_jwt client with its keys and no secret", async () => {
    const { publicJwk } = await clientKeyPair("ES256");
    const client = await register(webClient({ token_endpoint_auth_method: "private_key_jwt", jwks: { keys: [publicJwk] } }));
    expect(client).not.toHaveProperty("client_secret");
    expect(client.jwks).toEqual({ keys: [publicJwk] });
  });

  const refused: Array<[string, Json, string, string]> = [
    ["no client_name (Okta's wording)", { redirect_uris: ["https://app.example/cb"] }, "invalid_client_metadata", "`client_name`: The field can't be left blank."],
    ["a blank client_name", { client_name: "  ", redirect_uris: ["https://app.example/cb"] }, "invalid_client_metadata", "`client_name`: The field can't be left blank."],
    ["a relative redirect URI", webClient({ redirect_uris: ["/cb"] }), "invalid_redirect_uri", "`redirect_uris`: must be an absolute URI without a fragment"],
    ["a redirect URI with a fragment", webClient({ redirect_uris: ["https://app.example/cb#x"] }), "invalid_redirect_uri", "`redirect_uris`: must be an absolute URI without a fragment"],
    ["no redirect URI for the code flow", { client_name: "x" }, "invalid_redirect_uri", "`redirect_uris`: required for the authorization_code and implicit grant types"],
    ["an unknown auth method", webClient({ token_endpoint_auth_method: "tls_client_auth" }), "invalid_client_metadata", expect.stringMatching(/^`token_endpoint_auth_method`: /) as never],
    ["a grant type its application type may not use", webClient({ application_type: "browser", token_endpoint_auth_method: "none", grant_types: ["authorization_code", "client_credentials"] }), "invalid_client_metadata", "`grant_types`: 'client_credentials' is not allowed for application_type 'browser'"],
    ["private_key_jwt without keys", webClient({ token_endpoint_auth_method: "private_key_jwt" }), "invalid_client_metadata", "`jwks`: private_key_jwt needs the client's public keys"],
  ];
  it.each(refused)("refuses %s", async (_, body, error, description) => {
    await expectOAuthError(await dcr("", { method: "POST", json: body }), 400, error, description);
  });

  it("refuses a body that is not JSON", async () => {
    const res = await dcr("", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{" });
    await expectOAuthError(res, 400, "invalid_client_metadata", "The request body was not well-formed.");
  });
});

describe("reading, listing, replacing and deleting (RFC 7592)", () => {
  let client: Json;
  beforeAll(async () => {
    client = await register(webClient());
  });

  it("reads a client without its secret", async () => {
    const res = await dcr(`/${client.client_id}`);
    expect(res.status).toBe(200);
    const { client_secret: _secret, ...rest } = client;
    expect(await res.json()).toEqual(rest);
  });

  it("answers Okta's 404 for an unknown client", async () => {
    await expectOktaError(await dcr("/0oanosuchclient00000"), 404, "E0000007", "Not found: Resource not found: 0oanosuchclient00000 (Client)");
  });

  it("lists clients with Okta's paging links", async () => {
    const res = await dcr("?limit=1");
    expect(res.status).toBe(200);
    expect(((await res.json()) as Json[]).length).toBe(1);
    expect(res.headers.get("Link")).toContain(`<${BASE}/oauth2/v1/clients?limit=1>; rel="self"`);
    expect(res.headers.get("Link")).toContain('rel="next"');
  });

  it("replaces the whole client, keeping its secret when none is sent", async () => {
    const replaced = webClient({ client_name: "renamed", redirect_uris: ["https://app.example/other"], grant_types: ["authorization_code", "refresh_token"] });
    const res = await dcr(`/${client.client_id}`, { method: "PUT", json: replaced });
    const body = (await res.json()) as Json;
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({ client_id: client.client_id, client_name: "renamed", redirect_uris: ["https://app.example/other"], grant_types: ["authorization_code", "refresh_token"] });
    expect(body).not.toHaveProperty("client_secret");
    const server = await readyServer();
    const intro = await call(`/oauth2/${server.id}/v1/introspect`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", Authorization: basicAuth(client.client_id, client.client_secret) }, body: "token=x" });
    expect(intro.status).toBe(200);
  });

  it("refuses to change the client_id on replace", async () => {
    await expectOAuthError(await dcr(`/${client.client_id}`, { method: "PUT", json: webClient({ client_id: "0oaother" }) }), 400, "invalid_client_metadata", "`client_id`: The client_id cannot be changed.");
  });

  it("deletes an active client at once, and its tokens die with it", async () => {
    const server = await readyServer();
    const svc = await register({ client_name: "doomed", application_type: "service", grant_types: ["client_credentials"], response_types: ["token"] });
    const creds = { clientId: svc.client_id, secret: svc.client_secret };
    const token = await mintToken(server.id, creds, "orders:read");
    const res = await dcr(`/${svc.client_id}`, { method: "DELETE" });
    expect(res.status).toBe(204);
    expect((await dcr(`/${svc.client_id}`)).status).toBe(404);
    expect((await admin(`/apps/${svc.client_id}`)).status).toBe(404);
    const other = await register({ client_name: "asker", application_type: "service", grant_types: ["client_credentials"], response_types: ["token"] });
    const intro = await call(`/oauth2/${server.id}/v1/introspect`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", Authorization: basicAuth(other.client_id, other.client_secret) }, body: new URLSearchParams({ token }).toString() });
    expect(await intro.json()).toEqual({ active: false });
  });
});

describe("who may register", () => {
  it("refuses a request without the admin token: Okta's 401 E0000011", async () => {
    await expectOktaError(await dcr("", { method: "POST", json: webClient() }, {}), 401, "E0000011", "Invalid token provided");
    await expectOktaError(await dcr("", {}, {}), 401, "E0000011", "Invalid token provided");
  });

  it("accepts an org access token with okta.clients.manage, and refuses one with only okta.clients.read for writes", async () => {
    const manager = await serviceApp(["okta.clients.manage", "okta.clients.read"]);
    const manage = await orgToken(manager, "okta.clients.manage");
    const res = await dcr("", { method: "POST", json: webClient() }, { Authorization: `Bearer ${manage}` });
    expect(res.status).toBe(201);
    const read = await orgToken(manager, "okta.clients.read");
    expect((await dcr("", {}, { Authorization: `Bearer ${read}` })).status).toBe(200);
    expect((await dcr("", { method: "POST", json: webClient() }, { Authorization: `Bearer ${read}` })).status).toBe(403);
  });
});

describe("discovery", () => {
  it.each(["/.well-known/openid-configuration", "/oauth2/default/.well-known/openid-configuration"])("names the org's registration_endpoint at %s", async (path) => {
    const doc = (await (await call(path)).json()) as Json;
    expect(doc.registration_endpoint).toBe(`${BASE}/oauth2/v1/clients`);
  });
});
