import { ADMIN_SCOPES } from "../../src/tokens/route-scopes";
import { describe, expect, it } from "vitest";
import { ACCESS_TOKEN_CLAIMS, OIDC_CLAIMS, SERVED_ENDPOINTS } from "../../src/oauth/endpoints/served";
import { admin, BASE, call, createServer } from "../support/admin";
import { expectOktaError, requestWith, serverNotFound } from "../support/fixtures";

/** Every endpoint field of Okta's OAuthMetadata / OidcMetadata (REFERENCE.md section 6). */
const OKTA_ENDPOINT_FIELDS = [
  "authorization_endpoint",
  "token_endpoint",
  "userinfo_endpoint",
  "registration_endpoint",
  "jwks_uri",
  "introspection_endpoint",
  "revocation_endpoint",
  "end_session_endpoint",
  "device_authorization_endpoint",
  "pushed_authorization_request_endpoint",
  "backchannel_authentication_endpoint",
] as const;

/** The org server: the standard OIDC scopes and every admin API scope (Okta's okta.* scopes). */
const ORG_SCOPES = ["openid", "profile", "email", "address", "phone", "offline_access", "groups", ...ADMIN_SCOPES];

/** Okta's reserved scopes, present on every custom authorization server. */
const SYSTEM_SCOPES = ["openid", "profile", "email", "address", "phone", "offline_access", "device_sso"];

async function document(res: Response): Promise<Record<string, any>> {
  expect(res.status).toBe(200);
  expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
  expect(res.headers.get("Cache-Control")).toMatch(/^public, max-age=\d+$/);
  return res.json();
}

const endpointFields = (doc: Record<string, any>) => Object.keys(doc).filter((k) => k.endsWith("_endpoint") || k.endsWith("_uri"));

/**
 * Only served endpoints are listed: every endpoint field is one of SERVED_ENDPOINTS at {endpointBase}/{path}, and
 * no Okta endpoint field outside SERVED_ENDPOINTS appears. `required` must all be there.
 */
function expectOnlyServedEndpoints(doc: Record<string, any>, endpointBase: string, required: string[]): void {
  const served: Record<string, string> = SERVED_ENDPOINTS;
  // Okta: dynamic client registration is the org server's, whichever server's document names it.
  expect(doc.registration_endpoint).toBe(`${BASE}/oauth2/v1/clients`);
  for (const field of endpointFields(doc).filter((f) => f !== "registration_endpoint")) {
    expect(Object.keys(served)).toContain(field);
    expect(doc[field]).toBe(`${endpointBase}/${served[field]}`);
  }
  for (const field of OKTA_ENDPOINT_FIELDS) {
    if (!(field in served) && field !== "registration_endpoint") expect(doc).not.toHaveProperty(field);
  }
  for (const field of required) expect(doc[field]).toBe(`${endpointBase}/${served[field]}`);
}

/**
 * Every advertised endpoint has a route: a GET or a POST to it gets an answer other than 404 (an empty POST
 * may well be a 400 or 401; that still shows the endpoint exists).
 */
async function expectAdvertisedEndpointsRespond(doc: Record<string, any>): Promise<void> {
  const missing: string[] = [];
  for (const field of endpointFields(doc)) {
    const path = new URL(doc[field]).pathname;
    const statuses = await Promise.all([
      call(path).then((r) => r.status),
      call(path, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "" }).then((r) => r.status),
    ]);
    if (statuses.every((s) => s === 404)) missing.push(`${field}: ${doc[field]}`);
  }
  expect(missing).toEqual([]);
}

describe("the org authorization server's discovery documents", () => {
  it("serves /.well-known/openid-configuration with issuer = the org URL", async () => {
    const doc = await document(await call("/.well-known/openid-configuration"));
    expect(doc).toMatchObject({
      issuer: BASE,
      jwks_uri: `${BASE}/oauth2/v1/keys`,
      subject_types_supported: ["public"],
      scopes_supported: ORG_SCOPES,
    });
    expectOnlyServedEndpoints(doc, `${BASE}/oauth2/v1`, ["authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri", "introspection_endpoint", "revocation_endpoint", "end_session_endpoint"]);
  });

  it.each(["openid-configuration", "oauth-authorization-server"])("advertises in /.well-known/%s only endpoints that exist", async (kind) => {
    await expectAdvertisedEndpointsRespond(await document(await call(`/.well-known/${kind}`)));
  });

  it("serves /.well-known/oauth-authorization-server with issuer = the org URL and no ID-token fields", async () => {
    const doc = await document(await call("/.well-known/oauth-authorization-server"));
    expect(doc).toMatchObject({
      issuer: BASE,
      jwks_uri: `${BASE}/oauth2/v1/keys`,
      subject_types_supported: ["public"],
      scopes_supported: ORG_SCOPES,
    });
    expect(doc).not.toHaveProperty("id_token_signing_alg_values_supported");
    expect(doc).not.toHaveProperty("userinfo_endpoint");
    expectOnlyServedEndpoints(doc, `${BASE}/oauth2/v1`, ["authorization_endpoint", "token_endpoint", "jwks_uri", "introspection_endpoint", "revocation_endpoint", "end_session_endpoint"]);
  });

  it("takes the org URL from the host the request came to when ORG_URL is not configured", async () => {
    const doc = await document(await requestWith({}, "http://elsewhere.test/.well-known/openid-configuration"));
    expect(doc.issuer).toBe("http://elsewhere.test");
    expect(doc.jwks_uri).toBe("http://elsewhere.test/oauth2/v1/keys");
  });

  it("uses ORG_URL, not the request's host, when it is configured", async () => {
    const doc = await document(await requestWith({ ORG_URL: "https://org.example.com/" }, "http://elsewhere.test/.well-known/openid-configuration"));
    expect(doc.issuer).toBe("https://org.example.com");
    expect(doc.jwks_uri).toBe("https://org.example.com/oauth2/v1/keys");
  });
});

describe.each([
  ["the default server", async () => "default"],
  ["a created server", async () => (await createServer()).id],
])("discovery for %s", (_, serverId) => {
  describe.each([
    ["openid-configuration", "/oauth2/{id}/.well-known/openid-configuration", (id: string) => `/oauth2/${id}/.well-known/openid-configuration`],
    ["oauth-authorization-server", "/oauth2/{id}/.well-known/oauth-authorization-server", (id: string) => `/oauth2/${id}/.well-known/oauth-authorization-server`],
    // RFC 8414 section 3.1: the well-known suffix inserted between the host and the issuer's path.
    ["oauth-authorization-server", "/.well-known/oauth-authorization-server/oauth2/{id}", (id: string) => `/.well-known/oauth-authorization-server/oauth2/${id}`],
  ])("%s at %s", (kind, _label, path) => {
    it("names the server's issuer, its JWKS under {issuer}/v1/keys, and only served endpoints", async () => {
      const id = await serverId();
      const issuer = `${BASE}/oauth2/${id}`;
      const doc = await document(await call(path(id)));
      const oidc = kind === "openid-configuration";
      expect(doc).toMatchObject({
        issuer,
        jwks_uri: `${issuer}/v1/keys`,
        subject_types_supported: ["public"],
        claims_supported: oidc ? [...OIDC_CLAIMS] : [...ACCESS_TOKEN_CLAIMS],
      });
      // Order in scopes_supported carries no meaning.
      expect([...doc.scopes_supported].sort()).toEqual([...SYSTEM_SCOPES].sort());
      if (oidc) {
        expect(doc.id_token_signing_alg_values_supported).toEqual(["RS256"]);
        // A custom server serves every endpoint there is; its OpenID document lists them all.
        expectOnlyServedEndpoints(doc, `${issuer}/v1`, Object.keys(SERVED_ENDPOINTS));
      } else {
        // Okta's oauth-authorization-server document has no ID-token or userinfo fields.
        expect(doc).not.toHaveProperty("id_token_signing_alg_values_supported");
        expect(doc).not.toHaveProperty("userinfo_endpoint");
        expectOnlyServedEndpoints(doc, `${issuer}/v1`, ["jwks_uri"]);
      }
    });

    it("advertises only endpoints that exist", async () => {
      await expectAdvertisedEndpointsRespond(await document(await call(path(await serverId()))));
    });
  });
});

describe("RFC 8414 path-insert form", () => {
  it("serves the same document as the issuer-relative oauth-authorization-server", async () => {
    const s = await createServer();
    const inserted = await document(await call(`/.well-known/oauth-authorization-server/oauth2/${s.id}`));
    const relative = await document(await call(`/oauth2/${s.id}/.well-known/oauth-authorization-server`));
    expect(inserted).toEqual(relative);
  });

  it("matches the admin API's _links.metadata and issuer", async () => {
    const s = await createServer();
    for (const m of s._links.metadata as { name: string; href: string }[]) {
      const doc = await document(await call(new URL(m.href).pathname));
      expect(doc.issuer).toBe(s.issuer);
    }
  });
});

describe("the issuer follows issuerMode", () => {
  // ORG_URL is configured so that the org URL and the request's host differ.
  const ORG = { ORG_URL: "http://mintgate.test" };
  const OTHER = "http://other-host.test";

  it("ORG_URL: the org URL, whatever host the request came to", async () => {
    const s = await createServer({ issuerMode: "ORG_URL" });
    const doc = await document(await requestWith(ORG, `${OTHER}/oauth2/${s.id}/.well-known/openid-configuration`));
    expect(doc.issuer).toBe(`${BASE}/oauth2/${s.id}`);
    expect(doc.jwks_uri).toBe(`${BASE}/oauth2/${s.id}/v1/keys`);
  });

  it("DYNAMIC: the host the request came to", async () => {
    const s = await createServer({ issuerMode: "DYNAMIC" });
    const doc = await document(await requestWith(ORG, `${OTHER}/oauth2/${s.id}/.well-known/openid-configuration`));
    expect(doc.issuer).toBe(`${OTHER}/oauth2/${s.id}`);
    expect(doc.jwks_uri).toBe(`${OTHER}/oauth2/${s.id}/v1/keys`);
    const viaOrg = await document(await requestWith(ORG, `${BASE}/oauth2/${s.id}/.well-known/oauth-authorization-server`));
    expect(viaOrg.issuer).toBe(`${BASE}/oauth2/${s.id}`);
  });

  it("DYNAMIC: the admin API reports the issuer for the host it was asked on", async () => {
    const s = await createServer({ issuerMode: "DYNAMIC" });
    const res = await requestWith(ORG, `${OTHER}/api/v1/authorizationServers/${s.id}`, {
      headers: { Authorization: "SSWS test-admin-token-0123456789" },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).issuer).toBe(`${OTHER}/oauth2/${s.id}`);
  });

  it("CUSTOM_URL: the custom domain, when one is configured", async () => {
    const custom = { ...ORG, CUSTOM_DOMAIN_URL: "https://id.example.com" };
    const res = await requestWith(custom, `${BASE}/api/v1/authorizationServers`, {
      method: "POST",
      headers: { Authorization: "SSWS test-admin-token-0123456789", "Content-Type": "application/json" },
      body: JSON.stringify({ name: "Custom domain", audiences: ["api://custom"], issuerMode: "CUSTOM_URL" }),
    });
    expect(res.status).toBe(201);
    const s = (await res.json()) as Record<string, any>;
    expect(s.issuerMode).toBe("CUSTOM_URL");
    expect(s.issuer).toBe(`https://id.example.com/oauth2/${s.id}`);
    const doc = await document(await requestWith(custom, `${OTHER}/oauth2/${s.id}/.well-known/openid-configuration`));
    expect(doc.issuer).toBe(`https://id.example.com/oauth2/${s.id}`);
    expect(doc.jwks_uri).toBe(`https://id.example.com/oauth2/${s.id}/v1/keys`);
  });

  it("follows a change of issuerMode made through the admin API", async () => {
    const s = await createServer();
    const path = `/oauth2/${s.id}/.well-known/openid-configuration`;
    expect((await document(await requestWith(ORG, `${OTHER}${path}`))).issuer).toBe(`${BASE}/oauth2/${s.id}`);
    const put = await admin(`/authorizationServers/${s.id}`, {
      method: "PUT",
      json: { name: s.name, audiences: s.audiences, issuerMode: "DYNAMIC" },
    });
    expect(put.status).toBe(200);
    expect((await document(await requestWith(ORG, `${OTHER}${path}`))).issuer).toBe(`${OTHER}/oauth2/${s.id}`);
  });
});

describe.each([
  ["openid-configuration", (id: string) => `/oauth2/${id}/.well-known/openid-configuration`],
  ["oauth-authorization-server", (id: string) => `/oauth2/${id}/.well-known/oauth-authorization-server`],
  ["RFC 8414 path-insert", (id: string) => `/.well-known/oauth-authorization-server/oauth2/${id}`],
])("%s for a server that cannot be used", (_, path) => {
  it("answers an unknown server with 404 E0000007", async () => {
    const id = "ausNoSuchServer00001";
    await expectOktaError(await call(path(id)), 404, ...serverNotFound(id));
  });

  it("answers an INACTIVE server with 404 E0000007, and serves it again once activated", async () => {
    const s = await createServer();
    expect((await call(path(s.id))).status).toBe(200);
    expect((await admin(`/authorizationServers/${s.id}/lifecycle/deactivate`, { method: "POST" })).status).toBe(204);
    await expectOktaError(await call(path(s.id)), 404, ...serverNotFound(s.id));
    expect((await admin(`/authorizationServers/${s.id}/lifecycle/activate`, { method: "POST" })).status).toBe(204);
    expect((await call(path(s.id))).status).toBe(200);
  });

  it("answers a deleted server with 404 E0000007", async () => {
    const s = await createServer();
    expect((await call(path(s.id))).status).toBe(200);
    expect((await admin(`/authorizationServers/${s.id}`, { method: "DELETE" })).status).toBe(204);
    await expectOktaError(await call(path(s.id)), 404, ...serverNotFound(s.id));
  });
});
