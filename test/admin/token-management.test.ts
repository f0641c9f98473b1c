import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { beforeAll, describe, expect, it } from "vitest";
import { admin, BASE, call } from "../support/admin";
import { asBasic, expectOAuthError, introspect, oauthPost, tokenBody, type Client, type Json } from "../support/clients";
import { ERROR_ID } from "../support/fixtures";
import {
  appFor,
  authorize,
  codeParams,
  createPerson,
  expectRedirectError,
  INVALID_REFRESH,
  LOGIN_REQUIRED,
  peopleServer,
  refresh,
  tokensFor,
  type PeopleServer,
  type Person,
} from "../support/people";

/**
 * Okta's client and refresh-token management: /api/v1/authorizationServers/{id}/clients… and
 * /api/v1/users/{id}/clients…, and DELETE /api/v1/users/{id}/sessions. A refresh token's id is its family's, so
 * it stays the same across rotation and an admin's revocation cannot be outrun by a refresh.
 */
let ps: PeopleServer;
let person: Person;
let client: Client;

beforeAll(async () => {
  ps = await peopleServer();
  person = await createPerson();
  client = await appFor(person);
});

const notFound = (id: string, kind: string) => ({
  errorCode: "E0000007",
  errorSummary: `Not found: Resource not found: ${id} (${kind})`,
  errorLink: "E0000007",
  errorId: expect.stringMatching(ERROR_ID),
  errorCauses: [],
});

async function expectJson(res: Response, status: number, body: unknown): Promise<void> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect(JSON.parse(text)).toEqual(body);
}

const asTokens = (serverId: string, c: Client) => `/authorizationServers/${serverId}/clients/${c.clientId}/tokens`;
const userTokens = (userId: string, c: Client) => `/users/${userId}/clients/${c.clientId}/tokens`;

/** Okta's OAuth2RefreshToken for a person's token of `ps` held by `c`, listed under `self`. */
function refreshTokenShape(c: Client, p: Person, self: string, scopes = ["openid", "profile", "email", "offline_access"]) {
  return {
    id: expect.stringMatching(/^oar[0-9A-Za-z]{17}$/),
    status: "ACTIVE",
    created: expect.stringMatching(/Z$/),
    lastUpdated: expect.stringMatching(/Z$/),
    expiresAt: expect.stringMatching(/Z$/),
    issuer: ps.issuer,
    clientId: c.clientId,
    userId: p.id,
    scopes,
    _links: {
      app: { href: `${BASE}/api/v1/apps/${c.id}`, title: c.app.label },
      self: { href: expect.stringMatching(new RegExp(`^${self}/oar`)), hints: { allow: ["GET"] } },
      revoke: { href: expect.stringMatching(new RegExp(`^${self}/oar`)), hints: { allow: ["DELETE"] } },
      client: { href: `${BASE}/oauth2/v1/clients/${c.clientId}`, title: c.app.label },
      user: { href: `${BASE}/api/v1/users/${p.id}`, title: p.id },
      authorizationServer: { href: `${BASE}/api/v1/authorizationServers/${ps.id}`, title: ps.server.name },
    },
  };
}

describe("GET /authorizationServers/{id}/clients and …/clients/{clientId}/tokens", () => {
  it("lists the clients holding refresh tokens of the server, in Okta's OAuth2Client shape", async () => {
    await tokensFor(ps.id, client, person);
    const res = await admin(`/authorizationServers/${ps.id}/clients`);
    const body = (await res.json()) as Json[];
    expect(res.status).toBe(200);
    expect(body.find((c) => c.client_id === client.clientId)).toEqual({
      client_id: client.clientId,
      client_name: client.app.label,
      client_uri: null,
      logo_uri: null,
      _links: {
        client: { href: `${BASE}/oauth2/v1/clients/${client.clientId}`, title: client.app.label },
        tokens: { href: `${BASE}/api/v1${asTokens(ps.id, client)}`, hints: { allow: ["GET", "DELETE"] } },
      },
    });
  });

  it("lists a client's refresh tokens, pages them with Link headers, and embeds the scopes with expand=scope", async () => {
    const p = await createPerson();
    const c = await appFor(p);
    await tokensFor(ps.id, c, p);
    await tokensFor(ps.id, c, p);
    const self = `${BASE}/api/v1${asTokens(ps.id, c)}`;
    const first = await admin(`${asTokens(ps.id, c)}?limit=1`);
    expect(first.status).toBe(200);
    const page1 = (await first.json()) as Json[];
    expect(page1).toEqual([refreshTokenShape(c, p, self)]);
    const links = first.headers.get("Link")!;
    expect(links).toContain(`<${self}?limit=1>; rel="self"`);
    const next = /<([^>]+)>; rel="next"/.exec(links)![1]!;
    const second = await admin(next.replace(`${BASE}/api/v1`, ""));
    const page2 = (await second.json()) as Json[];
    expect(page2).toHaveLength(1);
    expect(page2[0]!.id).not.toBe(page1[0]!.id);
    expect(second.headers.get("Link")).not.toContain('rel="next"');
    const expanded = (await (await admin(`${asTokens(ps.id, c)}/${page1[0]!.id}?expand=scope`)).json()) as Json;
    expect(expanded._embedded.scopes.map((s: Json) => s.name).sort()).toEqual(["email", "offline_access", "openid", "profile"]);
    expect(expanded._embedded.scopes[0]).toEqual({
      id: expect.any(String),
      name: expect.any(String),
      displayName: expect.any(String),
      description: expect.any(String),
      _links: { scope: { href: expect.stringMatching(new RegExp(`^${BASE}/api/v1/authorizationServers/${ps.id}/scopes/`)), title: expect.any(String) } },
    });
  });

  it("keeps a token's id across rotation, so an admin revokes what they listed even after a refresh", async () => {
    const p = await createPerson();
    const c = await appFor(p);
    const t = await tokensFor(ps.id, c, p);
    const [listed] = (await (await admin(asTokens(ps.id, c))).json()) as Json[];
    const rotated = await tokenBody(await refresh(ps.id, c, t.refresh_token));
    expect((await admin(`${asTokens(ps.id, c)}/${listed!.id}`, { method: "DELETE" })).status).toBe(204);
    await expectOAuthError(await refresh(ps.id, c, rotated.refresh_token), 400, "invalid_grant", INVALID_REFRESH);
    // Okta: revoking a refresh token also revokes the access tokens issued with it.
    expect((await introspect(ps.id, c, t.access_token)).active).toBe(false);
    expect((await introspect(ps.id, c, rotated.access_token)).active).toBe(false);
    await expectJson(await admin(`${asTokens(ps.id, c)}/${listed!.id}`), 404, notFound(listed!.id, "OAuth2RefreshToken"));
  });

  it("DELETE …/tokens revokes all of the client's refresh tokens of this server and their access tokens", async () => {
    const p = await createPerson();
    const c = await appFor(p);
    const a = await tokensFor(ps.id, c, p);
    const b = await tokensFor(ps.id, c, p);
    const elsewhere = await peopleServer();
    const kept = await tokensFor(elsewhere.id, c, p);
    const res = await admin(asTokens(ps.id, c), { method: "DELETE" });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    for (const t of [a, b]) {
      await expectOAuthError(await refresh(ps.id, c, t.refresh_token), 400, "invalid_grant", INVALID_REFRESH);
      expect((await introspect(ps.id, c, t.access_token)).active).toBe(false);
    }
    expect(await (await admin(asTokens(ps.id, c))).json()).toEqual([]);
    // Another server's tokens for the same client are not this server's to revoke.
    await tokenBody(await refresh(elsewhere.id, c, kept.refresh_token));
  });

  it.each([
    ["an unknown server", () => `/authorizationServers/ausNoSuchServer00001/clients/${client.clientId}/tokens`, "ausNoSuchServer00001", "AuthorizationServer"],
    ["an unknown client", () => `/authorizationServers/${ps.id}/clients/0oaNoSuchClient00001/tokens`, "0oaNoSuchClient00001", "Client"],
    ["an unknown token", () => `${asTokens(ps.id, client)}/oarNoSuchToken000001`, "oarNoSuchToken000001", "OAuth2RefreshToken"],
  ])("answers %s with Okta's 404 E0000007, for GET and DELETE", async (_, path, id, kind) => {
    await expectJson(await admin(path()), 404, notFound(id, kind));
    await expectJson(await admin(path(), { method: "DELETE" }), 404, notFound(id, kind));
  });

  it("answers a bad paging request with 400 E0000029 and an unknown expand with 400 E0000001", async () => {
    const paging = await admin(`${asTokens(ps.id, client)}?limit=0`);
    expect(paging.headers.get("Content-Type")).toBe("application/json");
    expect(paging.headers.get("Cache-Control")).toBe("no-store");
    await expectJson(paging, 400, {
      errorCode: "E0000029",
      errorSummary: "Invalid paging request.",
      errorLink: "E0000029",
      errorId: expect.stringMatching(ERROR_ID),
      errorCauses: [{ errorSummary: "limit: Too small: expected number to be >=1" }],
    });
    await expectJson(await admin(`${asTokens(ps.id, client)}?expand=everything`), 400, {
      errorCode: "E0000001",
      errorSummary: "Api validation failed: OAuth2RefreshToken",
      errorLink: "E0000001",
      errorId: expect.stringMatching(ERROR_ID),
      errorCauses: [{ errorSummary: 'expand: Invalid input: expected "scope"' }],
    });
  });

  it("answers GET of one token with the body the served OpenAPI document describes", async () => {
    const p = await createPerson();
    const c = await appFor(p);
    await tokensFor(ps.id, c, p);
    const doc = (await (await call("/api/v1/openapi.json")).json()) as Json;
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ $id: "urn:mintgate:admin", components: doc.components });
    const schemaOf = (path: string) =>
      JSON.parse(JSON.stringify(doc.paths[path].get.responses["200"].content["application/json"].schema).replaceAll('"#/components/', '"urn:mintgate:admin#/components/'));
    const [listed] = (await (await admin(asTokens(ps.id, c))).json()) as Json[];
    for (const [path, url] of [
      ["/api/v1/authorizationServers/{authServerId}/clients/{clientId}/tokens/{tokenId}", `${asTokens(ps.id, c)}/${listed!.id}?expand=scope`],
      ["/api/v1/users/{userId}/clients/{clientId}/tokens/{tokenId}", `${userTokens(p.id, c)}/${listed!.id}`],
      ["/api/v1/users/{userId}/clients", `/users/${p.id}/clients`],
      ["/api/v1/authorizationServers/{authServerId}/clients", `/authorizationServers/${ps.id}/clients`],
    ] as const) {
      const validate = ajv.compile(schemaOf(path));
      const body = await (await admin(url)).json();
      expect(validate(body), `${path}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });
});

describe("GET /users/{id}/clients and …/clients/{clientId}/tokens", () => {
  it("lists the person's clients and their refresh tokens, across servers", async () => {
    const p = await createPerson();
    const c = await appFor(p);
    await tokensFor(ps.id, c, p);
    const clients = (await (await admin(`/users/${p.id}/clients`)).json()) as Json[];
    expect(clients).toEqual([
      {
        client_id: c.clientId,
        client_name: c.app.label,
        client_uri: null,
        logo_uri: null,
        _links: {
          grants: { href: `${BASE}/api/v1/users/${p.id}/clients/${c.clientId}/grants` },
          tokens: { href: `${BASE}/api/v1/users/${p.id}/clients/${c.clientId}/tokens`, hints: { allow: ["GET", "DELETE"] } },
        },
      },
    ]);
    const tokens = (await (await admin(userTokens(p.id, c))).json()) as Json[];
    expect(tokens).toEqual([refreshTokenShape(c, p, `${BASE}/api/v1/users/${p.id}/clients/${c.clientId}/tokens`)]);
  });

  it("revokes one token, or all of them for the client, with their access tokens", async () => {
    const p = await createPerson();
    const c = await appFor(p);
    const a = await tokensFor(ps.id, c, p);
    const b = await tokensFor(ps.id, c, p);
    const [first] = (await (await admin(userTokens(p.id, c))).json()) as Json[];
    expect((await admin(`${userTokens(p.id, c)}/${first!.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await (await admin(userTokens(p.id, c))).json()) as Json[]).toHaveLength(1);
    expect((await admin(userTokens(p.id, c), { method: "DELETE" })).status).toBe(204);
    for (const t of [a, b]) {
      await expectOAuthError(await refresh(ps.id, c, t.refresh_token), 400, "invalid_grant", INVALID_REFRESH);
      expect((await introspect(ps.id, c, t.access_token)).active).toBe(false);
    }
  });

  it("answers an unknown user with Okta's 404 E0000007", async () => {
    await expectJson(await admin("/users/00uNoSuchUser0000001/clients"), 404, notFound("00uNoSuchUser0000001", "User"));
    await expectJson(await admin(`/users/00uNoSuchUser0000001/clients/${client.clientId}/tokens`), 404, notFound("00uNoSuchUser0000001", "User"));
  });
});

describe("DELETE /users/{id}/sessions", () => {
  async function signedIn() {
    const p = await createPerson();
    const c = await appFor(p);
    return { p, c, t: await tokensFor(ps.id, c, p) };
  }
  const expectSignedOut = (c: Client, sid: string) => {
    const params = codeParams(c, { prompt: "none" });
    return authorize(ps.id, params, { cookies: [sid] }).then((res) => expectRedirectError(res, "login_required", LOGIN_REQUIRED, { state: params.state }));
  };

  it("ends the person's sessions and leaves their tokens alone (Okta's default, oauthTokens=false)", async () => {
    const { p, c, t } = await signedIn();
    const res = await admin(`/users/${p.id}/sessions`, { method: "DELETE" });
    expect(res.status).toBe(204);
    await expectSignedOut(c, t.sid);
    await tokenBody(await refresh(ps.id, c, t.refresh_token));
  });

  it("with oauthTokens=true also revokes their refresh tokens and the access tokens those issued", async () => {
    const { p, c, t } = await signedIn();
    expect((await admin(`/users/${p.id}/sessions?oauthTokens=true`, { method: "DELETE" })).status).toBe(204);
    await expectSignedOut(c, t.sid);
    await expectOAuthError(await refresh(ps.id, c, t.refresh_token), 400, "invalid_grant", INVALID_REFRESH);
    expect((await introspect(ps.id, c, t.access_token)).active).toBe(false);
    expect((await oauthPost(ps.id, "introspect", { token: t.refresh_token }, asBasic(c)).then((r) => r.json())) as Json).toEqual({ active: false });
  });

  it("answers an unknown user with 404 E0000007 and a bad oauthTokens with 400 E0000001", async () => {
    await expectJson(await admin("/users/00uNoSuchUser0000001/sessions", { method: "DELETE" }), 404, notFound("00uNoSuchUser0000001", "User"));
    await expectJson(await admin(`/users/${person.id}/sessions?oauthTokens=yes`, { method: "DELETE" }), 400, {
      errorCode: "E0000001",
      errorSummary: "Api validation failed: User",
      errorLink: "E0000001",
      errorId: expect.stringMatching(ERROR_ID),
      errorCauses: [{ errorSummary: 'oauthTokens: Invalid option: expected one of "true"|"false"' }],
    });
  });
});
