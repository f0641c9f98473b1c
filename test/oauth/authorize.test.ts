import { decodeJwt } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { call } from "../support/admin";
import { appLifecycle, tokenBody, type Client, type Json } from "../support/clients";
import {
  authorize,
  codeParams,
  createPerson,
  createWebApp,
  esc,
  expectErrorPage,
  expectPageHeaders,
  expectRedirectError,
  formPage,
  formPost,
  halfHash,
  isSignInPage,
  peopleServer,
  pkce,
  REDIRECT,
  redeem,
  redirectParams,
  withoutIss,
  sessionFor,
  userinfo,
  verifyIdToken,
  assignUser,
  type PeopleServer,
  type Person,
} from "../support/people";

const REDIRECT_REFUSED = "The 'redirect_uri' parameter must be a Login redirect URI in the client app settings.";
const CLIENT_ID_REQUIRED = "The 'client_id' parameter is required.";
const BAD_CLIENT_ID = "Invalid value for 'client_id' parameter.";
const SERVER_TYPES = "The response type is not supported by the authorization server. Configured response types: [code, token, id_token].";
const NONCE_REQUIRED = "The 'nonce' parameter is required for authorize requests with either the 'id_token' or 'token' response types.";
const NO_QUERY_MODE = "The 'query' response mode is not allowed when the response type includes 'token' or 'id_token'.";
const BAD_MODE = "The response mode is not supported. Valid response modes: [query, fragment, form_post].";
const UNKNOWN_SCOPE = "One or more scopes are not configured for the authorization server resource.";
const NO_DEFAULT_SCOPES = "The authorization server resource does not have any configured default scopes, 'scope' must be provided.";
const OPENID_REQUIRED = "The 'openid' scope is required when requesting an ID token.";
const BAD_CHALLENGE = "The PKCE code challenge must be 43 to 128 characters with code_challenge_method 'S256'.";
const PKCE_REQUIRED = "PKCE code challenge is required by the application.";
const BAD_PROMPT = "The 'prompt' parameter is invalid. Valid values: none, login, consent.";
const BAD_MAX_AGE = "The 'max_age' parameter must be a non-negative integer.";
const TENANT_REDIRECT = "https://app.example/cb?tenant=1";

let server: PeopleServer;
let person: Person;
/** Allowed every response type and the implicit grant; assigned to `person`. */
let web: Client;
/** response_types [code] only. */
let codeOnly: Client;
/** response_types code, token, id_token but without the implicit grant. */
let noImplicit: Client;
/** A public browser client allowed only the implicit grant. */
let implicitOnly: Client;
let sid: string;

beforeAll(async () => {
  server = await peopleServer({ scopes: [{ name: "orders:read" }] });
  person = await createPerson();
  web = await createWebApp({
    grant_types: ["authorization_code", "implicit", "refresh_token"],
    response_types: ["code", "token", "id_token"],
    redirect_uris: [REDIRECT, TENANT_REDIRECT],
  });
  await assignUser(web.id, person.id);
  codeOnly = await createWebApp({ grant_types: ["authorization_code", "implicit"], response_types: ["code"] });
  noImplicit = await createWebApp({ grant_types: ["authorization_code"], response_types: ["code", "token", "id_token"] });
  implicitOnly = await createWebApp({ application_type: "browser", method: "none", grant_types: ["implicit"], response_types: ["code", "token", "id_token"] });
  sid = await sessionFor(server.id, web, person);
});

const without = (params: Record<string, string>, ...names: string[]) => Object.fromEntries(Object.entries(params).filter(([k]) => !names.includes(k)));

describe.each(["GET", "POST"] as const)("%s /authorize: errors shown as a page, never redirected", (method) => {
  const refused: Array<[string, (p: Record<string, string>) => Record<string, string>, string, string]> = [
    ["no client_id", (p) => without(p, "client_id"), "invalid_request", CLIENT_ID_REQUIRED],
    ["an empty client_id", (p) => ({ ...p, client_id: "" }), "invalid_request", CLIENT_ID_REQUIRED],
    ["an unknown client_id", (p) => ({ ...p, client_id: "0oaunknownclient0000" }), "invalid_client", BAD_CLIENT_ID],
    ["no redirect_uri", (p) => without(p, "redirect_uri"), "invalid_request", REDIRECT_REFUSED],
    ["an unregistered redirect_uri", (p) => ({ ...p, redirect_uri: "https://evil.example/callback" }), "invalid_request", REDIRECT_REFUSED],
    ["a redirect_uri with a trailing slash", (p) => ({ ...p, redirect_uri: `${REDIRECT}/` }), "invalid_request", REDIRECT_REFUSED],
    ["a redirect_uri in another letter case (path)", (p) => ({ ...p, redirect_uri: "https://app.example/Callback" }), "invalid_request", REDIRECT_REFUSED],
    ["a redirect_uri in another letter case (host)", (p) => ({ ...p, redirect_uri: "https://APP.example/callback" }), "invalid_request", REDIRECT_REFUSED],
    ["a redirect_uri with an extra query", (p) => ({ ...p, redirect_uri: `${REDIRECT}?next=/admin` }), "invalid_request", REDIRECT_REFUSED],
    ["a registered redirect_uri without its query", (p) => ({ ...p, redirect_uri: "https://app.example/cb" }), "invalid_request", REDIRECT_REFUSED],
    ["a redirect_uri with a fragment", (p) => ({ ...p, redirect_uri: `${REDIRECT}#x` }), "invalid_request", REDIRECT_REFUSED],
    ["a redirect_uri with a longer path", (p) => ({ ...p, redirect_uri: `${REDIRECT}/more` }), "invalid_request", REDIRECT_REFUSED],
    ["a redirect_uri over http instead of https", (p) => ({ ...p, redirect_uri: "http://app.example/callback" }), "invalid_request", REDIRECT_REFUSED],
    // The client is checked before anything the redirect would carry: a bad response_type is not redirected either.
    ["an unregistered redirect_uri and a bad response_type", (p) => ({ ...p, redirect_uri: "https://evil.example/cb", response_type: "bogus" }), "invalid_request", REDIRECT_REFUSED],
  ];

  it.each(refused)("refuses %s with a 400 page", async (_name, change, error, description) => {
    const res = await authorize(server.id, change(codeParams(web)), { method });
    await expectErrorPage(res, error, description);
  });

  it("refuses a client that was deactivated", async () => {
    const client = await createWebApp();
    expect((await appLifecycle(client.id, "deactivate")).status).toBe(200);
    await expectErrorPage(await authorize(server.id, codeParams(client), { method }), "invalid_client", BAD_CLIENT_ID);
  });

  it.each(["client_id", "redirect_uri", "state", "scope", "response_type"])("refuses a duplicated %s parameter (RFC 6749 3.1)", async (name) => {
    const params = new URLSearchParams(codeParams(web));
    params.append(name, params.get(name)!);
    const res = await authorize(server.id, params.toString(), { method, cookies: [sid] });
    await expectErrorPage(res, "invalid_request", `The '${name}' parameter was included more than once.`);
  });
});

describe("POST /authorize", () => {
  it("refuses a body that is not form-urlencoded with a 400 page", async () => {
    const res = await call(`/oauth2/${server.id}/v1/authorize`, { method: "POST", json: codeParams(web) });
    await expectErrorPage(res, "invalid_request", "The request must use the 'application/x-www-form-urlencoded' content type.");
  });

  it("shows the sign-in page to a browser without a session, as GET does", async () => {
    const page = await formPage(await authorize(server.id, codeParams(web), { method: "POST" }));
    expect(isSignInPage(page.html)).toBe(true);
  });

  it("answers with a code for a browser with a session, as GET does", async () => {
    const params = codeParams(web);
    const back = redirectParams(await authorize(server.id, params, { method: "POST", cookies: [sid] }));
    expect(Object.keys(back).sort()).toEqual(["code", "state"]);
    expect(back.state).toBe(params.state);
  });

  it("sends a POSTed request's errors to the redirect_uri", async () => {
    const res = await authorize(server.id, { ...codeParams(web), scope: "openid nope", state: "p1" }, { method: "POST" });
    expectRedirectError(res, "invalid_scope", UNKNOWN_SCOPE, { state: "p1" });
  });
});

type Row = [string, (p: Record<string, string>) => Record<string, string>, string, string, "query" | "fragment"];
const BIG = "A".repeat(129);

describe("errors sent back to the redirect_uri with error, error_description and state", () => {
  const rows: Row[] = [
    // An unknown type might carry tokens: its error takes the fragment, the safe default.
    ["an unknown response_type", (p) => ({ ...p, response_type: "bogus" }), "unsupported_response_type", SERVER_TYPES, "fragment"],
    ["no response_type", (p) => without(p, "response_type"), "unsupported_response_type", SERVER_TYPES, "query"],
    ["a repeated response_type value", (p) => ({ ...p, response_type: "code code" }), "unsupported_response_type", SERVER_TYPES, "query"],
    ["response_type none", (p) => ({ ...p, response_type: "none" }), "unsupported_response_type", SERVER_TYPES, "fragment"],
    ["an unknown response_mode", (p) => ({ ...p, response_mode: "okta_post_message" }), "invalid_request", BAD_MODE, "query"],
    ["an unknown scope", (p) => ({ ...p, scope: "openid orders:write" }), "invalid_scope", UNKNOWN_SCOPE, "query"],
    ["no scope on a server without default scopes", (p) => without(p, "scope"), "invalid_scope", NO_DEFAULT_SCOPES, "query"],
    ["id_token without openid", (p) => ({ ...p, response_type: "id_token", scope: "profile email" }), "invalid_scope", OPENID_REQUIRED, "fragment"],
    ["code id_token without openid", (p) => ({ ...p, response_type: "code id_token", scope: "profile" }), "invalid_scope", OPENID_REQUIRED, "fragment"],
    ["id_token without a nonce", (p) => ({ ...without(p, "nonce"), response_type: "id_token" }), "invalid_request", NONCE_REQUIRED, "fragment"],
    ["token without a nonce", (p) => ({ ...without(p, "nonce"), response_type: "token" }), "invalid_request", NONCE_REQUIRED, "fragment"],
    ["id_token token without a nonce", (p) => ({ ...without(p, "nonce"), response_type: "id_token token" }), "invalid_request", NONCE_REQUIRED, "fragment"],
    ["code id_token without a nonce", (p) => ({ ...without(p, "nonce"), response_type: "code id_token" }), "invalid_request", NONCE_REQUIRED, "fragment"],
    ["code token without a nonce", (p) => ({ ...without(p, "nonce"), response_type: "code token" }), "invalid_request", NONCE_REQUIRED, "fragment"],
    // The error itself carries no token, so it may use the query the client asked for.
    ["response_mode query with token", (p) => ({ ...p, response_type: "token", response_mode: "query" }), "invalid_request", NO_QUERY_MODE, "query"],
    ["response_mode query with id_token", (p) => ({ ...p, response_type: "id_token", response_mode: "query" }), "invalid_request", NO_QUERY_MODE, "query"],
    ["response_mode query with code id_token", (p) => ({ ...p, response_type: "code id_token", response_mode: "query" }), "invalid_request", NO_QUERY_MODE, "query"],
    ["the plain PKCE method", (p) => ({ ...p, code_challenge: "x".repeat(43), code_challenge_method: "plain" }), "invalid_request", "The PKCE code challenge method is not supported. Use 'S256'.", "query"],
    ["a code_challenge of 42 characters", (p) => ({ ...p, code_challenge: "A".repeat(42), code_challenge_method: "S256" }), "invalid_request", BAD_CHALLENGE, "query"],
    ["a code_challenge of 129 characters", (p) => ({ ...p, code_challenge: BIG, code_challenge_method: "S256" }), "invalid_request", BAD_CHALLENGE, "query"],
    ["a code_challenge with characters outside RFC 7636", (p) => ({ ...p, code_challenge: `${"A".repeat(42)}+`, code_challenge_method: "S256" }), "invalid_request", BAD_CHALLENGE, "query"],
    ["a code_challenge without a method (plain by default)", (p) => ({ ...p, code_challenge: "A".repeat(43) }), "invalid_request", BAD_CHALLENGE, "query"],
    ["prompt select_account", (p) => ({ ...p, prompt: "select_account" }), "invalid_request", BAD_PROMPT, "query"],
    ["prompt none with login", (p) => ({ ...p, prompt: "none login" }), "invalid_request", BAD_PROMPT, "query"],
    ["prompt none with consent", (p) => ({ ...p, prompt: "consent none" }), "invalid_request", BAD_PROMPT, "query"],
    ["a negative max_age", (p) => ({ ...p, max_age: "-1" }), "invalid_request", BAD_MAX_AGE, "query"],
    ["a max_age that is not a number", (p) => ({ ...p, max_age: "soon" }), "invalid_request", BAD_MAX_AGE, "query"],
    ["a fractional max_age", (p) => ({ ...p, max_age: "1.5" }), "invalid_request", BAD_MAX_AGE, "query"],
  ];

  it.each(rows)("refuses %s", async (_name, change, error, description, mode) => {
    const params = change(codeParams(web));
    expectRedirectError(await authorize(server.id, params, { cookies: [sid] }), error, description, { state: params.state, mode });
  });

  it("leaves state out of the error when the request had none", async () => {
    const res = await authorize(server.id, { ...without(codeParams(web), "state"), scope: "openid nope" });
    expectRedirectError(res, "invalid_scope", UNKNOWN_SCOPE);
  });

  it("sends the error in the fragment when the client asks for fragment mode", async () => {
    const params: Record<string, string> = { ...codeParams(web), scope: "nope", response_mode: "fragment" };
    expectRedirectError(await authorize(server.id, params), "invalid_scope", UNKNOWN_SCOPE, { state: params.state, mode: "fragment" });
  });

  it("posts the error with form_post when the client asks for it", async () => {
    const params: Record<string, string> = { ...codeParams(web), scope: "nope", response_mode: "form_post" };
    const post = await formPost(await authorize(server.id, params));
    expect(post.fields).toEqual({ error: "invalid_scope", error_description: UNKNOWN_SCOPE, state: params.state });
  });

  it("refuses a response_type the client is not registered for, in the mode that type implies", async () => {
    const params: Record<string, string> = { ...codeParams(codeOnly), response_type: "id_token" };
    expectRedirectError(await authorize(server.id, params), "unsupported_response_type", "The response type is not supported by the client. Configured response types: [code].", {
      state: params.state,
      mode: "fragment",
    });
  });

  it.each(["token", "id_token", "id_token token", "code id_token"])("refuses %s to a client without the implicit grant", async (type) => {
    const params: Record<string, string> = { ...codeParams(noImplicit), response_type: type };
    expectRedirectError(
      await authorize(server.id, params),
      "unauthorized_client",
      "The client is not authorized to use the provided grant type. Configured grant types: [authorization_code].",
      { state: params.state, mode: "fragment" },
    );
  });

  it("refuses code to a client without the authorization_code grant", async () => {
    const { challenge } = await pkce();
    const params: Record<string, string> = { ...codeParams(implicitOnly), code_challenge: challenge, code_challenge_method: "S256" };
    expectRedirectError(await authorize(server.id, params), "unauthorized_client", "The client is not authorized to use the provided grant type. Configured grant types: [implicit].", {
      state: params.state,
    });
  });
});

describe("PKCE requirements", () => {
  it("requires a code_challenge from a public client (token_endpoint_auth_method none)", async () => {
    const spa = await createWebApp({ application_type: "browser", method: "none", grant_types: ["authorization_code"] });
    const params = codeParams(spa);
    expectRedirectError(await authorize(server.id, params), "invalid_request", PKCE_REQUIRED, { state: params.state });
  });

  it("requires a code_challenge from a native public client", async () => {
    const app = await createWebApp({ application_type: "native", method: "none", grant_types: ["authorization_code"] });
    const params = codeParams(app);
    expectRedirectError(await authorize(server.id, params), "invalid_request", PKCE_REQUIRED, { state: params.state });
  });

  it("requires a code_challenge from a confidential client with pkce_required", async () => {
    const app = await createWebApp({ pkce_required: true });
    const params = codeParams(app);
    expectRedirectError(await authorize(server.id, params), "invalid_request", PKCE_REQUIRED, { state: params.state });
  });

  it("accepts a public client's request with an S256 challenge", async () => {
    const spa = await createWebApp({ application_type: "browser", method: "none", grant_types: ["authorization_code"] });
    await assignUser(spa.id, person.id);
    const { challenge } = await pkce();
    const back = redirectParams(await authorize(server.id, codeParams(spa, { code_challenge: challenge, code_challenge_method: "S256" }), { cookies: [sid] }));
    expect(back.code).toBeTruthy();
  });

  it("does not require PKCE from a confidential client without pkce_required", async () => {
    const back = redirectParams(await authorize(server.id, codeParams(web), { cookies: [sid] }));
    expect(back.code).toBeTruthy();
  });
});
