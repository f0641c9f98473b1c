import { decodeJwt } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, call } from "../support/admin";
import {
  appLifecycle,
  assertionParams,
  BASIC_CHALLENGE,
  basicAuth,
  CLIENT_AUTH_FAILED,
  clientAssertion,
  clientKeyPair,
  createApp,
  endpointUrl,
  expectOAuthError,
  JWT_BEARER,
  oauthPost,
  readyServer,
  tokenBody,
  type Client,
  type KeyPair,
  type ReadyServer,
} from "../support/clients";

const GRANT = { grant_type: "client_credentials", scope: "orders:read" };
const MULTIPLE_CREDENTIALS =
  "Cannot supply multiple client credentials. Use one of the following: credentials in the Authorization header, credentials in the post body, or a client_assertion in the post body.";
const BAD_ASSERTION = "The client_assertion signature or claims are invalid.";
const WRONG_AUDIENCE = "The audience claim for client_assertion must be the endpoint invoked for the request.";

let server: ReadyServer;
let tokenUrl: string;
let basicClient: Client;
let postClient: Client;
let jwtSecretClient: Client;
let rsa: KeyPair;
let ec: KeyPair;
let keyClient: Client;

beforeAll(async () => {
  server = await readyServer();
  tokenUrl = endpointUrl(server.id, "token");
  basicClient = await createApp({ method: "client_secret_basic" });
  postClient = await createApp({ method: "client_secret_post" });
  jwtSecretClient = await createApp({ method: "client_secret_jwt" });
  rsa = await clientKeyPair("RS256");
  ec = await clientKeyPair("ES256");
  keyClient = await createApp({ method: "private_key_jwt", jwks: { keys: [rsa.publicJwk, ec.publicJwk] } });
});

const token = (params: Record<string, string>, headers: Record<string, string> = {}) => oauthPost(server.id, "token", { ...GRANT, ...params }, headers);

/** A fresh private_key_jwt assertion for keyClient, signed with its RSA key unless told otherwise. */
const keyAssertion = (o: Partial<Parameters<typeof clientAssertion>[1]> & { key?: KeyPair } = {}) => {
  const key = o.key ?? rsa;
  return clientAssertion(key.privateKey, { clientId: keyClient.clientId, aud: tokenUrl, alg: key.alg, kid: key.kid, ...o });
};

async function expectTokenFor(res: Response, clientId: string): Promise<void> {
  const body = await tokenBody(res);
  expect(decodeJwt(body.access_token)).toMatchObject({ sub: clientId, cid: clientId, scp: ["orders:read"] });
}

describe("client_credentials with each client authentication method", () => {
  it("accepts client_secret_basic", async () => {
    await expectTokenFor(await token({}, { Authorization: basicAuth(basicClient.clientId, basicClient.secret) }), basicClient.clientId);
  });

  it("accepts client_secret_basic with a client_id in the body that names the same client", async () => {
    const res = await token({ client_id: basicClient.clientId }, { Authorization: basicAuth(basicClient.clientId, basicClient.secret) });
    await expectTokenFor(res, basicClient.clientId);
  });

  it("form-urlencodes client_id and client_secret inside Basic credentials (RFC 6749 2.3.1)", async () => {
    const clientId = `svc:${crypto.randomUUID().slice(0, 8)}+1`;
    const secret = "Pa:ss+w%rd&x=y/z?#~!'*()[]@$";
    const client = await createApp({ client_id: clientId, client_secret: secret });
    expect(client.secret).toBe(secret);
    await expectTokenFor(await token({}, { Authorization: basicAuth(clientId, secret) }), clientId);
    // Sent without the form encoding, '+' means a space and the first ':' splits early: not this client's credentials.
    await expectOAuthError(await token({}, { Authorization: `Basic ${btoa(`${clientId}:${secret}`)}` }), 401, "invalid_client", CLIENT_AUTH_FAILED, {
      wwwAuthenticate: BASIC_CHALLENGE,
    });
  });

  it("accepts client_secret_post", async () => {
    await expectTokenFor(await token({ client_id: postClient.clientId, client_secret: postClient.secret }), postClient.clientId);
  });

  it.each(["HS256", "HS384", "HS512"])("accepts client_secret_jwt with a %s assertion signed with the secret", async (alg) => {
    const assertion = await clientAssertion(jwtSecretClient.secret, { clientId: jwtSecretClient.clientId, aud: tokenUrl, alg });
    await expectTokenFor(await token(assertionParams(assertion)), jwtSecretClient.clientId);
  });

  it("accepts client_secret_jwt with a matching client_id in the body", async () => {
    const assertion = await clientAssertion(jwtSecretClient.secret, { clientId: jwtSecretClient.clientId, aud: tokenUrl });
    await expectTokenFor(await token({ client_id: jwtSecretClient.clientId, ...assertionParams(assertion) }), jwtSecretClient.clientId);
  });

  it.each(["RS256", "ES256"] as const)("accepts private_key_jwt with a %s assertion signed by a registered key", async (alg) => {
    const assertion = await keyAssertion({ key: alg === "RS256" ? rsa : ec });
    await expectTokenFor(await token(assertionParams(assertion)), keyClient.clientId);
  });

  it("accepts an assertion whose audience is the issuer's token endpoint URL", async () => {
    const assertion = await keyAssertion({ aud: `${server.server.issuer}/v1/token` });
    await expectTokenFor(await token(assertionParams(assertion)), keyClient.clientId);
  });
});

describe("client authentication at the introspection and revocation endpoints", () => {
  it.each(["introspect", "revoke"] as const)("accepts an assertion whose audience is the %s endpoint", async (endpoint) => {
    const accessToken = (await tokenBody(await token({}, { Authorization: basicAuth(basicClient.clientId, basicClient.secret) }))).access_token;
    const assertion = await keyAssertion({ aud: endpointUrl(server.id, endpoint) });
    const res = await oauthPost(server.id, endpoint, { token: accessToken, ...assertionParams(assertion) });
    expect(res.status).toBe(200);
  });

  it.each(["introspect", "revoke"] as const)("refuses at the %s endpoint an assertion made for the token endpoint", async (endpoint) => {
    const assertion = await keyAssertion();
    await expectOAuthError(await oauthPost(server.id, endpoint, { token: "x", ...assertionParams(assertion) }), 401, "invalid_client", WRONG_AUDIENCE);
  });
});

describe("client authentication failures", () => {
  describe.each<[string, () => Promise<[Record<string, string>, Record<string, string>]>, number, string, string | undefined]>([
    [
      "a wrong secret with client_secret_basic",
      async () => [{}, { Authorization: basicAuth(basicClient.clientId, "wrong-secret-0123456789") }],
      401, CLIENT_AUTH_FAILED, BASIC_CHALLENGE,
    ],
    [
      "a wrong secret with client_secret_post",
      async () => [{ client_id: postClient.clientId, client_secret: "wrong-secret-0123456789" }, {}],
      401, CLIENT_AUTH_FAILED, undefined,
    ],
    [
      "an unknown client with client_secret_basic",
      async () => [{}, { Authorization: basicAuth("0oaUnknownClient0000", "whatever-secret-0123") }],
      401, CLIENT_AUTH_FAILED, BASIC_CHALLENGE,
    ],
    [
      "an unknown client with client_secret_post",
      async () => [{ client_id: "0oaUnknownClient0000", client_secret: "whatever-secret-0123" }, {}],
      401, CLIENT_AUTH_FAILED, undefined,
    ],
    [
      "an INACTIVE client",
      async () => {
        const client = await createApp();
        expect((await appLifecycle(client.id, "deactivate")).status).toBe(200);
        return [{}, { Authorization: basicAuth(client.clientId, client.secret) }];
      },
      401, CLIENT_AUTH_FAILED, BASIC_CHALLENGE,
    ],
    [
      "post credentials for a client_secret_basic client",
      async () => [{ client_id: basicClient.clientId, client_secret: basicClient.secret }, {}],
      401, CLIENT_AUTH_FAILED, undefined,
    ],
    [
      "Basic credentials for a client_secret_post client",
      async () => [{}, { Authorization: basicAuth(postClient.clientId, postClient.secret) }],
      401, CLIENT_AUTH_FAILED, BASIC_CHALLENGE,
    ],
    [
      "a secret for a client_secret_jwt client",
      async () => [{}, { Authorization: basicAuth(jwtSecretClient.clientId, jwtSecretClient.secret) }],
      401, CLIENT_AUTH_FAILED, BASIC_CHALLENGE,
    ],
    [
      "only a client_id for a confidential client",
      async () => [{ client_id: basicClient.clientId }, {}],
      401, CLIENT_AUTH_FAILED, undefined,
    ],
    [
      "no client credentials at all",
      async () => [{}, {}],
      401, "No client credentials found.", undefined,
    ],
    [
      "Basic credentials that are not base64",
      async () => [{}, { Authorization: "Basic %%%not-base64%%%" }],
      401, CLIENT_AUTH_FAILED, BASIC_CHALLENGE,
    ],
    [
      "Basic credentials without a colon",
      async () => [{}, { Authorization: `Basic ${btoa(basicClient.clientId)}` }],
      401, CLIENT_AUTH_FAILED, BASIC_CHALLENGE,
    ],
    [
      "Basic credentials and a body client_id naming another client",
      async () => [{ client_id: postClient.clientId }, { Authorization: basicAuth(basicClient.clientId, basicClient.secret) }],
      401, CLIENT_AUTH_FAILED, BASIC_CHALLENGE,
    ],
  ])("with %s", (_, build, status, description, challenge) => {
    it(`answers ${status} invalid_client`, async () => {
      const [params, headers] = await build();
      await expectOAuthError(await token(params, headers), status, "invalid_client", description, { wwwAuthenticate: challenge });
    });
  });

  it("ignores client credentials in the query string (RFC 6749 2.3.1)", async () => {
    const query = new URLSearchParams({ client_id: postClient.clientId, client_secret: postClient.secret });
    const res = await call(`/oauth2/${server.id}/v1/token?${query}`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(GRANT).toString(),
    });
    await expectOAuthError(res, 401, "invalid_client", "No client credentials found.");
  });

  describe.each<[string, () => Promise<[Record<string, string>, Record<string, string>]>]>([
    [
      "Basic credentials and a client_secret in the body",
      async () => [{ client_id: basicClient.clientId, client_secret: basicClient.secret }, { Authorization: basicAuth(basicClient.clientId, basicClient.secret) }],
    ],
    [
      "Basic credentials and a client_assertion",
      async () => [assertionParams(await keyAssertion()), { Authorization: basicAuth(basicClient.clientId, basicClient.secret) }],
    ],
    [
      "a client_secret and a client_assertion in the body",
      async () => [{ client_id: keyClient.clientId, client_secret: "some-secret-0123456789", ...assertionParams(await keyAssertion()) }, {}],
    ],
  ])("with two authentication methods at once (%s)", (_, build) => {
    it("answers 400 invalid_request (RFC 6749 2.3)", async () => {
      const [params, headers] = await build();
      await expectOAuthError(await token(params, headers), 400, "invalid_request", MULTIPLE_CREDENTIALS);
    });
  });
});

describe("client assertion failures", () => {
  describe.each<[string, () => Promise<Record<string, string>>, string]>([
    ["an audience of the introspection endpoint", async () => assertionParams(await keyAssertion({ aud: endpointUrl(server.id, "introspect") })), WRONG_AUDIENCE],
    ["an audience of another server's token endpoint", async () => assertionParams(await keyAssertion({ aud: endpointUrl("default", "token") })), WRONG_AUDIENCE],
    ["an audience of the issuer", async () => assertionParams(await keyAssertion({ aud: server.server.issuer })), WRONG_AUDIENCE],
    ["an expired assertion", async () => assertionParams(await keyAssertion({ exp: Math.floor(Date.now() / 1000) - 60 })), "The client_assertion token is expired."],
    [
      "an expiry more than an hour ahead",
      async () => assertionParams(await keyAssertion({ expiresIn: 3600 + 120 })),
      "The client_assertion token has an expiration too far in the future.",
    ],
    ["no jti claim", async () => assertionParams(await keyAssertion({ jti: null })), BAD_ASSERTION],
    ["a jti that is not a string", async () => assertionParams(await keyAssertion({ jti: 12345 })), "The client_assertion must have a jti claim."],
    [
      "a signature by a key the client did not register",
      async () => {
        const stranger = await clientKeyPair("RS256");
        return assertionParams(await keyAssertion({ key: stranger }));
      },
      BAD_ASSERTION,
    ],
    [
      "a signature by an unregistered key that claims a registered kid",
      async () => {
        const stranger = await clientKeyPair("RS256", rsa.kid);
        return assertionParams(await keyAssertion({ key: stranger }));
      },
      BAD_ASSERTION,
    ],
    [
      "an HS256 assertion for a private_key_jwt client, keyed with its public key",
      async () => assertionParams(await clientAssertion(JSON.stringify(rsa.publicJwk), { clientId: keyClient.clientId, aud: tokenUrl, alg: "HS256", kid: rsa.kid })),
      BAD_ASSERTION,
    ],
    [
      "an RS256 assertion for a client_secret_jwt client",
      async () => assertionParams(await clientAssertion(rsa.privateKey, { clientId: jwtSecretClient.clientId, aud: tokenUrl, alg: "RS256", kid: rsa.kid })),
      BAD_ASSERTION,
    ],
    [
      "an HS256 assertion signed with a wrong secret",
      async () => assertionParams(await clientAssertion("not-the-client-secret-0123456789", { clientId: jwtSecretClient.clientId, aud: tokenUrl })),
      BAD_ASSERTION,
    ],
    ["an issuer other than the client", async () => assertionParams(await keyAssertion({ iss: basicClient.clientId })), BAD_ASSERTION],
    ["an assertion that is not a JWT", async () => assertionParams("not.a.jwt"), "The client_assertion is not a valid JWT."],
    [
      "a client_assertion_type other than jwt-bearer",
      async () => ({ client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:saml2-bearer", client_assertion: await keyAssertion() }),
      `The client_assertion_type must be '${JWT_BEARER}' with a client_assertion.`,
    ],
    ["a client_assertion_type without a client_assertion", async () => ({ client_assertion_type: JWT_BEARER }), `The client_assertion_type must be '${JWT_BEARER}' with a client_assertion.`],
    [
      "an assertion for a client_secret_basic client",
      async () => assertionParams(await clientAssertion(basicClient.secret, { clientId: basicClient.clientId, aud: tokenUrl })),
      CLIENT_AUTH_FAILED,
    ],
    [
      "a body client_id naming another client than the assertion",
      async () => ({ client_id: basicClient.clientId, ...assertionParams(await keyAssertion()) }),
      CLIENT_AUTH_FAILED,
    ],
  ])("with %s", (_, build, description) => {
    it("answers 401 invalid_client", async () => {
      await expectOAuthError(await token(await build()), 401, "invalid_client", description);
    });
  });

  it("refuses a replayed assertion (RFC 7523 3: a jti is used once)", async () => {
    const assertion = await keyAssertion();
    await expectTokenFor(await token(assertionParams(assertion)), keyClient.clientId);
    await expectOAuthError(await token(assertionParams(assertion)), 401, "invalid_client", "The client_assertion token has already been used.");
  });

  it("refuses a new assertion that reuses a jti", async () => {
    const jti = crypto.randomUUID();
    await expectTokenFor(await token(assertionParams(await keyAssertion({ jti }))), keyClient.clientId);
    const again = await keyAssertion({ jti, key: ec });
    await expectOAuthError(await token(assertionParams(again)), 401, "invalid_client", "The client_assertion token has already been used.");
  });

  it("refuses a replayed client_secret_jwt assertion", async () => {
    const assertion = await clientAssertion(jwtSecretClient.secret, { clientId: jwtSecretClient.clientId, aud: tokenUrl });
    await expectTokenFor(await token(assertionParams(assertion)), jwtSecretClient.clientId);
    await expectOAuthError(await token(assertionParams(assertion)), 401, "invalid_client", "The client_assertion token has already been used.");
  });

  it("lets only one of two concurrent uses of an assertion through", async () => {
    const assertion = await keyAssertion();
    const results = await Promise.all([token(assertionParams(assertion)), token(assertionParams(assertion))]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
  });

  it("accepts an assertion that expires exactly one hour ahead", async () => {
    await expectTokenFor(await token(assertionParams(await keyAssertion({ expiresIn: 3600 }))), keyClient.clientId);
  });

  it("refuses an assertion signed with a client_secret_jwt client's old secret after a new secret is issued", async () => {
    const rotating = await createApp({ method: "client_secret_jwt" });
    const res = await call(`/oauth2/v1/clients/${rotating.clientId}/lifecycle/newSecret`, {
      method: "POST",
      headers: { Authorization: `SSWS ${ADMIN_TOKEN}` },
    });
    const fresh = ((await res.json()) as { client_secret: string }).client_secret;
    expect(res.status).toBe(200);
    const old = await clientAssertion(rotating.secret, { clientId: rotating.clientId, aud: tokenUrl });
    await expectOAuthError(await token(assertionParams(old)), 401, "invalid_client", BAD_ASSERTION);
    const current = await clientAssertion(fresh, { clientId: rotating.clientId, aud: tokenUrl });
    await expectTokenFor(await token(assertionParams(current)), rotating.clientId);
  });

  it("lets another client use the same jti", async () => {
    const jti = crypto.randomUUID();
    await expectTokenFor(await token(assertionParams(await keyAssertion({ jti }))), keyClient.clientId);
    const other = await clientAssertion(jwtSecretClient.secret, { clientId: jwtSecretClient.clientId, aud: tokenUrl, jti });
    await expectTokenFor(await token(assertionParams(other)), jwtSecretClient.clientId);
  });

  it("does not burn the jti of an assertion that failed verification", async () => {
    const jti = crypto.randomUUID();
    const wrongAudience = await keyAssertion({ jti, aud: endpointUrl(server.id, "revoke") });
    await expectOAuthError(await token(assertionParams(wrongAudience)), 401, "invalid_client", WRONG_AUDIENCE);
    await expectTokenFor(await token(assertionParams(await keyAssertion({ jti }))), keyClient.clientId);
  });
});
