import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { GRANTS } from "../../src/oauth/grants";
import { admin, BASE, call, createServer } from "../support/admin";
import {
  activeKid,
  asBasic,
  clientCredentials,
  createApp,
  createPolicy,
  createRule,
  createScope,
  expectOAuthError,
  oauthPost,
  POLICY_FAILED,
  readyServer,
  tokenBody,
  type Client,
  type ReadyServer,
} from "../support/clients";
import { expectOktaError, jwks, serverNotFound } from "../support/fixtures";

let server: ReadyServer;
let client: Client;

beforeAll(async () => {
  server = await readyServer({ scopes: ["orders:read", "orders:write"] });
  await createScope(server.id, { name: "orders:consent", consent: "REQUIRED" });
  client = await createApp();
});

const seconds = () => Math.floor(Date.now() / 1000);

describe("client_credentials", () => {
  it("answers 200 with a Bearer token, the default rule's lifetime and the granted scope, never cached", async () => {
    const res = await clientCredentials(server.id, client, "orders:read");
    expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect(res.headers.get("Pragma")).toBe("no-cache");
    expect(await tokenBody(res)).toEqual({ token_type: "Bearer", expires_in: 3600, access_token: expect.any(String), scope: "orders:read" });
  });

  it("signs with the server's ACTIVE key: RS256 with its kid in the header", async () => {
    const before = seconds();
    const { access_token } = await tokenBody(await clientCredentials(server.id, client, "orders:read"));
    expect(decodeProtectedHeader(access_token)).toEqual({ alg: "RS256", kid: await activeKid(server.id) });
    const { payload } = await jwtVerify(access_token, createLocalJWKSet((await jwks(server.id)) as never), {
      issuer: `${BASE}/oauth2/${server.id}`,
      audience: server.audience,
      algorithms: ["RS256"],
    });
    expect(payload.iat).toBeGreaterThanOrEqual(before);
  });

  it("carries Okta's access-token claims, with the client as subject and no uid", async () => {
    const before = seconds();
    const { access_token } = await tokenBody(await clientCredentials(server.id, client, "orders:read"));
    const after = seconds();
    const claims = decodeJwt(access_token);
    expect(claims).toEqual({
      ver: 1,
      jti: expect.stringMatching(/^AT\.[0-9A-Za-z_-]{20,}$/),
      iss: `${BASE}/oauth2/${server.id}`,
      aud: server.audience,
      iat: expect.any(Number),
      exp: expect.any(Number),
      cid: client.clientId,
      scp: ["orders:read"],
      sub: client.clientId,
    });
    expect(claims.iat).toBeGreaterThanOrEqual(before);
    expect(claims.iat).toBeLessThanOrEqual(after);
    expect(claims.exp).toBe(claims.iat! + 3600);
  });

  it("accepts a form Content-Type with a charset parameter", async () => {
    const res = await oauthPost(server.id, "token", "grant_type=client_credentials&scope=orders:read", {
      ...asBasic(client),
      "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8",
    });
    expect((await tokenBody(res)).scope).toBe("orders:read");
  });

  it("gives every token its own jti", async () => {
    const a = decodeJwt(await (await tokenBody(await clientCredentials(server.id, client, "orders:read"))).access_token);
    const b = decodeJwt(await (await tokenBody(await clientCredentials(server.id, client, "orders:read"))).access_token);
    expect(a.jti).not.toBe(b.jti);
  });

  it("grants several space-delimited scopes, each once (RFC 6749 3.3)", async () => {
    const body = await tokenBody(await clientCredentials(server.id, client, "orders:write orders:read orders:write"));
    expect(body.scope.split(" ").sort()).toEqual(["orders:read", "orders:write"]);
    expect((decodeJwt(body.access_token).scp as string[]).sort()).toEqual(["orders:read", "orders:write"]);
  });

  it("grants the server's default scopes when the request names none", async () => {
    const s = await readyServer({ scopes: [] });
    await createScope(s.id, { name: "default:one", default: true });
    await createScope(s.id, { name: "default:two", default: true });
    await createScope(s.id, { name: "not:default" });
    const body = await tokenBody(await clientCredentials(s.id, client));
    expect(body.scope.split(" ").sort()).toEqual(["default:one", "default:two"]);
    expect((decodeJwt(body.access_token).scp as string[]).sort()).toEqual(["default:one", "default:two"]);
  });

  it("treats an empty scope parameter as absent", async () => {
    const s = await readyServer({ scopes: [] });
    await createScope(s.id, { name: "only:default", default: true });
    const res = await oauthPost(s.id, "token", "grant_type=client_credentials&scope=", asBasic(client));
    expect((await tokenBody(res)).scope).toBe("only:default");
  });

  it("answers invalid_scope when the request names no scope and the server has no default scopes", async () => {
    await expectOAuthError(
      await clientCredentials(server.id, client),
      400,
      "invalid_scope",
      "The authorization server resource does not have any configured default scopes, 'scope' must be provided.",
    );
  });
});

describe("token request errors (RFC 6749 5.2)", () => {
  const configured = `[${[...GRANTS.keys()].join(", ")}]`;

  describe.each<[string, () => Promise<Response>, string, string]>([
    [
      "a JSON body",
      () => call(`/oauth2/${server.id}/v1/token`, { method: "POST", headers: asBasic(client), json: { grant_type: "client_credentials", scope: "orders:read" } }),
      "invalid_request",
      "The request must use the 'application/x-www-form-urlencoded' content type.",
    ],
    [
      "no Content-Type",
      () => call(`/oauth2/${server.id}/v1/token`, { method: "POST", headers: asBasic(client), body: new Blob(["grant_type=client_credentials&scope=orders:read"]) }),
      "invalid_request",
      "The request must use the 'application/x-www-form-urlencoded' content type.",
    ],
    [
      "a repeated scope parameter",
      () => oauthPost(server.id, "token", "grant_type=client_credentials&scope=orders:read&scope=orders:write", asBasic(client)),
      "invalid_request",
      "The 'scope' parameter was included more than once.",
    ],
    [
      "a repeated grant_type parameter",
      () => oauthPost(server.id, "token", "grant_type=client_credentials&grant_type=client_credentials&scope=orders:read", asBasic(client)),
      "invalid_request",
      "The 'grant_type' parameter was included more than once.",
    ],
    [
      "no grant_type",
      () => oauthPost(server.id, "token", "scope=orders:read", asBasic(client)),
      "invalid_request",
      "The token request must specify a 'grant_type'. Valid values: [authorization_code, client_credentials, refresh_token, password, urn:ietf:params:oauth:grant-type:device_code, urn:ietf:params:oauth:grant-type:token-exchange]",
    ],
    [
      "an unknown grant_type",
      () => oauthPost(server.id, "token", "grant_type=urn:example:magic&scope=orders:read", asBasic(client)),
      "unsupported_grant_type",
      `The authorization grant type is not supported by the authorization server. Configured grant types: ${configured}.`,
    ],
    [
      "an unknown scope",
      () => clientCredentials(server.id, client, "orders:delete"),
      "invalid_scope",
      "One or more scopes are not configured for the authorization server resource.",
    ],
    [
      "a known and an unknown scope",
      () => clientCredentials(server.id, client, "orders:read orders:delete"),
      "invalid_scope",
      "One or more scopes are not configured for the authorization server resource.",
    ],
    [
      "a scope parameter of only spaces",
      () => clientCredentials(server.id, client, "   "),
      "invalid_scope",
      "No scopes were requested.",
    ],
    [
      "openid with client_credentials",
      () => clientCredentials(server.id, client, "openid"),
      "invalid_scope",
      "Cannot request 'openid' scopes using client credentials.",
    ],
    [
      "profile next to a custom scope with client_credentials",
      () => clientCredentials(server.id, client, "orders:read profile"),
      "invalid_scope",
      "Cannot request 'profile' scopes using client credentials.",
    ],
    [
      "a scope that requires consent",
      () => clientCredentials(server.id, client, "orders:read orders:consent"),
      "consent_required",
      "The following scopes require user consent: [orders:consent].",
    ],
  ])("with %s", (_, send, error, description) => {
    it(`answers 400 ${error}`, async () => {
      await expectOAuthError(await send(), 400, error, description);
    });
  });

  it("answers unauthorized_client for a grant the client is not registered for", async () => {
    const web = await createApp({ application_type: "web", grant_types: ["authorization_code"], redirect_uris: ["https://app.example.com/cb"] });
    await expectOAuthError(
      await clientCredentials(server.id, web, "orders:read"),
      400,
      "unauthorized_client",
      "The client is not authorized to use the provided grant type. Configured grant types: [authorization_code].",
    );
  });

  it("checks the client before the grant it asks for", async () => {
    await expectOAuthError(
      await clientCredentials(server.id, { clientId: client.clientId, secret: "wrong-secret-0123456789" }, "orders:read"),
      401,
      "invalid_client",
      "Client authentication failed. Either the client or the client credentials are invalid.",
      { wwwAuthenticate: 'Basic realm="Mintgate"' },
    );
  });
});

describe("access policies", () => {
  describe.each<[string, () => Promise<string>]>([
    [
      "a new server with no policies",
      async () => {
        const s = await createServer();
        await createScope(s.id, { name: "orders:read" });
        return s.id;
      },
    ],
    [
      "only a policy for another client",
      async () => {
        const s = await readyServer({ scopes: ["orders:read"] });
        await admin(`/authorizationServers/${s.id}/policies/${s.policy.id}`, {
          method: "PUT",
          json: { name: s.policy.name, description: "other client only", conditions: { clients: { include: ["0oaSomeOtherClient00"] } } },
        });
        return s.id;
      },
    ],
    [
      "only an INACTIVE policy",
      async () => {
        const s = await readyServer({ scopes: ["orders:read"] });
        expect((await admin(`/authorizationServers/${s.id}/policies/${s.policy.id}/lifecycle/deactivate`, { method: "POST" })).status).toBe(204);
        return s.id;
      },
    ],
    [
      "only a rule for other grant types",
      async () => (await readyServer({ scopes: ["orders:read"], rule: { grantTypes: ["authorization_code"] } })).id,
    ],
    [
      "only a rule for other scopes",
      async () => {
        const s = await createServer();
        await createScope(s.id, { name: "orders:read" });
        await createScope(s.id, { name: "orders:write" });
        const p = await createPolicy(s.id);
        await createRule(s.id, p.id, { scopes: ["orders:write"] });
        return s.id;
      },
    ],
    [
      "only an INACTIVE rule",
      async () => (await readyServer({ scopes: ["orders:read"], rule: { status: "INACTIVE" } })).id,
    ],
  ])("with %s", (_, setup) => {
    it("answers access_denied", async () => {
      const id = await setup();
      await expectOAuthError(await clientCredentials(id, client, "orders:read"), 400, "access_denied", POLICY_FAILED);
    });
  });

  it.each([
    [5, 300],
    [1440, 86400],
  ])("gives a token the lifetime of the matching rule (%i minutes)", async (minutes, expiresIn) => {
    const s = await readyServer({ rule: { accessTokenLifetimeMinutes: minutes } });
    const body = await tokenBody(await clientCredentials(s.id, client, "orders:read"));
    expect(body.expires_in).toBe(expiresIn);
    const claims = decodeJwt(body.access_token);
    expect(claims.exp! - claims.iat!).toBe(expiresIn);
  });

  it("applies the first matching rule by priority", async () => {
    const s = await createServer();
    await createScope(s.id, { name: "orders:read" });
    await createScope(s.id, { name: "orders:write" });
    const p = await createPolicy(s.id);
    await createRule(s.id, p.id, { scopes: ["orders:write"], accessTokenLifetimeMinutes: 10 });
    const catchAll = await createRule(s.id, p.id, { scopes: ["*"], accessTokenLifetimeMinutes: 20 });
    expect((await tokenBody(await clientCredentials(s.id, client, "orders:write"))).expires_in).toBe(600);
    expect((await tokenBody(await clientCredentials(s.id, client, "orders:read"))).expires_in).toBe(1200);

    // Okta: priority 1 is evaluated first; moving the catch-all there makes it win for every scope.
    const moved = await admin(`/authorizationServers/${s.id}/policies/${p.id}/rules/${catchAll.id}`, {
      method: "PUT",
      json: { type: "RESOURCE_ACCESS", name: catchAll.name, priority: 1, conditions: catchAll.conditions, actions: { token: { accessTokenLifetimeMinutes: 20 } } },
    });
    expect(moved.status).toBe(200);
    expect((await tokenBody(await clientCredentials(s.id, client, "orders:write"))).expires_in).toBe(1200);
  });

  it("applies the highest-priority policy that covers the client", async () => {
    const s = await readyServer({ rule: { accessTokenLifetimeMinutes: 30 } });
    const other = await createApp();
    const mine = await createPolicy(s.id, { clients: [client.clientId], priority: 1 });
    await createRule(s.id, mine.id, { accessTokenLifetimeMinutes: 15 });
    expect((await tokenBody(await clientCredentials(s.id, client, "orders:read"))).expires_in).toBe(900);
    expect((await tokenBody(await clientCredentials(s.id, other, "orders:read"))).expires_in).toBe(1800);
  });

  it("falls through to the next policy when the first covering policy has no matching rule", async () => {
    const s = await readyServer({ rule: { accessTokenLifetimeMinutes: 7 } });
    const first = await createPolicy(s.id, { priority: 1 });
    await createRule(s.id, first.id, { grantTypes: ["authorization_code"], accessTokenLifetimeMinutes: 50 });
    expect((await tokenBody(await clientCredentials(s.id, client, "orders:read"))).expires_in).toBe(420);
  });
});

describe("the authorization server of a token request", () => {
  it("answers 404 E0000007 for an INACTIVE server, and serves again once it is activated", async () => {
    const s = await readyServer();
    expect((await admin(`/authorizationServers/${s.id}/lifecycle/deactivate`, { method: "POST" })).status).toBe(204);
    await expectOktaError(await clientCredentials(s.id, client, "orders:read"), 404, ...serverNotFound(s.id));
    expect((await admin(`/authorizationServers/${s.id}/lifecycle/activate`, { method: "POST" })).status).toBe(204);
    await tokenBody(await clientCredentials(s.id, client, "orders:read"));
  });

  it("answers 404 E0000007 for an unknown server", async () => {
    await expectOktaError(await clientCredentials("ausDoesNotExist00000", client, "orders:read"), 404, ...serverNotFound("ausDoesNotExist00000"));
  });

  it("answers 404 E0000007 for a deleted server", async () => {
    const s = await readyServer();
    await tokenBody(await clientCredentials(s.id, client, "orders:read"));
    expect((await admin(`/authorizationServers/${s.id}`, { method: "DELETE" })).status).toBe(204);
    await expectOktaError(await clientCredentials(s.id, client, "orders:read"), 404, ...serverNotFound(s.id));
  });
});

