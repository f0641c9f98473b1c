import { describe, expect, it } from "vitest";
import { fromBase64url } from "../../src/encoding";
import { admin, call, createServer } from "../support/admin";
import { adminKeys, createManualServer, expectOktaError, jwks, kidsOf, rotateKeys, serverNotFound } from "../support/fixtures";

const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

function expectPublicRsaSigningKey(k: Record<string, any>): void {
  // RFC 7517 / Okta: exactly the public members, no status.
  expect(Object.keys(k).sort()).toEqual(["alg", "e", "kid", "kty", "n", "use"]);
  expect(k).toMatchObject({ kty: "RSA", alg: "RS256", use: "sig", e: "AQAB" });
  expect(k.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
  // Okta: 2048-bit RSA keys.
  expect(fromBase64url(k.n).byteLength).toBe(256);
  for (const member of [...PRIVATE_MEMBERS, "status"]) expect(k).not.toHaveProperty(member);
}

describe.each([
  ["a created AUTO server", async () => (await createServer()).id],
  ["a created MANUAL server", async () => (await createManualServer()).id],
  ["the default server", async () => "default"],
])("the JWKS of %s", (_, serverId) => {
  it("contains the ACTIVE kid named by the admin API", async () => {
    const id = await serverId();
    const server = (await (await admin(`/authorizationServers/${id}`)).json()) as any;
    expect(kidsOf((await jwks(id)).keys)).toContain(server.credentials.signing.kid);
  });

  it("publishes exactly the keys the admin API lists, as public RSA signing keys only", async () => {
    const id = await serverId();
    const set = await jwks(id);
    expect(Object.keys(set)).toEqual(["keys"]);
    for (const k of set.keys) expectPublicRsaSigningKey(k);
    const listed = await adminKeys(id);
    expect(kidsOf(set.keys)).toEqual(kidsOf(listed));
    for (const k of set.keys) {
      const l = listed.find((x) => x.kid === k.kid)!;
      expect({ n: l.n, e: l.e, kty: l.kty, alg: l.alg, use: l.use }).toEqual({ n: k.n, e: k.e, kty: k.kty, alg: k.alg, use: k.use });
    }
  });

  it("is served as JSON that clients may cache and must revalidate, with an ETag", async () => {
    const res = await call(`/oauth2/${await serverId()}/v1/keys`);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
    const cc = res.headers.get("Cache-Control") ?? "";
    expect(cc).toMatch(/(^|,\s*)public(,|$)/);
    expect(cc).toMatch(/(^|,\s*)max-age=\d+(,|$)/);
    expect(cc).toMatch(/(^|,\s*)must-revalidate(,|$)/);
    expect(res.headers.get("ETag")).toMatch(/^"[^"]+"$/);
  });
});

describe("conditional requests for the JWKS", () => {
  const fetchKeys = (id: string, inm?: string) => call(`/oauth2/${id}/v1/keys`, inm ? { headers: { "If-None-Match": inm } } : {});

  it.each([
    ["the current ETag", (etag: string) => etag],
    ["its weak form", (etag: string) => `W/${etag}`],
    ["a list that contains it", (etag: string) => `"something-else", ${etag}`],
    // RFC 9110 section 13.1.2: "*" matches any current representation.
    ["*", () => "*"],
  ])("answers If-None-Match with %s by 304 with no body, keeping ETag and Cache-Control", async (_, inm) => {
    const { id } = await createServer();
    const first = await fetchKeys(id);
    const etag = first.headers.get("ETag")!;
    const res = await fetchKeys(id, inm(etag));
    expect(res.status).toBe(304);
    expect(await res.text()).toBe("");
    expect(res.headers.get("ETag")).toBe(etag);
    expect(res.headers.get("Cache-Control")).toBe(first.headers.get("Cache-Control"));
  });

  it("answers a stale ETag with 200 and the full set", async () => {
    const { id } = await createServer();
    const res = await fetchKeys(id, '"not-the-current-etag"');
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).keys.length).toBeGreaterThan(0);
  });

  it("keeps the same ETag while the keys are unchanged", async () => {
    const { id } = await createServer();
    const a = await fetchKeys(id);
    const b = await fetchKeys(id);
    expect(a.headers.get("ETag")).toBe(b.headers.get("ETag"));
  });

  it("changes the ETag when the keys rotate, so the old one no longer gets a 304", async () => {
    const { id } = await createManualServer();
    const before = (await fetchKeys(id)).headers.get("ETag")!;
    expect((await rotateKeys(id)).status).toBe(200);
    const after = await fetchKeys(id, before);
    expect(after.status).toBe(200);
    expect(after.headers.get("ETag")).not.toBe(before);
  });
});

describe("key isolation between servers", () => {
  it("gives two servers disjoint key sets", async () => {
    const [a, b] = await Promise.all([createManualServer(), createManualServer()]);
    const [ka, kb] = await Promise.all([jwks(a.id), jwks(b.id)]);
    const kidsA = kidsOf(ka.keys);
    const kidsB = kidsOf(kb.keys);
    expect(kidsA.filter((k) => kidsB.includes(k))).toEqual([]);
    const moduli = new Set(ka.keys.map((k) => k.n));
    expect(kb.keys.filter((k) => moduli.has(k.n))).toEqual([]);
  });

  it("gives different ETags to two servers", async () => {
    const [a, b] = await Promise.all([createServer(), createServer()]);
    const [ra, rb] = await Promise.all([call(`/oauth2/${a.id}/v1/keys`), call(`/oauth2/${b.id}/v1/keys`)]);
    expect(ra.headers.get("ETag")).not.toBe(rb.headers.get("ETag"));
  });

  it("keeps the org server's keys apart from every custom server's", async () => {
    const res = await call("/oauth2/v1/keys");
    expect(res.status).toBe(200);
    const org = (await res.json()) as { keys: Record<string, any>[] };
    for (const k of org.keys) expectPublicRsaSigningKey(k);
    const custom = [...kidsOf((await jwks("default")).keys), ...kidsOf((await jwks((await createServer()).id)).keys)];
    expect(kidsOf(org.keys).filter((k) => custom.includes(k))).toEqual([]);
  });
});

describe("the JWKS of a server that cannot be used", () => {
  it("answers an unknown server with 404 E0000007", async () => {
    await expectOktaError(await call("/oauth2/ausNoSuchServer00001/v1/keys"), 404, ...serverNotFound("ausNoSuchServer00001"));
  });

  it("answers an INACTIVE server with 404 E0000007", async () => {
    const s = await createServer();
    await admin(`/authorizationServers/${s.id}/lifecycle/deactivate`, { method: "POST" });
    await expectOktaError(await call(`/oauth2/${s.id}/v1/keys`), 404, ...serverNotFound(s.id));
  });
});
