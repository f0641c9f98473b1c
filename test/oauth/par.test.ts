import { SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { admin, BASE, call } from "../support/admin";
import { advanceTime, freezeTime } from "../support/clock";
import { basicAuth, clientKeyPair, expectOAuthError, FORM, type Client, type Json, type KeyPair } from "../support/clients";
import { webAppWith } from "../support/web-app-with";
import {
  assignUser,
  authorize,
  codeParams,
  createPerson,
  createWebApp,
  expectErrorPage,
  expectRedirectError,
  peopleServer,
  REDIRECT,
  redirectParams,
  sessionFor,
  type PeopleServer,
  type Person,
} from "../support/people";

const PREFIX = "urn:ietf:params:oauth:request_uri:";
const BAD_URI = "The 'request_uri' is invalid, expired, already used, or was issued to another client.";

let server: PeopleServer;
let person: Person;
let web: Client;
let other: Client;
/** A client with require_pushed_authorization_requests and registered keys (for request objects). */
let strict: Client & { keys: KeyPair };
let sid: string;

const parUrl = () => `/oauth2/${server.id}/v1/par`;
const push = (client: Pick<Client, "clientId" | "secret">, params: Record<string, string>) =>
  call(parUrl(), { method: "POST", headers: { "Content-Type": FORM, Authorization: basicAuth(client.clientId, client.secret) }, body: new URLSearchParams(params).toString() });

async function pushed(client: Client, params: Record<string, string>): Promise<string> {
  const res = await push(client, params);
  const body = (await res.json()) as Json;
  expect({ status: res.status, body }).toEqual({ status: 201, body: { request_uri: expect.stringMatching(/^urn:ietf:params:oauth:request_uri:[A-Za-z0-9]{32}$/), expires_in: 60 } });
  expect(res.headers.get("Cache-Control")).toBe("no-store");
  return body.request_uri;
}

beforeAll(async () => {
  server = await peopleServer();
  person = await createPerson();
  web = await createWebApp();
  other = await createWebApp();
  const keys = await clientKeyPair("ES256");
  strict = { ...(await webAppWith({ require_pushed_authorization_requests: true, jwks: { keys: [keys.publicJwk] } })), keys };
  for (const c of [web, other, strict]) await assignUser(c.id, person.id);
  sid = await sessionFor(server.id, web, person);
});

describe("POST /v1/par (RFC 9126)", () => {
  it("answers 201 with a one-time request_uri that /authorize takes with the client_id", async () => {
    const params = codeParams(web);
    const uri = await pushed(web, params);
    const back = redirectParams(await authorize(server.id, { client_id: web.clientId, request_uri: uri }, { cookies: [sid] }));
    expect(back).toEqual({ code: expect.any(String), state: params.state });
  });

  it("uses the pushed parameters only: the query's are ignored (RFC 9126 4)", async () => {
    const params = codeParams(web);
    const uri = await pushed(web, params);
    const back = redirectParams(await authorize(server.id, { client_id: web.clientId, request_uri: uri, state: "from-the-query" }, { cookies: [sid] }));
    expect(back.state).toBe(params.state);
  });

  it("refuses a replayed request_uri", async () => {
    const uri = await pushed(web, codeParams(web));
    expect((await authorize(server.id, { client_id: web.clientId, request_uri: uri }, { cookies: [sid] })).status).toBe(302);
    await expectErrorPage(await authorize(server.id, { client_id: web.clientId, request_uri: uri }, { cookies: [sid] }), "invalid_request_uri", BAD_URI);
  });

  it("refuses an expired request_uri (60 seconds)", async () => {
    freezeTime();
    const uri = await pushed(web, codeParams(web));
    advanceTime(60_000);
    await expectErrorPage(await authorize(server.id, { client_id: web.clientId, request_uri: uri }, { cookies: [sid] }), "invalid_request_uri", BAD_URI);
  });

  it("refuses another client's request_uri, which stays usable by its own client", async () => {
    const uri = await pushed(web, codeParams(web));
    await expectErrorPage(await authorize(server.id, { client_id: other.clientId, request_uri: uri }, { cookies: [sid] }), "invalid_request_uri", BAD_URI);
    expect((await authorize(server.id, { client_id: web.clientId, request_uri: uri }, { cookies: [sid] })).status).toBe(302);
  });

  it("refuses a request_uri this server did not issue, and one pushed to another server", async () => {
    await expectErrorPage(await authorize(server.id, { client_id: web.clientId, request_uri: "https://evil.example/req" }, { cookies: [sid] }), "invalid_request_uri", BAD_URI);
    await expectErrorPage(await authorize(server.id, { client_id: web.clientId, request_uri: `${PREFIX}made-up` }, { cookies: [sid] }), "invalid_request_uri", BAD_URI);
    const elsewhere = await peopleServer();
    const res = await call(`/oauth2/${elsewhere.id}/v1/par`, {
      method: "POST",
      headers: { "Content-Type": FORM, Authorization: basicAuth(web.clientId, web.secret) },
      body: new URLSearchParams(codeParams(web)).toString(),
    });
    const uri = ((await res.json()) as Json).request_uri;
    await expectErrorPage(await authorize(server.id, { client_id: web.clientId, request_uri: uri }, { cookies: [sid] }), "invalid_request_uri", BAD_URI);
  });

  it("refuses request and request_uri together", async () => {
    await expectErrorPage(await authorize(server.id, { client_id: web.clientId, request_uri: `${PREFIX}x`, request: "a.b.c" }), "invalid_request", "The 'request' and 'request_uri' parameters cannot both be used.");
  });

  it("refuses a body client_id that is not the authenticated client's, as client authentication does", async () => {
    const res = await push(web, { ...codeParams(web), client_id: other.clientId });
    await expectOAuthError(res, 401, "invalid_client", "Client authentication failed. Either the client or the client credentials are invalid.", { wwwAuthenticate: 'Basic realm="Mintgate"' });
  });

  it("requires client authentication", async () => {
    const res = await call(parUrl(), { method: "POST", headers: { "Content-Type": FORM }, body: new URLSearchParams(codeParams(web)).toString() });
    await expectOAuthError(res, 401, "invalid_client", "Client authentication failed. Either the client or the client credentials are invalid.");
    await expectOAuthError(await push({ clientId: web.clientId, secret: "wrong-secret-000000" }, codeParams(web)), 401, "invalid_client", "Client authentication failed. Either the client or the client credentials are invalid.", { wwwAuthenticate: 'Basic realm="Mintgate"' });
  });

  const refused: Array<[string, (p: Record<string, string>) => Record<string, string>, string, string]> = [
    ["a request_uri inside", (p) => ({ ...p, request_uri: `${PREFIX}x` }), "invalid_request", "The 'request_uri' parameter must not be included in a pushed authorization request."],
    ["an unregistered redirect_uri", (p) => ({ ...p, redirect_uri: "https://evil.example/cb" }), "invalid_request", "The 'redirect_uri' parameter must be a Login redirect URI in the client app settings."],
    ["an unknown scope", (p) => ({ ...p, scope: "nope" }), "invalid_scope", "One or more scopes are not configured for the authorization server resource."],
    ["an unsupported response_type", (p) => ({ ...p, response_type: "token" }), "unsupported_response_type", "The response type is not supported by the client. Configured response types: [code]."],
  ];
  it.each(refused)("validates before storing: refuses %s as the token endpoint would (RFC 9126 2.3)", async (_, change, error, description) => {
    await expectOAuthError(await push(web, change(codeParams(web))), 400, error, description);
  });
});

describe("require_pushed_authorization_requests (RFC 9126 6)", () => {
  it("is kept on the app and shown by the apps API", async () => {
    const res = await admin(`/apps/${strict.id}`);
    expect(((await res.json()) as Json).settings.oauthClient.require_pushed_authorization_requests).toBe(true);
  });

  it("refuses the client's authorization request without PAR, back at its redirect_uri", async () => {
    const params = codeParams(strict);
    expectRedirectError(await authorize(server.id, params, { cookies: [sid] }), "invalid_request", "This client must use a pushed authorization request (request_uri from the PAR endpoint).", { state: params.state });
  });

  it("refuses even a signed request object by value", async () => {
    const jwt = await new SignJWT({ ...codeParams(strict) }).setProtectedHeader({ alg: "ES256", kid: strict.keys.kid }).setIssuer(strict.clientId).setAudience(server.issuer).setExpirationTime("5m").sign(strict.keys.privateKey);
    expectRedirectError(
      await authorize(server.id, { client_id: strict.clientId, redirect_uri: REDIRECT, request: jwt }, { cookies: [sid] }),
      "invalid_request",
      "This client must use a pushed authorization request (request_uri from the PAR endpoint).",
    );
  });

  it("lets the client in through PAR", async () => {
    const params = codeParams(strict);
    const uri = await pushed(strict, params);
    expect(redirectParams(await authorize(server.id, { client_id: strict.clientId, request_uri: uri }, { cookies: [sid] }))).toEqual({ code: expect.any(String), state: params.state });
  });
});

describe("discovery", () => {
  it("names the PAR endpoint and says PAR is not required server-wide", async () => {
    const doc = (await (await call(`/oauth2/${server.id}/.well-known/openid-configuration`)).json()) as Json;
    expect(doc).toMatchObject({ pushed_authorization_request_endpoint: `${BASE}/oauth2/${server.id}/v1/par`, require_pushed_authorization_requests: false });
  });
});
