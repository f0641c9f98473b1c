import { decodeJwt } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { DPOP_ALGS } from "../../src/errors";
import { BASE, call } from "../support/admin";
import { expectOAuthError, introspect, oauthPost, tokenBody, type Client, type Json } from "../support/clients";
import { dpopKey, dpopProof, type DpopKey } from "../support/dpop";
import { appFor, assignUser, codeFor, createPerson, peopleServer, REDIRECT, type PeopleServer, type Person } from "../support/people";
import { webAppWith } from "../support/web-app-with";

let server: PeopleServer;
let person: Person;
/** A public browser client: its refresh tokens are bound to the DPoP key (RFC 9449 5). */
let spa: Client;
/** A confidential web client with a secret. */
let web: Client;
/** A confidential web client without dpop_bound_access_tokens: Bearer tokens. */
let plain: Client;
let key: DpopKey;
let tokenUrl: string;
let userinfoUrl: string;

const dpopChallenge = (error: string, description: string) => `DPoP error="${error}", error_description="${description}", algs="${DPOP_ALGS.join(" ")}"`;

/** A token request with a DPoP proof, after fetching the server's nonce (Okta requires one). */
async function dpopTokenRequest(client: Client, params: Record<string, string>, k: DpopKey | null = key): Promise<Response> {
  const auth: Record<string, string> = client.secret ? { Authorization: `Basic ${btoa(`${client.clientId}:${client.secret}`)}` } : {};
  const body = client.secret ? params : { ...params, client_id: client.clientId };
  if (!k) return oauthPost(server.id, "token", body, auth);
  const first = await oauthPost(server.id, "token", body, { ...auth, DPoP: await dpopProof(k, { htu: tokenUrl }) });
  expect(first.status).toBe(400);
  const nonce = first.headers.get("DPoP-Nonce")!;
  return oauthPost(server.id, "token", body, { ...auth, DPoP: await dpopProof(k, { htu: tokenUrl, nonce }) });
}

async function codeTokens(client: Client, k: DpopKey | null = key): Promise<Json> {
  const a = await codeFor(server.id, client, person);
  return tokenBody(await dpopTokenRequest(client, { grant_type: "authorization_code", code: a.code, redirect_uri: REDIRECT, code_verifier: a.verifier }, k));
}

const userinfo = (authorization: string, proof?: string) =>
  call(`/oauth2/${server.id}/v1/userinfo`, { headers: { Authorization: authorization, ...(proof ? { DPoP: proof } : {}) } });

async function expectChallenge(res: Response, status: number, challenge: string): Promise<void> {
  expect({ status: res.status, challenge: res.headers.get("WWW-Authenticate"), body: await res.text() }).toEqual({ status, challenge, body: "" });
  expect(res.headers.get("Cache-Control")).toBe("no-store");
}

beforeAll(async () => {
  server = await peopleServer();
  person = await createPerson();
  spa = await webAppWith({ application_type: "browser", grant_types: ["authorization_code", "refresh_token"], dpop_bound_access_tokens: true }, "none");
  web = await webAppWith({ dpop_bound_access_tokens: true });
  plain = await appFor(person);
  for (const c of [spa, web]) await assignUser(c.id, person.id);
  key = await dpopKey();
  tokenUrl = `${BASE}/oauth2/${server.id}/v1/token`;
  userinfoUrl = `${BASE}/oauth2/${server.id}/v1/userinfo`;
});

describe("the code flow with DPoP", () => {
  it("binds the access token (cnf.jkt) and answers token_type DPoP", async () => {
    const tokens = await codeTokens(spa);
    expect(tokens.token_type).toBe("DPoP");
    expect(decodeJwt(tokens.access_token).cnf).toEqual({ jkt: key.jkt });
    expect(tokens.refresh_token).toBeTruthy();
  });

  it("binds a public client's refresh token to the key: refreshing needs a proof of that very key", async () => {
    const tokens = await codeTokens(spa);
    const refresh = { grant_type: "refresh_token", refresh_token: tokens.refresh_token };
    await expectOAuthError(await dpopTokenRequest(spa, refresh, null), 400, "invalid_dpop_proof", "The DPoP proof JWT header is missing.");
    await expectOAuthError(await dpopTokenRequest(spa, refresh, await dpopKey()), 400, "invalid_grant", "The refresh token is bound to a different DPoP key.");
    // The refusals burned nothing: the right key still refreshes, and the new refresh token keeps the binding.
    const next = await tokenBody(await dpopTokenRequest(spa, refresh));
    expect(decodeJwt(next.access_token).cnf).toEqual({ jkt: key.jkt });
    await expectOAuthError(await dpopTokenRequest(spa, { grant_type: "refresh_token", refresh_token: next.refresh_token }, await dpopKey()), 400, "invalid_grant", "The refresh token is bound to a different DPoP key.");
  });

  it("says which key a bound refresh token has at introspection", async () => {
    const tokens = await codeTokens(spa);
    const res = await oauthPost(server.id, "introspect", { token: tokens.refresh_token, client_id: spa.clientId });
    expect(await res.json()).toMatchObject({ active: true, token_type: "refresh_token", cnf: { jkt: key.jkt } });
  });

  it("refuses a DPoP client's code redemption without a proof", async () => {
    const a = await codeFor(server.id, spa, person);
    await expectOAuthError(await dpopTokenRequest(spa, { grant_type: "authorization_code", code: a.code, redirect_uri: REDIRECT, code_verifier: a.verifier }, null), 400, "invalid_dpop_proof", "The DPoP proof JWT header is missing.");
  });

  it("does not bind a confidential client's refresh token (its authentication binds it), only its access tokens", async () => {
    const tokens = await codeTokens(web);
    const other = await dpopKey();
    const next = await tokenBody(await dpopTokenRequest(web, { grant_type: "refresh_token", refresh_token: tokens.refresh_token }, other));
    expect(decodeJwt(next.access_token).cnf).toEqual({ jkt: other.jkt });
    expect(await introspect(server.id, web, next.access_token)).toMatchObject({ token_type: "DPoP", cnf: { jkt: other.jkt } });
  });
});

describe("userinfo honours DPoP (RFC 9449 7)", () => {
  let token: string;
  beforeAll(async () => {
    token = (await codeTokens(spa)).access_token;
  });

  it("answers a DPoP-bound token with the DPoP scheme and a proof of its key, ath and all", async () => {
    const res = await userinfo(`DPoP ${token}`, await dpopProof(key, { htm: "GET", htu: userinfoUrl, accessToken: token }));
    expect(res.status).toBe(200);
    expect(((await res.json()) as Json).sub).toBe(person.id);
  });

  it("refuses a DPoP-bound token presented as a plain Bearer, with the DPoP challenge", async () => {
    await expectChallenge(await userinfo(`Bearer ${token}`), 401, dpopChallenge("invalid_token", "The access token is DPoP-bound: present it with the DPoP scheme and a DPoP proof."));
  });

  it("refuses the DPoP scheme without a proof", async () => {
    await expectChallenge(await userinfo(`DPoP ${token}`), 401, dpopChallenge("invalid_dpop_proof", "The DPoP proof JWT header is missing."));
  });

  it("refuses a proof with a wrong ath", async () => {
    const proof = await dpopProof(key, { htm: "GET", htu: userinfoUrl, accessToken: `${token}x` });
    await expectChallenge(await userinfo(`DPoP ${token}`, proof), 401, dpopChallenge("invalid_dpop_proof", "The DPoP proof's ath does not match the access token."));
  });

  it("refuses a proof without ath", async () => {
    const proof = await dpopProof(key, { htm: "GET", htu: userinfoUrl });
    await expectChallenge(await userinfo(`DPoP ${token}`, proof), 401, dpopChallenge("invalid_dpop_proof", "The DPoP proof's ath does not match the access token."));
  });

  it("refuses a proof of another key", async () => {
    const proof = await dpopProof(await dpopKey(), { htm: "GET", htu: userinfoUrl, accessToken: token });
    await expectChallenge(await userinfo(`DPoP ${token}`, proof), 401, dpopChallenge("invalid_dpop_proof", "The DPoP proof's key does not match the access token's binding."));
  });

  it("refuses a proof made for the token endpoint (htu, htm)", async () => {
    const proof = await dpopProof(key, { htm: "GET", htu: tokenUrl, accessToken: token });
    await expectChallenge(await userinfo(`DPoP ${token}`, proof), 401, dpopChallenge("invalid_dpop_proof", "The DPoP proof's htu does not match the request URL."));
  });

  it("refuses a replayed proof", async () => {
    const proof = await dpopProof(key, { htm: "GET", htu: userinfoUrl, accessToken: token });
    expect((await userinfo(`DPoP ${token}`, proof)).status).toBe(200);
    await expectChallenge(await userinfo(`DPoP ${token}`, proof), 401, dpopChallenge("invalid_dpop_proof", "The DPoP proof has already been used."));
  });

  it("refuses a stale nonce with use_dpop_nonce and a fresh DPoP-Nonce", async () => {
    const res = await userinfo(`DPoP ${token}`, await dpopProof(key, { htm: "GET", htu: userinfoUrl, accessToken: token, nonce: "stale" }));
    expect(res.headers.get("DPoP-Nonce")).toMatch(/^[A-Za-z0-9_-]{32}$/);
    await expectChallenge(res, 401, dpopChallenge("use_dpop_nonce", "The DPoP proof's nonce is invalid or has expired."));
  });

  it("refuses a Bearer token presented with the DPoP scheme", async () => {
    const bearer = (await codeTokens(plain, null)).access_token;
    const proof = await dpopProof(key, { htm: "GET", htu: userinfoUrl, accessToken: bearer });
    await expectChallenge(await userinfo(`DPoP ${bearer}`, proof), 401, 'Bearer error="invalid_token", error_description="The access token is not DPoP-bound."');
    expect((await userinfo(`Bearer ${bearer}`)).status).toBe(200);
  });
});

describe("the authorization endpoint and DPoP", () => {
  it("refuses access tokens from /authorize to a client whose tokens must be DPoP-bound", async () => {
    const { webAppWith } = await import("../support/web-app-with");
    const { authorize, expectRedirectError, sessionFor } = await import("../support/people");
    const bound = await webAppWith({ dpop_bound_access_tokens: true, grant_types: ["authorization_code", "implicit"], response_types: ["code", "token", "id_token"] });
    await assignUser(bound.id, person.id);
    const sid = await sessionFor(server.id, bound, person);
    const params = { client_id: bound.clientId, redirect_uri: REDIRECT, response_type: "id_token token", scope: "openid", state: "s-dpop", nonce: "n-dpop" };
    expectRedirectError(
      await authorize(server.id, params, { cookies: [sid] }),
      "unsupported_response_type",
      "The client requires DPoP-bound access tokens, which only the token endpoint issues: use the code flow.",
      { state: "s-dpop", mode: "fragment" },
    );
  });
});
