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
