import { SignJWT, type CryptoKey } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { REQUEST_OBJECT_ALGS } from "../../src/oauth/endpoints/served";
import { BASE, call } from "../support/admin";
import { basicAuth, clientKeyPair, expectOAuthError, FORM, type Client, type Json, type KeyPair } from "../support/clients";
import { assignUser, authorize, codeParams, createPerson, createWebApp, expectErrorPage, peopleServer, redirectParams, sessionFor, type PeopleServer } from "../support/people";
import { webAppWith } from "../support/web-app-with";

let server: PeopleServer;
let client: Client & { keys: KeyPair };
/** A client with no registered keys. */
let keyless: Client;
let sid: string;

interface ObjectOptions {
  iss?: string | null;
  aud?: string;
  exp?: number | null;
  alg?: string;
  key?: CryptoKey | Uint8Array;
  jti?: string;
  extra?: Json;
}

/** A request object (RFC 9101) carrying `params`, signed with the client's key unless told otherwise. */
async function requestObject(params: Record<string, unknown>, o: ObjectOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const payload: Json = { ...params, ...o.extra };
  if (o.iss !== null) payload.iss = o.iss ?? client.clientId;
  payload.aud = o.aud ?? server.issuer;
  if (o.exp !== null) payload.exp = o.exp ?? now + 300;
  if (o.jti) payload.jti = o.jti;
  return new SignJWT(payload).setProtectedHeader({ alg: o.alg ?? "ES256", kid: client.keys.kid }).sign(o.key ?? client.keys.privateKey);
}

const authorizeWith = (jwt: string, outer: Record<string, string> = {}) =>
  authorize(server.id, { client_id: client.clientId, request: jwt, ...outer }, { cookies: [sid] });

const b64 = (o: object) => btoa(JSON.stringify(o)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

beforeAll(async () => {
  server = await peopleServer();
  const person = await createPerson();
  const keys = await clientKeyPair("ES256");
  client = { ...(await webAppWith({ jwks: { keys: [keys.publicJwk] } })), keys };
  keyless = await createWebApp();
  await assignUser(client.id, person.id);
  await assignUser(keyless.id, person.id);
  sid = await sessionFor(server.id, client, person);
});

describe("request objects at /authorize (RFC 9101)", () => {
  it("takes the parameters from a request object signed with the client's registered key", async () => {
    const params = codeParams(client);
    const back = redirectParams(await authorizeWith(await requestObject(params)));
    expect(back).toEqual({ code: expect.any(String), state: params.state });
  });

  it("uses the object's parameters and no others (RFC 9101 5): the query's state and scope are ignored", async () => {
    const params = codeParams(client);
    const back = redirectParams(await authorizeWith(await requestObject(params), { state: "from-query", scope: "nope", redirect_uri: "https://evil.example/cb" }));
    expect(back.state).toBe(params.state);
  });

  it("refuses a second use of a request object with a jti (Okta)", async () => {
    const jwt = await requestObject(codeParams(client), { jti: crypto.randomUUID() });
    expect((await authorizeWith(jwt)).status).toBe(302);
    await expectErrorPage(await authorizeWith(jwt), "invalid_request_object", "The request object has already been used.");
  });

  const refused: Array<[string, () => Promise<string>, string]> = [
    ["an unsigned object (alg none)", async () => `${b64({ alg: "none" })}.${b64({ ...codeParams(client), iss: client.clientId, aud: server.issuer, exp: Math.floor(Date.now() / 1000) + 60 })}.`, `The request object must be signed with one of: ${REQUEST_OBJECT_ALGS.join(", ")}.`],
    ["an HMAC-signed object", () => requestObject(codeParams(client), { alg: "HS256", key: new TextEncoder().encode("a-shared-secret-of-32-characters!") }), `The request object must be signed with one of: ${REQUEST_OBJECT_ALGS.join(", ")}.`],
    ["an object signed with another key", async () => requestObject(codeParams(client), { key: (await clientKeyPair("ES256")).privateKey }), "The request object's signature or claims are invalid."],
    ["an audience other than the issuer", () => requestObject(codeParams(client), { aud: `${BASE}/oauth2/default` }), "The request object's 'aud' must be the issuer."],
    ["an iss other than the client", () => requestObject(codeParams(client), { iss: "someone-else" }), "The request object's 'iss' must be the client_id."],
    ["no exp", () => requestObject(codeParams(client), { exp: null }), "The request object's signature or claims are invalid."],
    ["an expired object", () => requestObject(codeParams(client), { exp: Math.floor(Date.now() / 1000) - 10 }), "The request object has expired."],
    ["an exp more than an hour away (Okta)", () => requestObject(codeParams(client), { exp: Math.floor(Date.now() / 1000) + 3700 }), "The request object's expiration is too far in the future."],
    ["a client_id inside that is not the request's", () => requestObject({ ...codeParams(client), client_id: keyless.clientId }), "The request object's client_id does not match the request."],
    ["a nested request_uri", () => requestObject({ ...codeParams(client), request_uri: "urn:x" }), "A request object must not contain 'request' or 'request_uri'."],
    ["garbage", async () => "not-a-jwt", "The request object is not a valid JWT."],
  ];
  it.each(refused)("refuses %s with a page (its redirect_uri cannot be trusted)", async (_, jwt, description) => {
    await expectErrorPage(await authorizeWith(await jwt()), "invalid_request_object", description);
  });

  it("refuses a request object from a client with no registered keys", async () => {
    const jwt = await requestObject(codeParams(keyless), { iss: keyless.clientId });
    await expectErrorPage(await authorize(server.id, { client_id: keyless.clientId, request: jwt }, { cookies: [sid] }), "invalid_request_object", "The client has no registered keys to verify the request object with.");
  });
});

describe("request objects at /par (RFC 9126 3)", () => {
  const pushObject = (jwt: string) =>
    call(`/oauth2/${server.id}/v1/par`, { method: "POST", headers: { "Content-Type": FORM, Authorization: basicAuth(client.clientId, client.secret) }, body: new URLSearchParams({ request: jwt }).toString() });

  it("unpacks a signed object into the pushed request", async () => {
    const params = codeParams(client);
    const res = await pushObject(await requestObject(params));
    expect(res.status).toBe(201);
    const uri = ((await res.json()) as Json).request_uri;
    expect(redirectParams(await authorize(server.id, { client_id: client.clientId, request_uri: uri }, { cookies: [sid] }))).toEqual({ code: expect.any(String), state: params.state });
  });

  it("refuses a wrongly signed object as JSON: invalid_request_object", async () => {
    const jwt = await requestObject(codeParams(client), { key: (await clientKeyPair("ES256")).privateKey });
    await expectOAuthError(await pushObject(jwt), 400, "invalid_request_object", "The request object's signature or claims are invalid.");
  });

  it("validates the unpacked parameters", async () => {
    await expectOAuthError(await pushObject(await requestObject({ ...codeParams(client), redirect_uri: "https://evil.example/cb" })), 400, "invalid_request", "The 'redirect_uri' parameter must be a Login redirect URI in the client app settings.");
  });
});

describe("discovery", () => {
  it("advertises request objects and the asymmetric algorithms they may use", async () => {
    const doc = (await (await call(`/oauth2/${server.id}/.well-known/openid-configuration`)).json()) as Json;
    expect(doc).toMatchObject({ request_parameter_supported: true, request_uri_parameter_supported: false, request_object_signing_alg_values_supported: [...REQUEST_OBJECT_ALGS] });
  });
});

