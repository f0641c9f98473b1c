import type { AuthorizationServer, AuthorizationServerJsonWebKey } from "@okta/okta-sdk-nodejs";
import { SignJWT, createRemoteJWKSet, errors, exportJWK, generateKeyPair, jwtVerify } from "jose";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { all, oktaClient, serverBody } from "./support/okta";

const baseUrl = inject("baseUrl");
const { api } = oktaClient();

interface Jwks {
  keys: Record<string, unknown>[];
}

async function getJson(url: string, init: RequestInit = {}) {
  const res = await fetch(url, init);
  const text = await res.text();
  return { res, body: text ? JSON.parse(text) : null, text };
}

const adminKeys = async (authServerId: string) => all<AuthorizationServerJsonWebKey>(await api.listAuthorizationServerKeys({ authServerId }));
const jwksKids = async (jwksUri: string) => ((await getJson(jwksUri)).body as Jwks).keys.map((k) => k.kid as string);

function expectNotFound(r: { res: Response; body: any }, id: string) {
  expect(r.res.status).toBe(404);
  expect(r.res.headers.get("content-type")).toMatch(/^application\/json/);
  expect(r.body).toEqual({
    errorCode: "E0000007",
    errorSummary: `Not found: Resource not found: ${id} (AuthorizationServer)`,
    errorLink: "E0000007",
    errorId: expect.stringMatching(/^oae[0-9A-Za-z]{22}$/),
    errorCauses: [],
  });
}

describe("discovery and JWKS, read by real clients", () => {
  let a: AuthorizationServer;
  let b: AuthorizationServer;

  beforeAll(async () => {
    [a, b] = await Promise.all([
      api.createAuthorizationServer({ authorizationServer: serverBody("discovery-a") }),
      api.createAuthorizationServer({ authorizationServer: serverBody("discovery-b") }),
    ]);
  });

  it("publishes the default server's OpenID configuration under its issuer", async () => {
    const { res, body } = await getJson(`${baseUrl}/oauth2/default/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.headers.get("cache-control")).toMatch(/max-age=\d+/);
    const issuer = `${baseUrl}/oauth2/default`;
    expect(body).toMatchObject({
      issuer,
      jwks_uri: `${issuer}/v1/keys`,
      subject_types_supported: ["public"],
      id_token_signing_alg_values_supported: ["RS256"],
    });
    const admin = await api.getAuthorizationServer({ authServerId: "default" });
    expect(admin.issuer).toBe(issuer);
  });

  it("publishes a new server's metadata at the URLs its admin _links.metadata name, with its own issuer", async () => {
    const issuer = `${baseUrl}/oauth2/${a.id}`;
    expect(a.issuer).toBe(issuer);
    const metadata = (a._links as any).metadata as { name: string; href: string }[];
    expect(metadata.map((m) => m.name).sort()).toEqual(["oauth-authorization-server", "openid-configuration"]);
    for (const m of metadata) {
      const { res, body } = await getJson(m.href);
      expect(res.status, m.href).toBe(200);
      expect(body.issuer).toBe(issuer);
      expect(body.jwks_uri).toBe(`${issuer}/v1/keys`);
    }
    // RFC 8414 section 3.1: the well-known suffix inserted before the issuer's path names the same document.
    const rfc8414 = await getJson(`${baseUrl}/.well-known/oauth-authorization-server/oauth2/${a.id}`);
    expect(rfc8414.res.status).toBe(200);
    expect(rfc8414.body.issuer).toBe(issuer);
  });

  it("publishes the org server's OpenID configuration with the org URL as issuer", async () => {
    const { res, body } = await getJson(`${baseUrl}/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    expect(body).toMatchObject({ issuer: baseUrl, jwks_uri: `${baseUrl}/oauth2/v1/keys` });
  });

  it("resolves the ACTIVE kid the admin API reports through jose's remote JWKS", async () => {
    const discovery = (await getJson(`${baseUrl}/oauth2/${a.id}/.well-known/openid-configuration`)).body;
    const jwks = createRemoteJWKSet(new URL(discovery.jwks_uri));
    const kid = (await api.getAuthorizationServer({ authServerId: a.id! })).credentials!.signing!.kid!;
    const key = await jwks({ alg: "RS256", kid });
    const adminActive = (await adminKeys(a.id!)).find((k) => k.kid === kid)!;
    expect(adminActive.status).toBe("ACTIVE");
    const exported = await exportJWK(key);
    expect({ kty: exported.kty, n: exported.n, e: exported.e }).toEqual({ kty: "RSA", n: adminActive.n, e: adminActive.e });
    await expect(jwks({ alg: "RS256", kid: "no-such-kid" })).rejects.toBeInstanceOf(errors.JWKSNoMatchingKey);
  });

  it("rejects, through the remote JWKS, a JWT that names the ACTIVE kid but was signed by another key", async () => {
    const kid = a.credentials!.signing!.kid!;
    const { privateKey } = await generateKeyPair("RS256");
    const forged = await new SignJWT({ sub: "mallory" })
      .setProtectedHeader({ alg: "RS256", kid })
      .setIssuer(a.issuer!)
      .setAudience(a.audiences![0]!)
      .setIssuedAt()
      .setExpirationTime("5m")
      .sign(privateKey);
    const jwks = createRemoteJWKSet(new URL(`${a.issuer}/v1/keys`));
    await expect(jwtVerify(forged, jwks, { issuer: a.issuer!, audience: a.audiences![0]! })).rejects.toBeInstanceOf(
      errors.JWSSignatureVerificationFailed,
    );
  });

  it("publishes exactly the admin API's keys as public RSA signing keys, without status or private members", async () => {
    const { res, body } = await getJson(`${a.issuer}/v1/keys`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const keys = (body as Jwks).keys;
    expect(keys.map((k) => k.kid).sort()).toEqual((await adminKeys(a.id!)).map((k) => k.kid).sort());
    for (const k of keys) {
      expect(Object.keys(k).sort()).toEqual(["alg", "e", "kid", "kty", "n", "use"]);
      expect(k).toMatchObject({ kty: "RSA", alg: "RS256", use: "sig", e: "AQAB" });
    }
  });

  it("keeps every server's key set to itself: no kid is shared", async () => {
    const sets = await Promise.all([
      jwksKids(`${a.issuer}/v1/keys`),
      jwksKids(`${b.issuer}/v1/keys`),
      jwksKids(`${baseUrl}/oauth2/default/v1/keys`),
      jwksKids(`${baseUrl}/oauth2/v1/keys`),
    ]);
    for (const s of sets) expect(s.length).toBeGreaterThan(0);
    const everyKid = sets.flat();
    expect(new Set(everyKid).size).toBe(everyKid.length);
  });

  it("lets clients cache the JWKS: max-age, an ETag, and 304 Not Modified for If-None-Match", async () => {
    const url = `${b.issuer}/v1/keys`;
    const first = await fetch(url);
    await first.arrayBuffer();
    expect(first.status).toBe(200);
    expect(first.headers.get("cache-control")).toMatch(/(^|[ ,])max-age=[1-9]\d*/);
    const etag = first.headers.get("etag");
    expect(etag).toMatch(/^(W\/)?"[^"]+"$/);

    const revalidated = await fetch(url, { headers: { "If-None-Match": etag! } });
    expect(revalidated.status).toBe(304);
    expect(await revalidated.text()).toBe("");
    expect(revalidated.headers.get("etag")).toBe(etag);
    expect(revalidated.headers.get("cache-control")).toBe(first.headers.get("cache-control"));

    const other = await fetch(url, { headers: { "If-None-Match": '"something-else"' } });
    expect(other.status).toBe(200);
    expect(((await other.json()) as Jwks).keys.length).toBeGreaterThan(0);
  });

  it("serves a new ETag and the new key set right after a manual rotation", async () => {
    const s = await api.createAuthorizationServer({
      authorizationServer: serverBody("jwks-rotate", { credentials: { signing: { rotationMode: "MANUAL" } } } as Partial<AuthorizationServer>),
    });
    const url = `${s.issuer}/v1/keys`;
    const before = await fetch(url);
    const beforeKids = ((await before.json()) as Jwks).keys.map((k) => k.kid);
    const etag = before.headers.get("etag")!;

    const rotated = await all<AuthorizationServerJsonWebKey>(await api.rotateAuthorizationServerKeys({ authServerId: s.id!, use: { use: "sig" } }));
    const after = await fetch(url, { headers: { "If-None-Match": etag } });
    expect(after.status).toBe(200);
    expect(after.headers.get("etag")).not.toBe(etag);
    const afterKids = ((await after.json()) as Jwks).keys.map((k) => k.kid);
    expect(afterKids.sort()).toEqual(rotated.map((k) => k.kid).sort());
    expect(afterKids).not.toEqual(beforeKids.sort());
    const newActive = rotated.find((k) => k.status === "ACTIVE")!.kid!;
    await expect(createRemoteJWKSet(new URL(url))({ alg: "RS256", kid: newActive })).resolves.toBeDefined();
  });

  it("keeps every key rotated out within the overlap window published, with one ACTIVE and one NEXT", async () => {
    // An EXPIRED key stays in the JWKS until every token it signed has expired (KEY_OVERLAP_SECONDS), so keys
    // rotated out minutes ago must all still verify; older ones leave after the overlap (workerd alarm tests).
    const s = await api.createAuthorizationServer({
      authorizationServer: serverBody("jwks-rotate-thrice", { credentials: { signing: { rotationMode: "MANUAL" } } } as Partial<AuthorizationServer>),
    });
    const actives: string[] = [s.credentials!.signing!.kid!];
    let last: AuthorizationServerJsonWebKey[] = [];
    for (let i = 0; i < 3; i++) {
      last = await all<AuthorizationServerJsonWebKey>(await api.rotateAuthorizationServerKeys({ authServerId: s.id!, use: { use: "sig" } }));
      actives.push(last.find((k) => k.status === "ACTIVE")!.kid!);
    }
    expect(last.filter((k) => k.status === "ACTIVE")).toHaveLength(1);
    expect(last.filter((k) => k.status === "NEXT")).toHaveLength(1);
    expect(last.filter((k) => k.status === "EXPIRED").map((k) => k.kid).sort()).toEqual(actives.slice(0, -1).sort());
    const kids = await jwksKids(`${s.issuer}/v1/keys`);
    expect(kids.sort()).toEqual(last.map((k) => k.kid!).sort());
  });

  it("answers 404 E0000007 for a deactivated server's discovery and keys, and serves them again once reactivated", async () => {
    const s = await api.createAuthorizationServer({ authorizationServer: serverBody("discovery-inactive") });
    const urls = [
      `${s.issuer}/.well-known/openid-configuration`,
      `${s.issuer}/.well-known/oauth-authorization-server`,
      `${baseUrl}/.well-known/oauth-authorization-server/oauth2/${s.id}`,
      `${s.issuer}/v1/keys`,
    ];
    for (const url of urls) expect((await fetch(url)).status, url).toBe(200);

    await api.deactivateAuthorizationServer({ authServerId: s.id! });
    for (const url of urls) expectNotFound(await getJson(url), s.id!);

    await api.activateAuthorizationServer({ authServerId: s.id! });
    for (const url of urls) expect((await fetch(url)).status, url).toBe(200);
  });

  it("answers 404 E0000007 for an unknown server's discovery and keys", async () => {
    const id = "ausNoSuchServer00000";
    expectNotFound(await getJson(`${baseUrl}/oauth2/${id}/.well-known/openid-configuration`), id);
    expectNotFound(await getJson(`${baseUrl}/oauth2/${id}/v1/keys`), id);
  });
});
