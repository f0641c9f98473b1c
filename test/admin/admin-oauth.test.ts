import { decodeJwt } from "jose";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { freezeTime, restoreTime } from "../support/clock";
import { adminApp } from "../../src/admin/app";
import { clients } from "../../src/admin/clients";
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

const ALL_ROUTES = [...routesOf(adminApp.routes, "/api/v1"), ...routesOf(clients.routes, "/oauth2/v1/clients")];
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
