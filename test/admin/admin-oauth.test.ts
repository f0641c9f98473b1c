import { decodeJwt } from "jose";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { freezeTime, restoreTime } from "../support/clock";
import { adminApp } from "../../src/admin/app";
import { clientSecrets } from "../../src/admin/client-secrets";
import { requiredScope } from "../../src/tokens/route-scopes";
import { admin, BASE, call } from "../support/admin";
import { appLifecycle, createApp, createScope, expectOAuthError, mintToken, type Json } from "../support/clients";
import { expectOktaError } from "../support/fixtures";
import {
  asBearer,
  grantScope,
  grantScopes,
  insufficientScope,
  INVALID_TOKEN_CHALLENGE,
  orgAssertion,
  orgClientCredentials,
  orgPost,
  orgToken,
  orgTokensFor,
  serviceApp,
  type ServiceApp,
} from "../support/org";
import { assignUser, createPerson, createWebApp, type Person } from "../support/people";

const FORBIDDEN = "You do not have permission to perform the requested action";
const INVALID_TOKEN = "Invalid token provided";
const GRANT_VALIDATION = "Api validation failed: OAuth2ScopeConsentGrant";
const NO_ROLE = "The user has no administrator role that allows this action.";

/** A concrete request path for a Hono route pattern: sample ids for :params, the first choice of :param{a|b}. */
const concrete = (pattern: string) =>
  pattern.replace(/:([A-Za-z]+)(\{([^}]*)\})?/g, (_, name: string, _re, choices?: string) => (choices ? choices.split("|")[0]! : `sample-${name}`));

/** Every route an app registers (not its middleware), at the prefix it is mounted under in src/app.ts. */
const routesOf = (routes: ReadonlyArray<{ method: string; path: string }>, prefix: string) =>
  routes.filter((r) => r.method !== "ALL").map((r) => ({ method: r.method, pattern: r.path, path: `${prefix}${concrete(r.path)}` }));

/** Routes served without a token: only the OpenAPI document, which holds no data. */
const PUBLIC_ROUTES = [{ method: "GET", pattern: "/openapi.json", path: "/api/v1/openapi.json" }];
const isPublic = (r: { method: string; path: string }) => PUBLIC_ROUTES.some((p) => p.method === r.method && p.path === r.path);

const ALL_ROUTES = [...routesOf(adminApp.routes, "/api/v1"), ...routesOf(clientSecrets.routes, "/oauth2/v1/clients")];
const ADMIN_ROUTES = ALL_ROUTES.filter((r) => !isPublic(r));

const newUser = () => ({ profile: { login: `u-${crypto.randomUUID()}@example.com`, email: "x@example.com", firstName: "Grace", lastName: "Hopper" } });

async function expectInsufficientScope(res: Response, scope: string): Promise<void> {
  const challenge = res.headers.get("WWW-Authenticate");
  await expectOktaError(res, 403, "E0000006", FORBIDDEN);
  expect(challenge).toBe(insufficientScope(scope));
}

async function expectInvalidToken(res: Response): Promise<void> {
  const challenge = res.headers.get("WWW-Authenticate");
  await expectOktaError(res, 401, "E0000011", INVALID_TOKEN);
  expect(challenge).toBe(INVALID_TOKEN_CHALLENGE);
}

describe("the scope table (ROUTE_SCOPES)", () => {
  it("sees the routes of both admin apps", () => {
    // Guards the iteration below: Hono lists every registered route with its method and pattern.
    expect(ADMIN_ROUTES.length).toBeGreaterThan(60);
    expect(ADMIN_ROUTES).toContainEqual({ method: "POST", pattern: "/:clientId/lifecycle/newSecret", path: "/oauth2/v1/clients/sample-clientId/lifecycle/newSecret" });
    expect(ADMIN_ROUTES).toContainEqual({ method: "GET", pattern: "/users", path: "/api/v1/users" });
  });

  it("leaves out only the public routes, which answer without a token", async () => {
    expect(ALL_ROUTES.filter(isPublic)).toEqual(PUBLIC_ROUTES);
    for (const r of PUBLIC_ROUTES) expect((await call(r.path, { method: r.method })).status).toBe(200);
  });

  describe.each(ADMIN_ROUTES)("$method $pattern", ({ method, path }) => {
    it("needs an okta.* scope: .read to read, .manage to write", () => {
      const scope = requiredScope(method, path);
      expect(scope, `${method} ${path} matches no row of ROUTE_SCOPES`).not.toBeNull();
      expect(scope).toMatch(method === "GET" ? /^okta\.[A-Za-z]+\.read$/ : /^okta\.[A-Za-z]+\.manage$/);
    });
  });

  it.each([
    ["GET", "/api/v1/users/00u1/roles", "okta.roles.read"],
    ["POST", "/api/v1/users/00u1/roles", "okta.roles.manage"],
    ["GET", "/api/v1/users/00u1/groups", "okta.users.read"],
    ["DELETE", "/api/v1/apps/0oa1/grants/oag1", "okta.apps.manage"],
    ["POST", "/api/v1/authorizationServers/aus1/credentials/lifecycle/keyRotate", "okta.authorizationServers.manage"],
    ["POST", "/oauth2/v1/clients/abc/lifecycle/newSecret", "okta.clients.manage"],
  ])("maps %s %s to %s", (method, path, scope) => {
    expect(requiredScope(method, path)).toBe(scope);
  });

  it("names no scope for paths outside the admin API", () => {
    expect(requiredScope("GET", "/oauth2/v1/keys")).toBeNull();
    expect(requiredScope("GET", "/api/v1/usersx")).toBeNull();
  });
});

describe("a service app's org access token on the admin API", () => {
  let reader: ServiceApp;
  let readToken: string;

  beforeAll(async () => {
    reader = await serviceApp(["okta.users.read"]);
    readToken = await orgToken(reader, "okta.users.read");
  });

  it("is an org server token: issuer and audience are the org URL, subject the client", () => {
    expect(decodeJwt(readToken)).toMatchObject({ iss: BASE, aud: BASE, sub: reader.clientId, cid: reader.clientId, scp: ["okta.users.read"] });
  });

  it("reads users with okta.users.read", async () => {
    const res = await asBearer(readToken, "/users");
    expect(res.status, await res.clone().text()).toBe(200);
    expect(Array.isArray(await res.json())).toBe(true);
  });

  it("cannot create a user without okta.users.manage", async () => {
    await expectInsufficientScope(await asBearer(readToken, "/users", { method: "POST", json: newUser() }), "okta.users.manage");
  });

  it("cannot read groups without okta.groups.read", async () => {
    await expectInsufficientScope(await asBearer(readToken, "/groups"), "okta.groups.read");
  });

  it("cannot read the app's own grants without okta.apps.read", async () => {
    await expectInsufficientScope(await asBearer(readToken, `/apps/${reader.id}/grants`), "okta.apps.read");
  });

  it("reads and writes with okta.users.manage alone (manage implies read)", async () => {
    const manager = await serviceApp(["okta.users.manage"]);
    const token = await orgToken(manager, "okta.users.manage");
    expect((await asBearer(token, "/users")).status).toBe(200);
    const created = await asBearer(token, "/users?activate=false", { method: "POST", json: newUser() });
    expect(created.status, await created.clone().text()).toBe(200);
    const user = (await created.json()) as Json;
    expect((await asBearer(token, `/users/${user.id}`)).status).toBe(200);
  });

  it("rotates a client secret with okta.clients.manage (/oauth2/v1/clients)", async () => {
    const app = await serviceApp(["okta.clients.manage"]);
    const token = await orgToken(app, "okta.clients.manage");
    const target = await createApp();
    const res = await call(`/oauth2/v1/clients/${target.clientId}/lifecycle/newSecret`, { method: "POST", headers: { Authorization: `Bearer ${token}` } });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(((await res.json()) as Json).client_secret).not.toBe(target.secret);
  });

  it("cannot rotate a client secret with okta.users.read", async () => {
    const target = await createApp();
    const res = await call(`/oauth2/v1/clients/${target.clientId}/lifecycle/newSecret`, { method: "POST", headers: { Authorization: `Bearer ${readToken}` } });
    await expectInsufficientScope(res, "okta.clients.manage");
  });
});

describe("bearer tokens the admin API does not accept", () => {
  afterEach(() => {
    restoreTime();
  });

  /** Each case returns a token that must be refused with 401 E0000011 and an invalid_token challenge. */
  const CASES: Array<{ name: string; token: () => Promise<string> }> = [
    { name: "a token that is not a JWT", token: async () => "garbage-token-0123456789" },
    {
      name: "an expired org access token",
      token: async () => {
        const app = await serviceApp(["okta.users.read"]);
        const token = await orgToken(app, "okta.users.read");
        expect((await asBearer(token, "/users")).status).toBe(200);
        freezeTime((decodeJwt(token).exp! + 1) * 1000);
        return token;
      },
    },
    {
      name: "an access token of a custom authorization server (default)",
      token: async () => {
        const scope = `test:${crypto.randomUUID()}`;
        await createScope("default", { name: scope });
        return mintToken("default", await createApp(), scope);
      },
    },
    {
      name: "a revoked org access token",
      token: async () => {
        const app = await serviceApp(["okta.users.read"]);
        const token = await orgToken(app, "okta.users.read");
        expect((await asBearer(token, "/users")).status).toBe(200);
        const revoked = await orgPost("revoke", { token, token_type_hint: "access_token", ...(await orgAssertion(app, "revoke")) });
        expect(revoked.status, await revoked.clone().text()).toBe(200);
        return token;
      },
    },
    {
      name: "the org access token of a deactivated app",
      token: async () => {
        const app = await serviceApp(["okta.users.read"]);
        const token = await orgToken(app, "okta.users.read");
        expect((await asBearer(token, "/users")).status).toBe(200);
        expect((await appLifecycle(app.id, "deactivate")).status).toBe(200);
        return token;
      },
    },
  ];

  it.each(CASES)("answers $name with 401 E0000011", async ({ token }) => {
    await expectInvalidToken(await asBearer(await token(), "/users"));
  });

  it("answers a token whose signature was altered with 401 E0000011", async () => {
    const token = await orgToken(await serviceApp(["okta.users.read"]), "okta.users.read");
    const [h, p, s] = token.split(".");
    const forged = `${h}.${p}.${s!.slice(0, -4)}${s!.endsWith("AAAA") ? "BBBB" : "AAAA"}`;
    await expectInvalidToken(await asBearer(forged, "/users"));
  });
});

describe("writes to the org authorization server", () => {
  const CUSTOMIZE = "The org authorization server cannot be customized: it has no custom audience, scopes, claims or policies.";
  const KEYS = "The org authorization server's signing keys rotate automatically and cannot be rotated manually.";

  describe.each([
    { method: "PUT", path: "/authorizationServers/org", json: { name: "org", audiences: ["api://org"] }, cause: CUSTOMIZE },
    { method: "DELETE", path: "/authorizationServers/org", json: undefined, cause: CUSTOMIZE },
    { method: "POST", path: "/authorizationServers/org/lifecycle/deactivate", json: undefined, cause: CUSTOMIZE },
    { method: "POST", path: "/authorizationServers/org/credentials/lifecycle/keyRotate", json: { use: "sig" }, cause: KEYS },
    { method: "POST", path: "/authorizationServers/org/scopes", json: { name: "orders:read" }, cause: CUSTOMIZE },
    { method: "POST", path: "/authorizationServers/org/claims", json: { name: "c", claimType: "RESOURCE", valueType: "EXPRESSION", value: "1" }, cause: CUSTOMIZE },
    { method: "POST", path: "/authorizationServers/org/policies", json: { type: "OAUTH_AUTHORIZATION_POLICY", name: "p" }, cause: CUSTOMIZE },
  ])("$method $path", ({ method, path, json, cause }) => {
    it("is refused with 403 E0000006 and the reason", async () => {
      await expectOktaError(await admin(path, { method, ...(json ? { json } : {}) }), 403, "E0000006", FORBIDDEN, [cause]);
    });
  });
});

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

describe("the roles API (/api/v1/users/{userId}/roles)", () => {
  let person: Person;

  beforeAll(async () => {
    person = await createPerson();
  });

  it("assigns SUPER_ADMIN (201), answers 200 when it is assigned already, lists and removes it (204)", async () => {
    const first = await admin(`/users/${person.id}/roles`, { method: "POST", json: { type: "SUPER_ADMIN" } });
    const role = (await first.json()) as Json;
    expect(first.status).toBe(201);
    expect(role).toEqual({
      id: expect.stringMatching(/^ra1[0-9A-Za-z]{17}$/),
      label: "Super Organization Administrator",
      type: "SUPER_ADMIN",
      status: "ACTIVE",
      created: expect.any(String),
      lastUpdated: role.created,
      assignmentType: "USER",
      _links: { assignee: { href: `${BASE}/api/v1/users/${person.id}`, hints: { allow: ["GET"] } } },
    });

    const again = await admin(`/users/${person.id}/roles`, { method: "POST", json: { type: "SUPER_ADMIN" } });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(role);

    const list = await admin(`/users/${person.id}/roles`);
    expect(list.status).toBe(200);
    expect(await list.json()).toEqual([role]);

    const removed = await admin(`/users/${person.id}/roles/${role.id}`, { method: "DELETE" });
    expect(removed.status).toBe(204);
    expect(await (await admin(`/users/${person.id}/roles`)).json()).toEqual([]);
    await expectOktaError(await admin(`/users/${person.id}/roles/${role.id}`, { method: "DELETE" }), 404, "E0000007", `Not found: Resource not found: ${role.id} (Role)`);
  });

  it.each([["ORG_ADMIN"], ["super_admin"]])("refuses the role type %s with 400 E0000001", async (type) => {
    await expectOktaError(await admin(`/users/${person.id}/roles`, { method: "POST", json: { type } }), 400, "E0000001", "Api validation failed: Role", [
      "type: only SUPER_ADMIN is supported",
    ]);
  });

  it("answers 404 E0000007 for an unknown user", async () => {
    await expectOktaError(await admin("/users/00unotthere000000000/roles"), 404, "E0000007", "Not found: Resource not found: 00unotthere000000000 (User)");
  });
});

describe("a person's org access token on the admin API", () => {
  let person: Person;
  let tokens: Json;

  beforeAll(async () => {
    person = await createPerson();
    const web = await createWebApp();
    await assignUser(web.id, person.id);
    await grantScopes(web.id, ["okta.users.read", "okta.users.manage"]);
    tokens = await orgTokensFor(web, person, "openid okta.users.read okta.users.manage");
  });

  it("carries the person and the granted admin scopes", () => {
    expect(decodeJwt(tokens.access_token)).toMatchObject({ iss: BASE, aud: BASE, uid: person.id, sub: person.login, scp: expect.arrayContaining(["okta.users.read", "okta.users.manage"]) });
    expect(tokens.scope.split(" ").sort()).toEqual(["okta.users.manage", "okta.users.read", "openid"]);
  });

  it("does nothing for a person without an administrator role, whatever its scopes", async () => {
    const res = await asBearer(tokens.access_token, "/users");
    const challenge = res.headers.get("WWW-Authenticate");
    await expectOktaError(res, 403, "E0000006", FORBIDDEN, [NO_ROLE]);
    expect(challenge).toBeNull();
  });

  it("reads and writes once the person is a super admin, and stops when the role is removed", async () => {
    const assigned = await admin(`/users/${person.id}/roles`, { method: "POST", json: { type: "SUPER_ADMIN" } });
    expect(assigned.status).toBe(201);
    const role = (await assigned.json()) as Json;

    expect((await asBearer(tokens.access_token, "/users")).status).toBe(200);
    const created = await asBearer(tokens.access_token, "/users?activate=false", { method: "POST", json: newUser() });
    expect(created.status, await created.clone().text()).toBe(200);
    // A super admin's token is still bounded by its scopes.
    await expectInsufficientScope(await asBearer(tokens.access_token, "/groups"), "okta.groups.read");

    expect((await admin(`/users/${person.id}/roles/${role.id}`, { method: "DELETE" })).status).toBe(204);
    await expectOktaError(await asBearer(tokens.access_token, "/users"), 403, "E0000006", FORBIDDEN, [NO_ROLE]);
  });

  it("does not accept the person's org ID token as an access token", async () => {
    await expectInvalidToken(await asBearer(tokens.id_token, "/users"));
  });

  it("refuses the person's token once the person is deactivated", async () => {
    const other = await createPerson();
    const web = await createWebApp();
    await assignUser(web.id, other.id);
    await grantScopes(web.id, ["okta.users.read"]);
    const t = await orgTokensFor(web, other, "openid okta.users.read");
    expect((await admin(`/users/${other.id}/roles`, { method: "POST", json: { type: "SUPER_ADMIN" } })).status).toBe(201);
    expect((await asBearer(t.access_token, "/users")).status).toBe(200);
    expect((await admin(`/users/${other.id}/lifecycle/deactivate`, { method: "POST" })).status).toBe(200);
    await expectInvalidToken(await asBearer(t.access_token, "/users"));
  });
});
