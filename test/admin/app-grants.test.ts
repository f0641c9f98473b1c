import { beforeAll, describe, expect, it } from "vitest";
import { admin, BASE } from "../support/admin";
import { expectOAuthError, type Json } from "../support/clients";
import { expectOktaError } from "../support/fixtures";
import { grantScope, grantScopes, orgClientCredentials, serviceApp, type ServiceApp } from "../support/org";
import { GRANT_VALIDATION } from "./admin-oauth-fixtures";

describe("the grants API (/api/v1/apps/{appId}/grants)", () => {
  let app: ServiceApp;

  beforeAll(async () => {
    app = await serviceApp();
  });

  it("grants an okta.* scope and answers with an OAuth2ScopeConsentGrant", async () => {
    const res = await grantScope(app.id, "okta.groups.read");
    const grant = (await res.json()) as Json;
    expect(res.status).toBe(201);
    const self = `${BASE}/api/v1/apps/${app.id}`;
    expect(grant).toEqual({
      id: expect.stringMatching(/^oag[0-9A-Za-z]{17}$/),
      status: "ACTIVE",
      created: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      lastUpdated: grant.created,
      issuer: BASE,
      clientId: app.clientId,
      scopeId: "okta.groups.read",
      source: "ADMIN",
      _links: {
        app: { href: self, hints: { allow: ["GET"] } },
        self: { href: `${self}/grants/${grant.id}`, hints: { allow: ["GET", "DELETE"] } },
        client: { href: `${BASE}/oauth2/v1/clients/${app.clientId}`, hints: { allow: ["GET"] } },
      },
    });

    const one = await admin(`/apps/${app.id}/grants/${grant.id}`);
    expect(one.status).toBe(200);
    expect(await one.json()).toEqual(grant);
    const list = await admin(`/apps/${app.id}/grants`);
    expect(list.status).toBe(200);
    expect(await list.json()).toContainEqual(grant);
    // The grant is what lets the app get the scope from the org server.
    expect((await orgClientCredentials(app, "okta.groups.read")).status).toBe(200);
  });

  it("revokes a grant with DELETE (204): the app can no longer get the scope", async () => {
    const [grant] = await grantScopes(app.id, ["okta.trustedOrigins.read"]);
    expect((await orgClientCredentials(app, "okta.trustedOrigins.read")).status).toBe(200);
    const res = await admin(`/apps/${app.id}/grants/${grant!.id}`, { method: "DELETE" });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    await expectOktaError(await admin(`/apps/${app.id}/grants/${grant!.id}`), 404, "E0000007", `Not found: Resource not found: ${grant!.id} (OAuth2ScopeConsentGrant)`);
    expect(((await (await admin(`/apps/${app.id}/grants`)).json()) as Json[]).map((g) => g.id)).not.toContain(grant!.id);
    await expectOAuthError(
      await orgClientCredentials(app, "okta.trustedOrigins.read"),
      400,
      "invalid_scope",
      "The following scopes are not granted to the client application: [okta.trustedOrigins.read].",
    );
  });

  it("accepts the org issuer with a trailing slash", async () => {
    const res = await grantScope(app.id, "okta.logs.read", `${BASE}/`);
    expect(res.status).toBe(201);
    expect(((await res.json()) as Json).issuer).toBe(BASE);
  });

  it.each([
    ["a custom server's issuer", { issuer: `${BASE}/oauth2/default`, scopeId: "okta.users.read" }, [`issuer: must be the org authorization server's issuer, ${BASE}`]],
    ["another org's issuer", { issuer: "https://other.example.com", scopeId: "okta.users.read" }, [`issuer: must be the org authorization server's issuer, ${BASE}`]],
    ["an unknown scope", { issuer: BASE, scopeId: "okta.nothing.read" }, ["scopeId: 'okta.nothing.read' is not an Okta API scope of this org"]],
    ["a scope that is not an admin scope", { issuer: BASE, scopeId: "openid" }, ["scopeId: 'openid' is not an Okta API scope of this org"]],
    [
      "a bad issuer and an unknown scope",
      { issuer: "https://other.example.com", scopeId: "orders:read" },
      [`issuer: must be the org authorization server's issuer, ${BASE}`, "scopeId: 'orders:read' is not an Okta API scope of this org"],
    ],
  ])("refuses %s with 400 E0000001", async (_, json, causes) => {
    await expectOktaError(await admin(`/apps/${app.id}/grants`, { method: "POST", json }), 400, "E0000001", GRANT_VALIDATION, causes);
  });

  it("answers 404 E0000007 for an unknown app", async () => {
    await expectOktaError(await grantScope("0oanotthere000000000", "okta.users.read"), 404, "E0000007", "Not found: Resource not found: 0oanotthere000000000 (App)");
  });
});
