import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN, admin, BASE, call } from "../support/admin";
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
import { apiPath, expectOktaError, links } from "../support/fixtures";
import { NOT_SUPPORTED } from "./body-errors";

const COLLECTION = `${BASE}/api/v1/apps`;
const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
/** Okta issues 64-character base62 client secrets. */
const GENERATED_SECRET = /^[0-9A-Za-z]{64}$/;
/** secrets.ts: pbkdf2-sha256$<iterations>$<base64url salt>$<base64url hash>. */
const PBKDF2_HASH = /^pbkdf2-sha256\$100000\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/;

const webApp = (label: string, extra: Json = {}) => ({
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

const post = (json: unknown) => admin("/apps", { method: "POST", json });
const put = (id: string, json: unknown) => admin(`/apps/${id}`, { method: "PUT", json });
const get = (id: string) => admin(`/apps/${id}`);
const appNotFound = (id: string) => [404, "E0000007", `Not found: Resource not found: ${id} (App)`] as const;

/** Okta's OpenIdConnectApplication as Mintgate answers for the web app above. */
function expectedWebApp(app: { id: string; clientId: string; label: string; status: "ACTIVE" | "INACTIVE" }) {
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

async function createWebApp(label = `web-${crypto.randomUUID()}`): Promise<Json> {
  const res = await post(webApp(label));
  expect(res.status).toBe(201);
  return res.json();
}

async function appRow(id: string): Promise<Record<string, unknown>> {
  const row = await env.DB.prepare("SELECT * FROM apps WHERE id = ?1").bind(id).first();
  expect(row).not.toBeNull();
  return row!;
}

describe("creating an OIDC app", () => {
  it("answers 201 with Okta's OpenIdConnectApplication and a generated client secret", async () => {
    const label = `web-${crypto.randomUUID()}`;
    const res = await post(webApp(label));
    expect(res.status).toBe(201);
    expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect(res.headers.get("X-Okta-Request-Id")).toBeTruthy();
    const body = (await res.json()) as Json;
    expect(body.id).toMatch(/^0oa[0-9A-Za-z]{17}$/);
    const expected = expectedWebApp({ id: body.id, clientId: body.id, label, status: "ACTIVE" });
    expect(body).toEqual({
      ...expected,
      credentials: {
        ...expected.credentials,
        oauthClient: { ...expected.credentials.oauthClient, client_secret: expect.stringMatching(GENERATED_SECRET) },
      },
    });
    expect(body.created).toBe(body.lastUpdated);
  });

  it("uses the app id as client_id unless the admin sets one", async () => {
    const clientId = `my-client-${crypto.randomUUID()}`;
    const res = await post({ ...appBody({ client_id: clientId }) });
    expect(res.status).toBe(201);
    const body = (await res.json()) as Json;
    expect(body.credentials.oauthClient.client_id).toBe(clientId);
    expect(body.id).not.toBe(clientId);
  });

  it("creates an INACTIVE app with ?activate=false", async () => {
    const res = await admin("/apps?activate=false", { method: "POST", json: webApp(`inactive-${crypto.randomUUID()}`) });
    expect(res.status).toBe(201);
    const body = (await res.json()) as Json;
    expect(body.status).toBe("INACTIVE");
    expect(body._links.activate).toEqual({ href: `${COLLECTION}/${body.id}/lifecycle/activate`, hints: { allow: ["POST"] } });
  });

  it("returns a client-set secret once and stores only its PBKDF2 hash", async () => {
    const secret = "client-chosen-secret-0123456789";
    const res = await post(appBody({ client_secret: secret }));
    expect(res.status).toBe(201);
    const body = (await res.json()) as Json;
    expect(body.credentials.oauthClient.client_secret).toBe(secret);
    const row = await appRow(body.id);
    expect(row.secret_hash).toMatch(PBKDF2_HASH);
    expect(row.secret_sealed).toBeNull();
    expect(JSON.stringify(row)).not.toContain(secret);
  });

  it("keeps a client_secret_jwt secret only sealed besides its hash, never in the clear", async () => {
    const res = await post(appBody({ method: "client_secret_jwt" }));
    expect(res.status).toBe(201);
    const body = (await res.json()) as Json;
    const secret: string = body.credentials.oauthClient.client_secret;
    expect(secret).toMatch(GENERATED_SECRET);
    const row = await appRow(body.id);
    expect(row.secret_hash).toMatch(PBKDF2_HASH);
    expect(row.secret_sealed).toEqual(expect.any(String));
    expect(JSON.stringify(row)).not.toContain(secret);
  });

  it("gives a private_key_jwt app no secret at all", async () => {
    const jwk = { kty: "EC", crv: "P-256", x: "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", y: "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0", kid: "k1" };
    const res = await post(appBody({ method: "private_key_jwt", jwks: { keys: [jwk] } }));
    expect(res.status).toBe(201);
    const body = (await res.json()) as Json;
    expect(body.credentials.oauthClient).not.toHaveProperty("client_secret");
    expect(body.settings.oauthClient.jwks).toEqual({ keys: [jwk] });
    const row = await appRow(body.id);
    expect(row.secret_hash).toBeNull();
    expect(row.secret_sealed).toBeNull();
  });
});

describe("reading apps", () => {
  it("returns the app without its secret", async () => {
    const created = await createWebApp();
    const secret = created.credentials.oauthClient.client_secret;
    const res = await get(created.id);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Json;
    expect(body).toEqual(expectedWebApp({ id: created.id, clientId: created.id, label: created.label, status: "ACTIVE" }));
    expect(JSON.stringify(body)).not.toContain(secret);
  });

  it("lists apps without their secrets", async () => {
    const created = await createWebApp();
    const res = await admin(`/apps?q=${encodeURIComponent(created.label)}`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain(created.credentials.oauthClient.client_secret);
    expect(JSON.parse(text)).toEqual([
      expectedWebApp({ id: created.id, clientId: created.id, label: created.label, status: "ACTIVE" }),
    ]);
  });

  it.each([
    ["GET", ""],
    ["PUT", ""],
    ["DELETE", ""],
    ["POST", "/lifecycle/activate"],
    ["POST", "/lifecycle/deactivate"],
  ])("answers %s /apps/{unknown}%s with 404 E0000007", async (method, suffix) => {
    const id = "0oaDoesNotExist00000";
    const res = await admin(`/apps/${id}${suffix}`, { method, ...(method === "PUT" ? { json: webApp("ghost") } : {}) });
    await expectOktaError(res, ...appNotFound(id));
  });
});

describe("listing apps", () => {
  const prefix = `list-${crypto.randomUUID()}`;
  let created: Json[] = [];
  const ensureCreated = async () => {
    // 21 apps: one more than the default page size. Sequential, so creation order is the list order.
    while (created.length < 21) {
      const app = await createApp({ label: `${prefix}-${String(created.length).padStart(2, "0")}`, method: "private_key_jwt", jwks: { keys: [{ kty: "EC", crv: "P-256", x: "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", y: "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0" }] } });
      created.push(app.app);
    }
    return created;
  };

  it("pages 20 apps at a time by default and links to the next page", async () => {
    const apps = await ensureCreated();
    const q = encodeURIComponent(prefix);
    const first = await admin(`/apps?q=${q}`);
    expect(first.status).toBe(200);
    expect(((await first.json()) as Json[]).map((a) => a.id)).toEqual(apps.slice(0, 20).map((a) => a.id));
    const l1 = links(first);
    expect(l1.self).toBe(`${COLLECTION}?q=${q}&limit=20`);
    expect(l1.next).toMatch(new RegExp(`^${COLLECTION.replace(/[.?/]/g, "\\$&")}\\?q=${q}&limit=20&after=[^&]+$`));

    const second = await admin(apiPath(l1.next!));
    expect(second.status).toBe(200);
    expect(((await second.json()) as Json[]).map((a) => a.id)).toEqual([apps[20]!.id]);
    expect(Object.keys(links(second))).toEqual(["self"]);
  });

  it("honours an explicit limit", async () => {
    const apps = await ensureCreated();
    const res = await admin(`/apps?q=${encodeURIComponent(prefix)}&limit=3`);
    expect(((await res.json()) as Json[]).map((a) => a.id)).toEqual(apps.slice(0, 3).map((a) => a.id));
    expect(Object.keys(links(res)).sort()).toEqual(["next", "self"]);
  });

  it("matches q only at the start of the label", async () => {
    await ensureCreated();
    const exact = await admin(`/apps?q=${encodeURIComponent(`${prefix}-07`)}`);
    expect(((await exact.json()) as Json[]).map((a) => a.label)).toEqual([`${prefix}-07`]);
    const middle = await admin(`/apps?q=${encodeURIComponent(prefix.slice(5))}`);
    expect(await middle.json()).toEqual([]);
  });

  it.each(["%", "_"])("treats the LIKE wildcard %j in q as a literal character", async (wildcard) => {
    await ensureCreated();
    const res = await admin(`/apps?q=${encodeURIComponent(`${prefix.slice(0, 5)}${wildcard}`)}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([]);
  });
});

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

describe("app validation", () => {
  const web = { application_type: "web", redirect_uris: ["https://app.example.com/cb"], grant_types: ["authorization_code"] };
  const body = (label: string, method: string, oauthSettings: Json, top: Json = {}) => ({
    name: "oidc_client",
    label,
    signOnMode: "OPENID_CONNECT",
    credentials: { oauthClient: { token_endpoint_auth_method: method } },
    settings: { oauthClient: oauthSettings },
    ...top,
  });

  describe.each<[string, (label: string) => Json, unknown[]]>([
    [
      "a service app with authorization_code",
      (l) => body(l, "client_secret_basic", { application_type: "service", redirect_uris: ["https://a.example/cb"], grant_types: ["client_credentials", "authorization_code"] }),
      ["settings.oauthClient.grant_types: 'authorization_code' is not allowed for application_type 'service'"],
    ],
    [
      "a browser app with a secret method",
      (l) => body(l, "client_secret_post", { ...web, application_type: "browser" }),
      ["credentials.oauthClient.token_endpoint_auth_method: browser applications are public clients and must use 'none'"],
    ],
    [
      "'none' on a web app",
      (l) => body(l, "none", web),
      ["credentials.oauthClient.token_endpoint_auth_method: 'none' is only for browser and native applications"],
    ],
    [
      "private_key_jwt without jwks",
      (l) => body(l, "private_key_jwt", { application_type: "service", grant_types: ["client_credentials"] }),
      ["settings.oauthClient.jwks: private_key_jwt needs the client's public keys"],
    ],
    [
      "a web app without redirect_uris",
      (l) => body(l, "client_secret_basic", { application_type: "web", grant_types: ["authorization_code"] }),
      ["settings.oauthClient.redirect_uris: required for the authorization_code and implicit grant types"],
    ],
    [
      "a redirect_uri with a fragment",
      (l) => body(l, "client_secret_basic", { ...web, redirect_uris: ["https://app.example.com/cb", "https://app.example.com/cb#frag"] }),
      ["settings.oauthClient.redirect_uris.1: must be an absolute URI without a fragment"],
    ],
    [
      "a relative redirect_uri",
      (l) => body(l, "client_secret_basic", { ...web, redirect_uris: ["/cb"] }),
      ["settings.oauthClient.redirect_uris.0: must be an absolute URI without a fragment"],
    ],
    [
      "an unknown grant type",
      (l) => body(l, "client_secret_basic", { application_type: "service", grant_types: ["client_credentials", "magic_grant"] }),
      [expect.stringMatching(/^settings\.oauthClient\.grant_types\.1: /)],
    ],
    [
      "no grant types",
      (l) => body(l, "client_secret_basic", { application_type: "service", grant_types: [] }),
      ["settings.oauthClient.grant_types: at least one grant type is required"],
    ],
    [
      "a missing label",
      (l) => {
        const { label: _label, ...rest } = body(l, "client_secret_basic", { application_type: "service", grant_types: ["client_credentials"] });
        return rest;
      },
      [expect.stringMatching(/^label: /)],
    ],
    [
      "a blank label",
      (l) => ({ ...body(l, "client_secret_basic", { application_type: "service", grant_types: ["client_credentials"] }), label: "   " }),
      ["label: The field cannot be left blank"],
    ],
    [
      "a name other than oidc_client",
      (l) => body(l, "client_secret_basic", { application_type: "service", grant_types: ["client_credentials"] }, { name: "bookmark" }),
      ['name: only "oidc_client" (OpenID Connect) applications are supported'],
    ],
    [
      "a signOnMode other than OPENID_CONNECT",
      (l) => body(l, "client_secret_basic", { application_type: "service", grant_types: ["client_credentials"] }, { signOnMode: "SAML_2_0" }),
      ['signOnMode: must be "OPENID_CONNECT"'],
    ],
    [
      "a client secret for a private_key_jwt client",
      (l) => ({
        ...body(l, "private_key_jwt", { application_type: "service", grant_types: ["client_credentials"], jwks: { keys: [{ kty: "RSA", n: "AQAB", e: "AQAB" }] } }),
        credentials: { oauthClient: { token_endpoint_auth_method: "private_key_jwt", client_secret: "a-secret-of-enough-length" } },
      }),
      ["credentials.oauthClient.client_secret: 'private_key_jwt' clients have no secret"],
    ],
    [
      "a private JWK in jwks",
      (l) => body(l, "private_key_jwt", { application_type: "service", grant_types: ["client_credentials"], jwks: { keys: [{ kty: "RSA", n: "AQAB", e: "AQAB", d: "AQAB" }] } }),
      ["settings.oauthClient.jwks.keys.0: must be a public key (no private members)"],
    ],
  ])("with %s", (_, build, causes) => {
    it("answers 400 E0000001 with a cause naming the field, and creates nothing", async () => {
      const label = `invalid-${crypto.randomUUID()}`;
      const res = await post(build(label));
      expect(res.headers.get("X-Okta-Request-Id")).toBeTruthy();
      await expectOktaError(res, 400, "E0000001", "Api validation failed: App", causes);
      expect(await (await admin(`/apps?q=${label}`)).json()).toEqual([]);
    });
  });

  it("refuses a client_id that is already in use", async () => {
    const clientId = `dup-${crypto.randomUUID()}`;
    await createApp({ client_id: clientId });
    const label = `dup-${crypto.randomUUID()}`;
    const res = await post(appBody({ client_id: clientId, label }));
    await expectOktaError(res, 400, "E0000001", "Api validation failed: App", ["credentials.oauthClient.client_id: is already in use"]);
    expect(await (await admin(`/apps?q=${label}`)).json()).toEqual([]);
  });

  it("refuses a body that is not JSON", async () => {
    const res = await admin("/apps", { method: "POST", headers: { "Content-Type": "text/plain" }, body: "{}" });
    await expectOktaError(res, 400, ...NOT_SUPPORTED, ['Content-Type: expected application/json, got "text/plain"']);
  });

  it("refuses requests without an API token", async () => {
    await expectOktaError(await call("/api/v1/apps", { method: "POST", json: appBody() }), 401, "E0000011", "Invalid token provided");
  });
});

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
