import { decodeJwt } from "jose";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { freezeTime, advanceTime, restoreTime } from "../support/clock";
import { asBasic, expectOAuthError, introspect, oauthPost, tokenBody, type Client } from "../support/clients";
import {
  appFor,
  assignUser,
  codeFor,
  createPerson,
  createWebApp,
  halfHash,
  INVALID_CODE,
  INVALID_REFRESH,
  peopleServer,
  redeem,
  refresh,
  s256,
  userinfo,
  userLifecycle,
  verifyIdToken,
  type PeopleServer,
  type Person,
} from "../support/people";
import { signedInWithApp } from "../support/person-with-app";

const OTHER_CLIENT = "The grant was issued to another client. Please make sure the 'client_id' matches the one used at the authorize request.";
const REDIRECT_MISMATCH = "The 'redirect_uri' does not match the redirection URI used in the authorization request.";
const VERIFIER_REQUIRED = "PKCE code verifier is required when the parameter code_challenge is included in the authorize request.";
const PKCE_FAILED = "PKCE verification failed.";
const UNEXPECTED_VERIFIER = "A 'code_verifier' was sent, but the authorize request had no code_challenge.";

let server: PeopleServer;
let person: Person;
let client: Client;
let sid: string;

beforeAll(async () => {
  ({ server, person, client, sid } = await signedInWithApp());
});

afterEach(() => {
  restoreTime();
});

/** Empty parameters count as absent: a request without PKCE. */
const NO_PKCE = { code_challenge: "", code_challenge_method: "" };

const code = (extra: Record<string, string> = {}, c: Client = client) => codeFor(server.id, c, person, { sid, extra });

describe("redeeming a code", () => {
  it("answers with access, ID and refresh tokens, never cached", async () => {
    const a = await code();
    const res = await redeem(server.id, client, a);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect(res.headers.get("Pragma")).toBe("no-cache");
    const tokens = await tokenBody(res);
    expect(tokens).toEqual({
      token_type: "Bearer",
      expires_in: 3600,
      access_token: expect.any(String),
      scope: "openid profile email offline_access",
      refresh_token: expect.stringMatching(/^[0-9a-f]{64}[0-9A-Za-z]{43}$/),
      id_token: expect.any(String),
    });
    expect(decodeJwt(tokens.access_token)).toMatchObject({
      iss: server.issuer,
      aud: server.audience,
      sub: person.login,
      uid: person.id,
      cid: client.clientId,
      scp: ["openid", "profile", "email", "offline_access"],
      auth_time: expect.any(Number),
      jti: expect.stringMatching(/^AT\./),
    });
    const id = await verifyIdToken(server.id, tokens.id_token, client.clientId);
    expect(id).toMatchObject({ sub: person.id, nonce: a.params.nonce, at_hash: await halfHash(tokens.access_token), email: person.login, given_name: "Ada" });
  });

  it("issues no refresh token without offline_access", async () => {
    const tokens = await tokenBody(await redeem(server.id, client, await code({ scope: "openid profile" })));
    expect(tokens.refresh_token).toBeUndefined();
    expect(tokens.scope).toBe("openid profile");
  });

  it("issues no refresh token to a client without the refresh_token grant", async () => {
    const noRefresh = await appFor(person, { grant_types: ["authorization_code"] });
    const tokens = await tokenBody(await redeem(server.id, noRefresh, await code({}, noRefresh)));
    expect(tokens.refresh_token).toBeUndefined();
  });

  it("issues no ID token without openid", async () => {
    const tokens = await tokenBody(await redeem(server.id, client, await code({ scope: "profile offline_access" })));
    expect(tokens.id_token).toBeUndefined();
    expect(tokens.refresh_token).toBeTruthy();
  });

  it("lets a public client redeem with its client_id and the PKCE verifier", async () => {
    const spa = await appFor(person, { application_type: "browser", method: "none", grant_types: ["authorization_code"] });
    const tokens = await tokenBody(await redeem(server.id, spa, await code({}, spa)));
    expect(decodeJwt(tokens.access_token).cid).toBe(spa.clientId);
  });

  it("accepts a code without PKCE from a confidential client", async () => {
    const a = await code(NO_PKCE);
    await tokenBody(await redeem(server.id, client, a, { code_verifier: null }));
  });
});

describe("a code is single use", () => {
  it("refuses a second redemption", async () => {
    const a = await code();
    await tokenBody(await redeem(server.id, client, a));
    await expectOAuthError(await redeem(server.id, client, a), 400, "invalid_grant", INVALID_CODE);
  });

  it("lets exactly one of two concurrent redemptions succeed", async () => {
    const a = await code();
    const results = await Promise.all([redeem(server.id, client, a), redeem(server.id, client, a)]);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 400]);
    const loser = results.find((r) => r.status === 400)!;
    await expectOAuthError(loser, 400, "invalid_grant", INVALID_CODE);
  });

  it("a replay revokes the first redemption's access token and refresh token (RFC 6749 10.5)", async () => {
    const a = await code();
    const tokens = await tokenBody(await redeem(server.id, client, a));
    expect((await introspect(server.id, client, tokens.access_token)).active).toBe(true);
    await expectOAuthError(await redeem(server.id, client, a), 400, "invalid_grant", INVALID_CODE);
    expect(await introspect(server.id, client, tokens.access_token)).toEqual({ active: false });
    const ui = await userinfo(server.id, tokens.access_token);
    expect(ui.status).toBe(401);
    await expectOAuthError(await refresh(server.id, client, tokens.refresh_token), 400, "invalid_grant", INVALID_REFRESH);
  });

  it("a replay also revokes tokens refreshed from the first redemption", async () => {
    const a = await code();
    const tokens = await tokenBody(await redeem(server.id, client, a));
    const rotated = await tokenBody(await refresh(server.id, client, tokens.refresh_token));
    await expectOAuthError(await redeem(server.id, client, a), 400, "invalid_grant", INVALID_CODE);
    await expectOAuthError(await refresh(server.id, client, rotated.refresh_token), 400, "invalid_grant", INVALID_REFRESH);
  });

  it("after concurrent redemptions, the winner's tokens are revoked too", async () => {
    const a = await code();
    const results = await Promise.all([redeem(server.id, client, a), redeem(server.id, client, a)]);
    const winner = (await results.find((r) => r.status === 200)!.json()) as Record<string, string>;
    expect(await introspect(server.id, client, winner.access_token!)).toEqual({ active: false });
    await expectOAuthError(await refresh(server.id, client, winner.refresh_token!), 400, "invalid_grant", INVALID_REFRESH);
  });
});

describe("a code is bound to its request", () => {
  it("refuses a different redirect_uri", async () => {
    const a = await code();
    await expectOAuthError(await redeem(server.id, client, a, { redirect_uri: "https://app.example/other" }), 400, "invalid_grant", REDIRECT_MISMATCH);
  });

  it("refuses a missing redirect_uri", async () => {
    const a = await code();
    await expectOAuthError(await redeem(server.id, client, a, { redirect_uri: null }), 400, "invalid_grant", REDIRECT_MISMATCH);
  });

  it("refuses a code issued to another client", async () => {
    const a = await code();
    const thief = await createWebApp();
    await expectOAuthError(await redeem(server.id, thief, a), 400, "invalid_grant", OTHER_CLIENT);
  });

  it("refuses a code at another authorization server", async () => {
    const a = await code();
    const elsewhere = await peopleServer();
    await expectOAuthError(await redeem(elsewhere.id, client, a), 400, "invalid_grant", INVALID_CODE);
  });

  it("refuses an unknown code", async () => {
    await expectOAuthError(await redeem(server.id, client, { code: "x".repeat(43), verifier: "" }, { code_verifier: null }), 400, "invalid_grant", INVALID_CODE);
  });

  it("refuses a request without a code", async () => {
    const res = await oauthPost(server.id, "token", { grant_type: "authorization_code", redirect_uri: "https://app.example/callback" }, asBasic(client));
    await expectOAuthError(res, 400, "invalid_request", "The 'code' parameter is required.");
  });

  it("refuses a code whose person was deactivated since", async () => {
    const someone = await createPerson();
    await assignUser(client.id, someone.id);
    const a = await codeFor(server.id, client, someone);
    await userLifecycle(someone.id, "deactivate");
    await expectOAuthError(await redeem(server.id, client, a), 400, "invalid_grant", INVALID_CODE);
  });
});

describe("PKCE at the token endpoint (RFC 7636 4.6)", () => {
  it("requires the verifier when the request had a challenge", async () => {
    const a = await code();
    await expectOAuthError(await redeem(server.id, client, a, { code_verifier: null }), 400, "invalid_request", VERIFIER_REQUIRED);
  });

  it("refuses a wrong verifier", async () => {
    const a = await code();
    await expectOAuthError(await redeem(server.id, client, a, { code_verifier: "w".repeat(64) }), 400, "invalid_grant", PKCE_FAILED);
  });

  it("refuses a verifier shorter than 43 characters, even one that hashes to the challenge", async () => {
    const short = "s".repeat(42);
    const b = await code({ code_challenge: await s256(short), code_challenge_method: "S256" });
    await expectOAuthError(await redeem(server.id, client, b, { code_verifier: short }), 400, "invalid_grant", PKCE_FAILED);
  });

  it("refuses a verifier when the request had no challenge", async () => {
    const a = await code(NO_PKCE);
    await expectOAuthError(await redeem(server.id, client, a, { code_verifier: "v".repeat(50) }), 400, "invalid_request", UNEXPECTED_VERIFIER);
  });

  it("burns the code on a failed verification, so the right verifier cannot follow", async () => {
    const a = await code();
    await expectOAuthError(await redeem(server.id, client, a, { code_verifier: "w".repeat(64) }), 400, "invalid_grant", PKCE_FAILED);
    await expectOAuthError(await redeem(server.id, client, a), 400, "invalid_grant", INVALID_CODE);
  });
});

describe("code expiry (Okta: 300 seconds)", () => {
  it("redeems a code 299 seconds old", async () => {
    freezeTime();
    const a = await code();
    advanceTime(299_000);
    await tokenBody(await redeem(server.id, client, a));
  });

  it("refuses a code older than 300 seconds", async () => {
    freezeTime();
    const a = await code();
    advanceTime(301_000);
    await expectOAuthError(await redeem(server.id, client, a), 400, "invalid_grant", INVALID_CODE);
  });
});

describe("tokens issued for a person", () => {
  it("become inactive at introspection when the person is deactivated (REFERENCE 7.1)", async () => {
    const someone = await createPerson();
    await assignUser(client.id, someone.id);
    const tokens = await tokenBody(await redeem(server.id, client, await codeFor(server.id, client, someone)));
    await userLifecycle(someone.id, "deactivate");
    expect(await introspect(server.id, client, tokens.access_token)).toEqual({ active: false });
  });
});
