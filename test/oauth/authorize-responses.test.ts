import { decodeJwt } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { tokenBody, type Client, type Json } from "../support/clients";
import { authorize, codeParams, esc, formPost, halfHash, pkce, REDIRECT, redeem, redirectParams, userinfo, verifyIdToken, type PeopleServer, type Person } from "../support/people";
import { signedInWithApp } from "../support/person-with-app";

const TENANT_REDIRECT = "https://app.example/cb?tenant=1";

let server: PeopleServer;
let person: Person;
/** Allowed every response type and the implicit grant; assigned to `person`. */
let web: Client;
let sid: string;

beforeAll(async () => {
  ({ server, person, client: web, sid } = await signedInWithApp({
    server: { scopes: [{ name: "orders:read" }] },
    app: { grant_types: ["authorization_code", "implicit", "refresh_token"], response_types: ["code", "token", "id_token"], redirect_uris: [REDIRECT, TENANT_REDIRECT] },
  }));
});

describe("response modes", () => {
  it("sends a code in the query by default, with Referrer-Policy no-referrer", async () => {
    const params = codeParams(web);
    const res = await authorize(server.id, params, { cookies: [sid] });
    const back = redirectParams(res, "query");
    expect(back).toEqual({ code: expect.stringMatching(/^[0-9a-f]{64}[0-9A-Za-z]{43}$/), state: params.state });
  });

  it("keeps the query of a registered redirect_uri and adds the response to it", async () => {
    const params = codeParams(web, { redirect_uri: TENANT_REDIRECT });
    const res = await authorize(server.id, params, { cookies: [sid] });
    const url = new URL(res.headers.get("Location")!);
    expect(url.searchParams.get("tenant")).toBe("1");
    expect(redirectParams(res, "query", TENANT_REDIRECT)).toEqual({ code: expect.any(String), state: params.state });
  });

  it("sends a code in the fragment when asked", async () => {
    const params = codeParams(web, { response_mode: "fragment" });
    expect(redirectParams(await authorize(server.id, params, { cookies: [sid] }), "fragment")).toEqual({ code: expect.any(String), state: params.state });
  });

  it("sends tokens in the fragment by default and never in the query", async () => {
    const params = codeParams(web, { response_type: "token" });
    const res = await authorize(server.id, params, { cookies: [sid] });
    expect(new URL(res.headers.get("Location")!).search).toBe("");
    expect(redirectParams(res, "fragment")).toEqual({
      access_token: expect.any(String),
      token_type: "Bearer",
      expires_in: "3600",
      scope: "openid profile email offline_access",
      state: params.state,
    });
  });

  it("posts a code with form_post: an auto-submitting page with a CSP script nonce", async () => {
    const params = codeParams(web, { response_mode: "form_post" });
    const post = await formPost(await authorize(server.id, params, { cookies: [sid] }));
    expect(post.action).toBe(REDIRECT);
    expect(post.fields).toEqual({ code: expect.stringMatching(/^[0-9a-f]{64}[0-9A-Za-z]{43}$/), state: params.state });
  });

  it("posts tokens with form_post", async () => {
    const params = codeParams(web, { response_type: "id_token token", response_mode: "form_post" });
    const post = await formPost(await authorize(server.id, params, { cookies: [sid] }));
    expect(Object.keys(post.fields).sort()).toEqual(["access_token", "expires_in", "id_token", "scope", "state", "token_type"]);
  });

  it("escapes the state it posts back", async () => {
    const state = `"><script>alert(1)</script>`;
    const post = await formPost(await authorize(server.id, codeParams(web, { response_mode: "form_post", state }), { cookies: [sid] }));
    expect(post.html).toContain(`name="state" value="${esc(state)}"`);
    expect(post.html).not.toContain("<script>alert");
  });

  it("uses a fresh script nonce for every form_post page", async () => {
    const nonceOf = async () =>
      (await authorize(server.id, codeParams(web, { response_mode: "form_post" }), { cookies: [sid] })).headers.get("Content-Security-Policy");
    expect(await nonceOf()).not.toBe(await nonceOf());
  });
});

describe("response types", () => {
  const claimsOf = (t: string) => decodeJwt(t) as Json;

  it("code: only a code and state; the ID token from the token endpoint carries the nonce", async () => {
    const { verifier, challenge } = await pkce();
    const params = codeParams(web, { code_challenge: challenge, code_challenge_method: "S256" });
    const back = redirectParams(await authorize(server.id, params, { cookies: [sid] }));
    expect(Object.keys(back).sort()).toEqual(["code", "state"]);
    const tokens = await tokenBody(await redeem(server.id, web, { code: back.code!, verifier }));
    const id = await verifyIdToken(server.id, tokens.id_token, web.clientId);
    expect(id).toMatchObject({ sub: person.id, nonce: params.nonce, at_hash: await halfHash(tokens.access_token) });
    expect(id.c_hash).toBeUndefined();
  });

  it("id_token: a signed ID token with the nonce and the profile claims, and no hashes", async () => {
    const params = codeParams(web, { response_type: "id_token" });
    const back = redirectParams(await authorize(server.id, params, { cookies: [sid] }), "fragment");
    expect(Object.keys(back).sort()).toEqual(["id_token", "state"]);
    const id = await verifyIdToken(server.id, back.id_token!, web.clientId);
    expect(id).toMatchObject({
      ver: 1,
      sub: person.id,
      iss: server.issuer,
      aud: web.clientId,
      nonce: params.nonce,
      amr: ["pwd"],
      auth_time: expect.any(Number),
      jti: expect.stringMatching(/^ID\./),
      email: person.login,
      preferred_username: person.login,
      given_name: "Ada",
      family_name: "Lovelace",
    });
    expect(id.exp! - id.iat!).toBe(3600);
    expect(id.at_hash).toBeUndefined();
    expect(id.c_hash).toBeUndefined();
  });

  it("token: an access token for the person, usable at userinfo, and no ID token", async () => {
    const params = codeParams(web, { response_type: "token", scope: "openid email" });
    const back = redirectParams(await authorize(server.id, params, { cookies: [sid] }), "fragment");
    expect(back).toEqual({ access_token: expect.any(String), token_type: "Bearer", expires_in: "3600", scope: "openid email", state: params.state });
    expect(claimsOf(back.access_token!)).toMatchObject({ iss: server.issuer, aud: server.audience, sub: person.login, uid: person.id, cid: web.clientId, scp: ["openid", "email"] });
    const ui = await userinfo(server.id, back.access_token!);
    expect(await ui.json()).toEqual({ sub: person.id, email: person.login, email_verified: false });
  });

  it.each(["id_token token", "token id_token"])("%s: at_hash of the access token, and a thin ID token", async (type) => {
    const params = codeParams(web, { response_type: type });
    const back = redirectParams(await authorize(server.id, params, { cookies: [sid] }), "fragment");
    expect(Object.keys(back).sort()).toEqual(["access_token", "expires_in", "id_token", "scope", "state", "token_type"]);
    const id = await verifyIdToken(server.id, back.id_token!, web.clientId);
    expect(id.at_hash).toBe(await halfHash(back.access_token!));
    expect(id.c_hash).toBeUndefined();
    expect(id.nonce).toBe(params.nonce);
    // REFERENCE 7.2: with an access token alongside, a custom server's ID token leaves the profile claims to /userinfo.
    expect(id.email).toBeUndefined();
    expect(id.preferred_username).toBeUndefined();
  });

  it("code id_token: c_hash of the code, full claims, and a code that redeems", async () => {
    const params = codeParams(web, { response_type: "code id_token" });
    const back = redirectParams(await authorize(server.id, params, { cookies: [sid] }), "fragment");
    expect(Object.keys(back).sort()).toEqual(["code", "id_token", "state"]);
    const id = await verifyIdToken(server.id, back.id_token!, web.clientId);
    expect(id.c_hash).toBe(await halfHash(back.code!));
    expect(id.at_hash).toBeUndefined();
    expect(id).toMatchObject({ nonce: params.nonce, email: person.login });
    const tokens = await tokenBody(await redeem(server.id, web, { code: back.code!, verifier: "" }, { code_verifier: null }));
    expect((await verifyIdToken(server.id, tokens.id_token, web.clientId)).nonce).toBe(params.nonce);
  });

  it("code token: a code and an access token, no ID token", async () => {
    const params = codeParams(web, { response_type: "code token" });
    const back = redirectParams(await authorize(server.id, params, { cookies: [sid] }), "fragment");
    expect(Object.keys(back).sort()).toEqual(["access_token", "code", "expires_in", "scope", "state", "token_type"]);
  });

  it("code id_token token: both hashes in the ID token", async () => {
    const params = codeParams(web, { response_type: "code id_token token" });
    const back = redirectParams(await authorize(server.id, params, { cookies: [sid] }), "fragment");
    expect(Object.keys(back).sort()).toEqual(["access_token", "code", "expires_in", "id_token", "scope", "state", "token_type"]);
    const id = await verifyIdToken(server.id, back.id_token!, web.clientId);
    expect(id.c_hash).toBe(await halfHash(back.code!));
    expect(id.at_hash).toBe(await halfHash(back.access_token!));
    expect(id.nonce).toBe(params.nonce);
  });
});
