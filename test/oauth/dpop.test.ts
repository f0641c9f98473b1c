import { decodeJwt } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { DPOP_ALGS } from "../../src/errors";
import { admin, BASE, call } from "../support/admin";
import { advanceTime, freezeTime } from "../support/clock";
import { appBody, asBasic, endpointUrl, expectOAuthError, introspect, oauthPost, readyServer, tokenBody, type Client, type Json, type ReadyServer } from "../support/clients";
import { dpopKey, dpopProof, type DpopKey, type ProofOptions } from "../support/dpop";

const MISSING = "The DPoP proof JWT header is missing.";
const NEEDS_NONCE = "Authorization server requires nonce in DPoP proof.";

let server: ReadyServer;
let dpopClient: Client;
let plainClient: Client;
let key: DpopKey;
let tokenUrl: string;

async function createClient(settings: Json = {}): Promise<Client> {
  const body = appBody();
  Object.assign(body.settings.oauthClient, settings);
  const res = await admin("/apps", { method: "POST", json: body });
  const app = (await res.json()) as Json;
  expect(res.status, JSON.stringify(app)).toBe(201);
  return { app, id: app.id, clientId: app.credentials.oauthClient.client_id, secret: app.credentials.oauthClient.client_secret };
}

const ccRequest = (client: Client, headers: Record<string, string> = {}) =>
  oauthPost(server.id, "token", { grant_type: "client_credentials", scope: "orders:read" }, { ...asBasic(client), ...headers });

/** The server's current nonce, from the use_dpop_nonce answer to a proof without one. */
async function serverNonce(client: Client = dpopClient): Promise<string> {
  const res = await ccRequest(client, { DPoP: await dpopProof(key, { htu: tokenUrl }) });
  expect(res.status).toBe(400);
  return res.headers.get("DPoP-Nonce")!;
}

const proofWith = async (o: Partial<ProofOptions> = {}, k = key) => dpopProof(k, { htu: tokenUrl, nonce: await serverNonce(), ...o });

beforeAll(async () => {
  server = await readyServer();
  tokenUrl = endpointUrl(server.id, "token");
  dpopClient = await createClient({ dpop_bound_access_tokens: true });
  plainClient = await createClient();
  key = await dpopKey();
});

describe("DPoP at the token endpoint (RFC 9449 5)", () => {
  it("refuses a client with dpop_bound_access_tokens that sends no proof (Okta's wording)", async () => {
    await expectOAuthError(await ccRequest(dpopClient), 400, "invalid_dpop_proof", MISSING);
  });

  it("asks for a server nonce first: use_dpop_nonce with DPoP-Nonce (Okta)", async () => {
    const res = await ccRequest(dpopClient, { DPoP: await dpopProof(key, { htu: tokenUrl }) });
    expect(res.headers.get("DPoP-Nonce")).toMatch(/^[A-Za-z0-9_-]{32}$/);
    await expectOAuthError(res, 400, "use_dpop_nonce", NEEDS_NONCE);
  });

  it("issues a DPoP token bound to the proof's key (cnf.jkt), and hands on the nonce", async () => {
    const res = await ccRequest(dpopClient, { DPoP: await proofWith() });
    expect(res.headers.get("DPoP-Nonce")).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const body = await tokenBody(res);
    expect(body).toEqual({ token_type: "DPoP", expires_in: 3600, access_token: expect.any(String), scope: "orders:read" });
    expect(decodeJwt(body.access_token).cnf).toEqual({ jkt: key.jkt });
    expect(await introspect(server.id, dpopClient, body.access_token)).toMatchObject({ active: true, token_type: "DPoP", cnf: { jkt: key.jkt } });
  });

  it("ignores a proof from a client without the setting, as Okta does (its management SDK always sends one)", async () => {
    const body = await tokenBody(await ccRequest(plainClient, { DPoP: await dpopProof(key, { htu: tokenUrl }) }));
    expect(body.token_type).toBe("Bearer");
    expect(decodeJwt(body.access_token).cnf).toBeUndefined();
  });

  it("leaves a client without the setting and without a proof on Bearer tokens, with no cnf", async () => {
    const body = await tokenBody(await ccRequest(plainClient));
    expect(body.token_type).toBe("Bearer");
    expect(decodeJwt(body.access_token).cnf).toBeUndefined();
    expect(await introspect(server.id, plainClient, body.access_token)).toMatchObject({ active: true, token_type: "Bearer" });
  });

  it("accepts the nonce of the previous period, and refuses an older one with a fresh nonce", async () => {
    const t = freezeTime();
    const nonce = await serverNonce();
    advanceTime(5 * 60 * 1000);
    const iat = () => Math.floor((t + 5 * 60 * 1000) / 1000);
    expect((await ccRequest(dpopClient, { DPoP: await dpopProof(key, { htu: tokenUrl, nonce, iat: iat() }) })).status).toBe(200);
    advanceTime(5 * 60 * 1000);
    const res = await ccRequest(dpopClient, { DPoP: await dpopProof(key, { htu: tokenUrl, nonce, iat: iat() + 300 }) });
    expect(res.headers.get("DPoP-Nonce")).not.toBe(nonce);
    await expectOAuthError(res, 400, "use_dpop_nonce", "The DPoP proof's nonce is invalid or has expired.");
  });

  const now = () => Math.floor(Date.now() / 1000);
  const refused: Array<[string, () => Promise<string>, string]> = [
    ["a wrong htu", () => proofWith({ htu: `${BASE}/oauth2/${server.id}/v1/introspect` }), "The DPoP proof's htu does not match the request URL."],
    ["another server's htu", () => proofWith({ htu: `${BASE}/oauth2/default/v1/token` }), "The DPoP proof's htu does not match the request URL."],
    ["a wrong htm", () => proofWith({ htm: "GET" }), "The DPoP proof's htm does not match the request method."],
    ["a stale iat", () => proofWith({ iat: now() - 301 }), "The DPoP proof's iat is outside the acceptable window."],
    ["an iat in the future", () => proofWith({ iat: now() + 120 }), "The DPoP proof's iat is outside the acceptable window."],
    ["no jti", () => proofWith({ jti: null }), "The DPoP proof must have a jti claim."],
    ["typ JWT", () => proofWith({ typ: "JWT" }), "The DPoP proof's typ must be 'dpop+jwt'."],
    ["no embedded jwk", () => proofWith({ jwk: null }), "The DPoP proof's signature, jwk or claims are invalid."],
    ["a private key as its jwk", () => proofWith({ jwk: key.privateJwk }), "The DPoP proof's signature, jwk or claims are invalid."],
    ["another key's jwk", async () => proofWith({ jwk: (await dpopKey()).publicJwk }), "The DPoP proof's signature, jwk or claims are invalid."],
    ["two DPoP headers", async () => `${await proofWith()}, ${await proofWith()}`, "The DPoP proof must be one compact JWT."],
    ["garbage", async () => "not-a-jwt", "The DPoP proof must be one compact JWT."],
  ];
  it.each(refused)("refuses a proof with %s: invalid_dpop_proof", async (_, proof, description) => {
    await expectOAuthError(await ccRequest(dpopClient, { DPoP: await proof() }), 400, "invalid_dpop_proof", description);
  });

  it("refuses an unsigned proof (alg none) and a symmetric one (HS256)", async () => {
    const nonce = await serverNonce();
    const enc = (o: object) => btoa(JSON.stringify(o)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    const claims = { htm: "POST", htu: tokenUrl, iat: now(), jti: crypto.randomUUID(), nonce };
    const unsigned = `${enc({ typ: "dpop+jwt", alg: "none", jwk: key.publicJwk })}.${enc(claims)}.`;
    await expectOAuthError(await ccRequest(dpopClient, { DPoP: unsigned }), 400, "invalid_dpop_proof", "The DPoP proof must be one compact JWT.");
    const hmac = `${enc({ typ: "dpop+jwt", alg: "HS256", jwk: { kty: "oct", k: "c2VjcmV0" } })}.${enc(claims)}.c2ln`;
    await expectOAuthError(await ccRequest(dpopClient, { DPoP: hmac }), 400, "invalid_dpop_proof", `The DPoP proof must be signed with one of: ${DPOP_ALGS.join(", ")}.`);
  });

  it("refuses a reused jti, once the first use has succeeded", async () => {
    const proof = await proofWith();
    expect((await ccRequest(dpopClient, { DPoP: proof })).status).toBe(200);
    await expectOAuthError(await ccRequest(dpopClient, { DPoP: proof }), 400, "invalid_dpop_proof", "The DPoP proof has already been used.");
  });

  it("lets only one of two concurrent uses of one proof through (the jti is recorded atomically)", async () => {
    const proof = await proofWith();
    const statuses = (await Promise.all([1, 2, 3].map(() => ccRequest(dpopClient, { DPoP: proof })))).map((r) => r.status).sort();
    expect(statuses).toEqual([200, 400, 400]);
  });

  it("accepts RS256 and EdDSA keys too", async () => {
    for (const alg of ["RS256", "EdDSA"] as const) {
      const k = await dpopKey(alg);
      const body = await tokenBody(await ccRequest(dpopClient, { DPoP: await proofWith({}, k) }));
      expect(decodeJwt(body.access_token).cnf).toEqual({ jkt: k.jkt });
    }
  });
});

describe("discovery", () => {
  it("advertises dpop_signing_alg_values_supported", async () => {
    const doc = (await (await call(`/oauth2/${server.id}/.well-known/openid-configuration`)).json()) as Json;
    expect(doc.dpop_signing_alg_values_supported).toEqual([...DPOP_ALGS]);
  });
});
