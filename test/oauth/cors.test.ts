import { beforeAll, describe, expect, it } from "vitest";
import { admin, call } from "../support/admin";
import { asBasic, FORM, type Client, type Json } from "../support/clients";
import { expectOktaError } from "../support/fixtures";
import {
  appFor,
  authorizePath,
  codeFor,
  codeParams,
  createPerson,
  peopleServer,
  REDIRECT,
  tokensFor,
  type PeopleServer,
  type Person,
} from "../support/people";

const tag = () => crypto.randomUUID().slice(0, 8);
const TRUSTED = `https://spa-${tag()}.example`;
const REDIRECT_ONLY = `https://redirect-${tag()}.example`;
const INACTIVE = `https://inactive-${tag()}.example`;
const UNTRUSTED = `https://untrusted-${tag()}.example`;

let server: PeopleServer;
let person: Person;
let client: Client;
let spa: Client;
let tokens: Json;

async function trustOrigin(origin: string, scopes: string[]): Promise<Json> {
  const res = await admin("/trustedOrigins", { method: "POST", json: { name: `origin-${tag()}`, origin, scopes: scopes.map((type) => ({ type })) } });
  const body = (await res.json()) as Json;
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body;
}

async function setOriginStatus(id: string, op: "activate" | "deactivate"): Promise<void> {
  expect((await admin(`/trustedOrigins/${id}/lifecycle/${op}`, { method: "POST" })).status).toBe(200);
}

beforeAll(async () => {
  await trustOrigin(TRUSTED, ["CORS", "REDIRECT"]);
  await trustOrigin(REDIRECT_ONLY, ["REDIRECT"]);
  const inactive = await trustOrigin(INACTIVE, ["CORS"]);
  await setOriginStatus(inactive.id, "deactivate");
  server = await peopleServer();
  person = await createPerson();
  client = await appFor(person);
  spa = await appFor(person, { application_type: "browser", method: "none", grant_types: ["authorization_code"] });
  tokens = await tokensFor(server.id, client, person);
});

interface Endpoint {
  name: string;
  path: () => string;
  send: (origin: string) => Promise<Response>;
  /** Preflight-checked too. */
  preflight?: boolean;
}

const v1 = () => `/oauth2/${server.id}/v1`;
const get = (path: () => string, headers: () => Record<string, string> = () => ({})) => (origin: string) =>
  call(path(), { headers: { Origin: origin, ...headers() } });
const post = (path: () => string, body: () => Record<string, string>, headers: () => Record<string, string> = () => ({})) => (origin: string) =>
  call(path(), { method: "POST", headers: { Origin: origin, "Content-Type": FORM, ...headers() }, body: new URLSearchParams(body()).toString() });

/** The endpoints Okta flags CORS-enabled (REFERENCE 1.8), each as a browser app would call it. */
const ENDPOINTS: Endpoint[] = [
  { name: "custom openid-configuration", path: () => `/oauth2/${server.id}/.well-known/openid-configuration`, send: get(() => `/oauth2/${server.id}/.well-known/openid-configuration`), preflight: true },
  { name: "custom oauth-authorization-server", path: () => `/oauth2/${server.id}/.well-known/oauth-authorization-server`, send: get(() => `/oauth2/${server.id}/.well-known/oauth-authorization-server`) },
  { name: "RFC 8414 path-inserted metadata", path: () => `/.well-known/oauth-authorization-server/oauth2/${server.id}`, send: get(() => `/.well-known/oauth-authorization-server/oauth2/${server.id}`) },
  { name: "org openid-configuration", path: () => "/.well-known/openid-configuration", send: get(() => "/.well-known/openid-configuration"), preflight: true },
  { name: "keys", path: () => `${v1()}/keys`, send: get(() => `${v1()}/keys`), preflight: true },
  { name: "org keys", path: () => "/oauth2/v1/keys", send: get(() => "/oauth2/v1/keys"), preflight: true },
  {
    name: "token (an error the app must read)",
    path: () => `${v1()}/token`,
    send: post(() => `${v1()}/token`, () => ({ grant_type: "refresh_token", refresh_token: "x".repeat(43), client_id: spa.clientId })),
    preflight: true,
  },
  { name: "introspect", path: () => `${v1()}/introspect`, send: post(() => `${v1()}/introspect`, () => ({ token: "x" }), () => asBasic(client)), preflight: true },
  { name: "revoke", path: () => `${v1()}/revoke`, send: post(() => `${v1()}/revoke`, () => ({ token: "x" }), () => asBasic(client)), preflight: true },
  { name: "userinfo", path: () => `${v1()}/userinfo`, send: get(() => `${v1()}/userinfo`, () => ({ Authorization: `Bearer ${tokens.access_token}` })), preflight: true },
  { name: "userinfo's 401", path: () => `${v1()}/userinfo`, send: get(() => `${v1()}/userinfo`, () => ({ Authorization: "Bearer nope" })) },
];
const ALL = ENDPOINTS.map((e) => [e.name, e] as const);
const PREFLIGHTED = ENDPOINTS.filter((e) => e.preflight).map((e) => [e.name, e] as const);

function preflight(path: string, origin: string, headers = "Authorization, Content-Type, X-Custom-Thing"): Promise<Response> {
  return call(path, {
    method: "OPTIONS",
    headers: { Origin: origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": headers },
  });
}

const varyOf = (res: Response) => (res.headers.get("Vary") ?? "").split(",").map((v) => v.trim().toLowerCase());

describe("a trusted origin with the CORS scope", () => {
  it.each(ALL)("gets Access-Control-Allow-Origin from %s", async (_name, e) => {
    const res = await e.send(TRUSTED);
    expect(res.status).toBeLessThan(500);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe(TRUSTED);
    expect(res.headers.get("Access-Control-Expose-Headers")).toBe("WWW-Authenticate");
    expect(res.headers.get("Access-Control-Allow-Credentials")).toBeNull();
    expect(varyOf(res)).toContain("origin");
  });

  it.each(PREFLIGHTED)("gets a 204 preflight answer from %s, naming only the allowed headers", async (_name, e) => {
    const res = await preflight(e.path(), TRUSTED);
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe(TRUSTED);
    expect(res.headers.get("Access-Control-Allow-Methods")).toBe("GET,POST,OPTIONS");
    expect(res.headers.get("Access-Control-Allow-Headers")).toBe("authorization, content-type");
    expect(res.headers.get("Access-Control-Max-Age")).toBe("600");
    expect(varyOf(res)).toContain("origin");
  });

  it("gets a token for a public SPA client, readable by the app", async () => {
    const a = await codeFor(server.id, spa, person, { sid: tokens.sid });
    const res = await call(`/oauth2/${server.id}/v1/token`, {
      method: "POST",
      headers: { Origin: TRUSTED, "Content-Type": FORM },
      body: new URLSearchParams({ grant_type: "authorization_code", code: a.code, redirect_uri: REDIRECT, code_verifier: a.verifier, client_id: spa.clientId }).toString(),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe(TRUSTED);
  });

  it("gets no CORS headers from endpoints that a browser navigates to (authorize, logout)", async () => {
    const authorize = await call(authorizePath(server.id, codeParams(client)), { headers: { Origin: TRUSTED } });
    expect(authorize.headers.get("Access-Control-Allow-Origin")).toBeNull();
    const logout = await call(`/oauth2/${server.id}/v1/logout?id_token_hint=${tokens.id_token}`, { headers: { Origin: TRUSTED } });
    expect(logout.headers.get("Access-Control-Allow-Origin")).toBeNull();
    const pre = await preflight(`/oauth2/${server.id}/v1/authorize`, TRUSTED);
    expect(pre.headers.get("Access-Control-Allow-Origin")).toBeNull();
  });

  it("is recognised at once after it is added, and refused at once after it is deactivated", async () => {
    const discovery = `/oauth2/${server.id}/.well-known/openid-configuration`;
    // Warm this isolate's view of the trusted origins.
    expect((await call(discovery, { headers: { Origin: TRUSTED } })).headers.get("Access-Control-Allow-Origin")).toBe(TRUSTED);
    const origin = `https://late-${tag()}.example`;
    const added = await trustOrigin(origin, ["CORS"]);
    expect((await call(discovery, { headers: { Origin: origin } })).headers.get("Access-Control-Allow-Origin")).toBe(origin);
    await setOriginStatus(added.id, "deactivate");
    expect((await call(discovery, { headers: { Origin: origin } })).headers.get("Access-Control-Allow-Origin")).toBeNull();
  });
});

describe.each([
  ["an untrusted origin", () => UNTRUSTED],
  ["a trusted origin with only the REDIRECT scope", () => REDIRECT_ONLY],
  ["an INACTIVE trusted origin", () => INACTIVE],
  ["the opaque origin null", () => "null"],
])("%s", (_name, origin) => {
  it.each(ALL)("gets no CORS headers from %s", async (_name, e) => {
    const res = await e.send(origin());
    expect(res.headers.get("Access-Control-Allow-Origin")).toBeNull();
    expect(res.headers.get("Access-Control-Expose-Headers")).toBeNull();
    expect(varyOf(res)).toContain("origin");
  });

  it.each(PREFLIGHTED)("gets a 403 preflight answer without CORS headers from %s", async (_name, e) => {
    const res = await preflight(e.path(), origin());
    expect(res.headers.get("Access-Control-Allow-Origin")).toBeNull();
    expect(res.headers.get("Access-Control-Allow-Methods")).toBeNull();
    expect(varyOf(res)).toContain("origin");
    // Okta's 403, through the error exit like every other refusal.
    await expectOktaError(res, 403, "E0000006", "You do not have permission to perform the requested action");
  });
});

describe("responses that vary by origin", () => {
  it("publicly cacheable discovery says Vary: Origin even to a request without Origin", async () => {
    const res = await call(`/oauth2/${server.id}/.well-known/openid-configuration`);
    expect(res.headers.get("Cache-Control")).toBe("public, max-age=300");
    expect(res.headers.get("Access-Control-Allow-Origin")).toBeNull();
    expect(varyOf(res)).toContain("origin");
  });
});
