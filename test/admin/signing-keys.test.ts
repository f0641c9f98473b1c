import { decodeProtectedHeader } from "jose";
import { describe, expect, it } from "vitest";
import { admin, BASE, createServer } from "../support/admin";
import {
  adminKeys,
  createManualServer,
  expectOktaError,
  getServer,
  jwks,
  kidsOf,
  rotateKeys,
  serverNotFound,
} from "../support/fixtures";
import { createApp, mintToken, readyServer } from "../support/clients";
import { HEADERS_NOT_SET, NOT_WELL_FORMED } from "./body-errors";

const keysUrl = (id: string) => `${BASE}/api/v1/authorizationServers/${id}/credentials/keys`;

/** Okta's AuthorizationServerJsonWebKey. */
const jsonWebKey = (id: string, status: string) => ({
  status,
  alg: "RS256",
  e: "AQAB",
  n: expect.stringMatching(/^[A-Za-z0-9_-]{342,}$/),
  kid: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
  kty: "RSA",
  use: "sig",
  _links: { self: { href: expect.stringMatching(new RegExp(`^${keysUrl(id).replace(/[.?/]/g, "\\$&")}/[A-Za-z0-9_-]{43}$`)), hints: { allow: ["GET"] } } },
});

const byStatus = (keys: Record<string, any>[], status: string) => keys.filter((k) => k.status === status);
const statuses = (keys: Record<string, any>[]) => keys.map((k) => k.status).sort();

describe("listing signing keys", () => {
  it("lists one ACTIVE key for a new AUTO server: its NEXT key comes halfway through the period", async () => {
    const s = await createServer();
    const res = await admin(`/authorizationServers/${s.id}/credentials/keys`);
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    const keys = (await res.json()) as Record<string, any>[];
    expect(keys).toEqual([jsonWebKey(s.id, "ACTIVE")]);
    expect(keys[0]!.kid).toBe(s.credentials.signing.kid);
    expect(keys[0]!._links.self.href).toBe(`${keysUrl(s.id)}/${keys[0]!.kid}`);
  });

  it("lists an ACTIVE and a NEXT key for a new MANUAL server", async () => {
    const s = await createManualServer();
    const keys = await adminKeys(s.id);
    expect(keys).toEqual([jsonWebKey(s.id, "ACTIVE"), jsonWebKey(s.id, "NEXT")]);
    expect(keys[0]!.kid).toBe(s.credentials.signing.kid);
    expect(keys[1]!.kid).not.toBe(keys[0]!.kid);
  });

  it("gets one key by its kid", async () => {
    const s = await createManualServer();
    for (const k of await adminKeys(s.id)) {
      const res = await admin(`/authorizationServers/${s.id}/credentials/keys/${k.kid}`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual(k);
    }
  });

  it("answers an unknown kid with 404 E0000007", async () => {
    const s = await createServer();
    const res = await admin(`/authorizationServers/${s.id}/credentials/keys/no-such-kid`);
    expect(res.headers.get("X-Okta-Request-Id")).toBeTruthy();
    await expectOktaError(res, 404, "E0000007", "Not found: Resource not found: no-such-kid (AuthorizationServerJsonWebKey)");
  });

  it("does not find one server's key under another server", async () => {
    const [a, b] = await Promise.all([createServer(), createServer()]);
    const kid = a.credentials.signing.kid;
    await expectOktaError(
      await admin(`/authorizationServers/${b.id}/credentials/keys/${kid}`),
      404,
      "E0000007",
      `Not found: Resource not found: ${kid} (AuthorizationServerJsonWebKey)`,
    );
  });

  it.each([
    ["GET", "/credentials/keys"],
    ["GET", "/credentials/keys/some-kid"],
    ["POST", "/credentials/lifecycle/keyRotate"],
  ])("answers %s %s of an unknown server with 404 E0000007", async (method, suffix) => {
    const id = "ausNoSuchServer00001";
    const res = await admin(`/authorizationServers/${id}${suffix}`, { method, ...(method === "POST" ? { json: { use: "sig" } } : {}) });
    await expectOktaError(res, 404, ...serverNotFound(id));
  });
});

describe("rotating keys by hand", () => {
  it("on an AUTO server makes a new key ACTIVE and the ACTIVE key EXPIRED at once (Okta: either mode)", async () => {
    const s = await createServer();
    const oldKid = s.credentials.signing.kid;
    const res = await rotateKeys(s.id);
    expect(res.status).toBe(200);
    const after = (await res.json()) as Record<string, any>[];
    expect(after).toEqual(await adminKeys(s.id));
    // The NEXT key of the restarted schedule comes halfway through the new period, as at creation.
    expect(statuses(after)).toEqual(["ACTIVE", "EXPIRED"]);
    for (const k of after) expect(k).toEqual(jsonWebKey(s.id, k.status));
    expect(byStatus(after, "EXPIRED")[0]!.kid).toBe(oldKid);
    expect(byStatus(after, "ACTIVE")[0]!.kid).not.toBe(oldKid);
  });

  it("on an AUTO server promotes the published NEXT key when there is one", async () => {
    const s = await createServer();
    // Switching to MANUAL and back publishes a NEXT key and leaves the server in AUTO mode.
    await admin(`/authorizationServers/${s.id}`, { method: "PUT", json: { name: s.name, audiences: s.audiences, credentials: { signing: { rotationMode: "MANUAL" } } } });
    await admin(`/authorizationServers/${s.id}`, { method: "PUT", json: { name: s.name, audiences: s.audiences, credentials: { signing: { rotationMode: "AUTO" } } } });
    const before = await adminKeys(s.id);
    const next = byStatus(before, "NEXT")[0]!;
    expect((await getServer(s.id)).credentials.signing.rotationMode).toBe("AUTO");

    const after = (await (await rotateKeys(s.id)).json()) as Record<string, any>[];
    expect(byStatus(after, "ACTIVE")[0]!.kid).toBe(next.kid);
    expect(byStatus(after, "EXPIRED")[0]!.kid).toBe(s.credentials.signing.kid);
  });

  it("on an AUTO server restarts the schedule: nextRotation is a period after the manual rotation", async () => {
    const s = await createServer();
    const period = Date.parse(s.credentials.signing.nextRotation) - Date.parse(s.credentials.signing.lastRotated);
    expect((await rotateKeys(s.id)).status).toBe(200);
    const signing = (await getServer(s.id)).credentials.signing;
    expect(signing.rotationMode).toBe("AUTO");
    expect(signing.kid).toBe(byStatus(await adminKeys(s.id), "ACTIVE")[0]!.kid);
    expect(Date.parse(signing.lastRotated)).toBeGreaterThanOrEqual(Date.parse(s.credentials.signing.lastRotated));
    expect(Date.parse(signing.nextRotation) - Date.parse(signing.lastRotated)).toBe(period);
  });

  it("on an AUTO server signs the next token with the new key at once", async () => {
    const ready = await readyServer();
    const client = await createApp();
    const before = decodeProtectedHeader(await mintToken(ready.id, client, "orders:read")).kid;
    expect(before).toBe(ready.server.credentials.signing.kid);
    const rotated = (await (await rotateKeys(ready.id)).json()) as Record<string, any>[];
    const active = byStatus(rotated, "ACTIVE")[0]!.kid;
    expect(active).not.toBe(before);
    expect(decodeProtectedHeader(await mintToken(ready.id, client, "orders:read")).kid).toBe(active);
    // Tokens the old key signed still verify: it stays published as EXPIRED.
    expect(kidsOf((await jwks(ready.id)).keys)).toEqual(kidsOf(rotated));
  });

  it("on a MANUAL server makes NEXT ACTIVE, ACTIVE EXPIRED, and generates a new NEXT", async () => {
    const s = await createManualServer();
    const before = await adminKeys(s.id);
    const [oldActive, oldNext] = [byStatus(before, "ACTIVE")[0]!, byStatus(before, "NEXT")[0]!];

    const res = await rotateKeys(s.id);
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    const after = (await res.json()) as Record<string, any>[];
    // Okta: the response is the server's whole key list.
    expect(after).toEqual(await adminKeys(s.id));
    expect(statuses(after)).toEqual(["ACTIVE", "EXPIRED", "NEXT"]);
    for (const k of after) expect(k).toEqual(jsonWebKey(s.id, k.status));
    expect(byStatus(after, "ACTIVE")[0]!.kid).toBe(oldNext.kid);
    expect(byStatus(after, "EXPIRED")[0]!.kid).toBe(oldActive.kid);
    expect([oldActive.kid, oldNext.kid]).not.toContain(byStatus(after, "NEXT")[0]!.kid);
    // The public halves do not change with the status.
    expect(byStatus(after, "ACTIVE")[0]!.n).toBe(oldNext.n);
    expect(byStatus(after, "EXPIRED")[0]!.n).toBe(oldActive.n);
  });

  it("moves the server's credentials.signing.kid and lastRotated to the new ACTIVE key", async () => {
    const s = await createManualServer();
    const before = await adminKeys(s.id);
    const res = await rotateKeys(s.id);
    expect(res.status).toBe(200);
    const server = await getServer(s.id);
    expect(server.credentials.signing).toEqual({
      rotationMode: "MANUAL",
      kid: byStatus(before, "NEXT")[0]!.kid,
      lastRotated: expect.any(String),
      use: "sig",
    });
    expect(Date.parse(server.credentials.signing.lastRotated)).toBeGreaterThanOrEqual(Date.parse(s.credentials.signing.lastRotated));
  });

  it("keeps the EXPIRED key in the JWKS, next to ACTIVE and NEXT", async () => {
    const s = await createManualServer();
    await jwks(s.id); // warm the isolate's cache, which a rotation must refresh
    const res = await rotateKeys(s.id);
    expect(res.status).toBe(200);
    const keys = (await res.json()) as Record<string, any>[];
    expect(kidsOf((await jwks(s.id)).keys)).toEqual(kidsOf(keys));
    expect(kidsOf((await jwks(s.id)).keys)).toContain(byStatus(keys, "EXPIRED")[0]!.kid);
  });

  it("keeps every EXPIRED key of successive rotations while their overlap lasts", async () => {
    const s = await createManualServer();
    for (let i = 0; i < 3; i++) expect((await rotateKeys(s.id)).status).toBe(200);
    const keys = await adminKeys(s.id);
    expect(statuses(keys)).toEqual(["ACTIVE", "EXPIRED", "EXPIRED", "EXPIRED", "NEXT"]);
    expect(new Set(kidsOf(keys)).size).toBe(5);
    expect(kidsOf((await jwks(s.id)).keys)).toEqual(kidsOf(keys));
  });

  it("refuses use 'enc' with Okta's exact error", async () => {
    const s = await createManualServer();
    const before = await adminKeys(s.id);
    const res = await rotateKeys(s.id, { use: "enc" });
    expect(res.headers.get("X-Okta-Request-Id")).toBeTruthy();
    await expectOktaError(res, 400, "E0000001", "Api validation failed: rotateKeys", ["Invalid value specified for key 'use' parameter"]);
    expect(await adminKeys(s.id)).toEqual(before);
  });

  describe.each([
    ["an empty JSON object", { json: {} }, /^use: /],
    ["use of the wrong type", { json: { use: 1 } }, /^use: /],
    ["a non-object body", { json: ["sig"] }, /^body: /],
  ] as [string, RequestInit & { json?: unknown }, string | RegExp][])("with %s", (_, init, cause) => {
    it("is refused with 400 E0000001 and changes nothing", async () => {
      const s = await createManualServer();
      const before = await adminKeys(s.id);
      const res = await admin(`/authorizationServers/${s.id}/credentials/lifecycle/keyRotate`, { method: "POST", ...init });
      await expectOktaError(res, 400, "E0000001", "Api validation failed: rotateKeys", [
        typeof cause === "string" ? cause : expect.stringMatching(cause),
      ]);
      expect(await adminKeys(s.id)).toEqual(before);
    });
  });

  describe.each([
    ["no body", {}, HEADERS_NOT_SET, ["Content-Type: expected application/json, got none"]],
    ["malformed JSON", { headers: { "Content-Type": "application/json" }, body: "{" }, NOT_WELL_FORMED, []],
  ] as [string, RequestInit, readonly [string, string], string[]][])("with %s", (_, init, [code, summary], causes) => {
    it(`is refused with 400 ${code} and changes nothing`, async () => {
      const s = await createManualServer();
      const before = await adminKeys(s.id);
      const res = await admin(`/authorizationServers/${s.id}/credentials/lifecycle/keyRotate`, { method: "POST", ...init });
      await expectOktaError(res, 400, code, summary, causes);
      expect(await adminKeys(s.id)).toEqual(before);
    });
  });

  it("never loses or duplicates a key under ten concurrent rotations", async () => {
    const s = await createManualServer();
    const initial = await adminKeys(s.id);
    const responses = await Promise.all(Array.from({ length: 10 }, () => rotateKeys(s.id)));
    const ok = responses.filter((r) => r.status === 200);
    for (const r of responses) expect([200]).toContain(r.status);

    const keys = await adminKeys(s.id);
    const kids = kidsOf(keys);
    expect(new Set(kids).size).toBe(kids.length);
    expect(byStatus(keys, "ACTIVE")).toHaveLength(1);
    expect(byStatus(keys, "NEXT")).toHaveLength(1);
    expect(byStatus(keys, "EXPIRED")).toHaveLength(ok.length);
    expect(keys).toHaveLength(ok.length + 2);
    // Every key there was is still there: the first ACTIVE and NEXT became EXPIRED keys.
    for (const k of initial) expect(kids).toContain(k.kid);
    // Each rotation saw a different ACTIVE key: they ran one after another.
    const activeAfterEach = await Promise.all(ok.map(async (r) => byStatus((await r.json()) as Record<string, any>[], "ACTIVE")[0]!.kid));
    expect(new Set(activeAfterEach).size).toBe(ok.length);
    expect((await getServer(s.id)).credentials.signing.kid).toBe(byStatus(keys, "ACTIVE")[0]!.kid);
    expect(kidsOf((await jwks(s.id)).keys)).toEqual(kids);
  });
});
