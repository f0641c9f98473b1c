import { OktaApiError, type AuthorizationServer, type AuthorizationServerJsonWebKey } from "@okta/okta-sdk-nodejs";
import { describe, expect, inject, it } from "vitest";
import { adminJson, all, oktaClient, rejection, serverBody } from "./support/okta";

const baseUrl = inject("baseUrl");
const { api, requests } = oktaClient();

const create = (label: string, extra: Partial<AuthorizationServer> = {}) =>
  api.createAuthorizationServer({ authorizationServer: serverBody(label, extra) });
const keysOf = async (authServerId: string) => all<AuthorizationServerJsonWebKey>(await api.listAuthorizationServerKeys({ authServerId }));
const withStatus = (keys: AuthorizationServerJsonWebKey[], status: string) => keys.filter((k) => k.status === status);

function expectOktaError(err: unknown, status: number, errorCode: string, errorSummary: string, causes: string[] = []) {
  expect(err).toBeInstanceOf(OktaApiError);
  const e = err as OktaApiError;
  expect({ status: e.status, errorCode: e.errorCode, errorSummary: e.errorSummary, errorLink: e.errorLink }).toEqual({
    status,
    errorCode,
    errorSummary,
    errorLink: errorCode,
  });
  expect(e.errorId).toMatch(/^oae[0-9A-Za-z]{22}$/);
  expect(e.errorCauses).toEqual(causes.map((errorSummary) => ({ errorSummary })));
}

describe("authorization servers through Okta's management SDK", () => {
  it("creates a server as Okta's AuthorizationServer, ACTIVE, with an AUTO-rotating signing key", async () => {
    const body = serverBody("create");
    const s = await api.createAuthorizationServer({ authorizationServer: body });
    expect(s.id).toMatch(/^aus[0-9A-Za-z]{17}$/);
    expect(s).toMatchObject({
      name: body.name,
      description: body.description,
      audiences: body.audiences,
      issuer: `${baseUrl}/oauth2/${s.id}`,
      issuerMode: "ORG_URL",
      status: "ACTIVE",
    });
    expect(s.created).toBeInstanceOf(Date);
    expect(s.lastUpdated).toBeInstanceOf(Date);
    const signing = s.credentials!.signing!;
    expect(signing.rotationMode).toBe("AUTO");
    expect(signing.use).toBe("sig");
    expect(signing.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(signing.lastRotated).toBeInstanceOf(Date);
    // Okta: nextRotation is present in AUTO mode, about 90 days after lastRotated.
    const days = (signing.nextRotation!.getTime() - signing.lastRotated!.getTime()) / 86_400_000;
    expect(days).toBeCloseTo(90, 0);
    const links = s._links as any;
    expect(links.self.href).toBe(`${baseUrl}/api/v1/authorizationServers/${s.id}`);
    expect(links.deactivate.href).toBe(`${baseUrl}/api/v1/authorizationServers/${s.id}/lifecycle/deactivate`);
    expect(links.activate).toBeUndefined();
  });

  it("gets a server by id exactly as it was created", async () => {
    const created = await create("get");
    const fetched = await api.getAuthorizationServer({ authServerId: created.id! });
    expect(fetched).toEqual(created);
  });

  it('follows Link rel="next" until every server is listed once', async () => {
    const created = await Promise.all(Array.from({ length: 7 }, (_, i) => create(`page-${i}`)));
    const before = requests.length;
    const listed = await all<AuthorizationServer>(await api.listAuthorizationServers({ limit: 3 }));
    const pages = requests.slice(before).filter((r) => new URL(r.url).pathname === "/api/v1/authorizationServers");

    const ids = listed.map((s) => s.id!);
    expect(new Set(ids).size).toBe(ids.length);
    for (const s of created) expect(ids.filter((id) => id === s.id)).toHaveLength(1);
    expect(ids).toContain("default");
    // One request per page of 3, no empty trailing page; the SDK sends `after` only when it follows a next link.
    expect(ids.length).toBeGreaterThanOrEqual(8);
    expect(pages.length).toBe(Math.ceil(ids.length / 3));
    expect(new URL(pages[0]!.url).searchParams.get("after")).toBeNull();
    for (const p of pages.slice(1)) {
      const url = new URL(p.url);
      expect(url.origin).toBe(baseUrl);
      expect(url.searchParams.get("limit")).toBe("3");
      expect(url.searchParams.get("after")).toMatch(/.+/);
    }
  });

  it("finds a server by a q search over name and audiences", async () => {
    const s = await create("search");
    const byName = await all<AuthorizationServer>(await api.listAuthorizationServers({ q: s.name! }));
    expect(byName.map((x) => x.id)).toEqual([s.id]);
    const byAudience = await all<AuthorizationServer>(await api.listAuthorizationServers({ q: s.audiences![0]! }));
    expect(byAudience.map((x) => x.id)).toEqual([s.id]);
  });

  it("replaces a server and switches it to MANUAL rotation without changing its signing key", async () => {
    const s = await create("replace");
    const replaced = await api.replaceAuthorizationServer({
      authServerId: s.id!,
      authorizationServer: {
        ...s,
        name: `${s.name} renamed`,
        description: "replaced",
        audiences: ["api://e2e/replaced"],
        credentials: { signing: { rotationMode: "MANUAL", use: "sig" } },
      } as AuthorizationServer,
    });
    expect(replaced).toMatchObject({
      id: s.id,
      name: `${s.name} renamed`,
      description: "replaced",
      audiences: ["api://e2e/replaced"],
      issuer: s.issuer,
      status: "ACTIVE",
    });
    expect(replaced.created).toEqual(s.created);
    expect(replaced.lastUpdated!.getTime()).toBeGreaterThanOrEqual(s.lastUpdated!.getTime());
    const signing = replaced.credentials!.signing!;
    expect(signing.rotationMode).toBe("MANUAL");
    // Okta: switching the rotation mode doesn't change the active signing key; nextRotation is AUTO-only.
    expect(signing.kid).toBe(s.credentials!.signing!.kid);
    expect(signing.nextRotation).toBeUndefined();
    // The SDK's cache was invalidated by the PUT; a fresh GET agrees with the PUT's answer.
    expect(await api.getAuthorizationServer({ authServerId: s.id! })).toEqual(replaced);
  });

  it("lists a server's signing keys as AuthorizationServerJsonWebKeys, the ACTIVE one being credentials.signing.kid", async () => {
    const s = await create("keys");
    const keys = await keysOf(s.id!);
    const active = withStatus(keys, "ACTIVE");
    expect(active.map((k) => k.kid)).toEqual([s.credentials!.signing!.kid]);
    expect(new Set(keys.map((k) => k.kid)).size).toBe(keys.length);
    for (const k of keys) {
      expect(k).toMatchObject({ kty: "RSA", alg: "RS256", use: "sig", e: "AQAB" });
      expect(["ACTIVE", "NEXT", "EXPIRED"]).toContain(k.status);
      // RSA-2048 modulus: 256 bytes, 342 base64url characters.
      expect(k.n).toMatch(/^[A-Za-z0-9_-]{342}$/);
      expect((k._links as any).self.href).toBe(`${baseUrl}/api/v1/authorizationServers/${s.id}/credentials/keys/${k.kid}`);
    }
  });

  it("rotates a MANUAL server's keys: NEXT becomes ACTIVE, the old ACTIVE becomes EXPIRED, a new NEXT is ready", async () => {
    const s = await create("rotate", { credentials: { signing: { rotationMode: "MANUAL" } } } as Partial<AuthorizationServer>);
    expect(s.credentials!.signing!.rotationMode).toBe("MANUAL");
    const before = await keysOf(s.id!);
    const oldActive = withStatus(before, "ACTIVE")[0]!.kid!;
    const oldNext = withStatus(before, "NEXT")[0]?.kid;
    expect(oldActive).toBe(s.credentials!.signing!.kid);

    const rotated = await all<AuthorizationServerJsonWebKey>(
      await api.rotateAuthorizationServerKeys({ authServerId: s.id!, use: { use: "sig" } }),
    );
    const active = withStatus(rotated, "ACTIVE");
    const next = withStatus(rotated, "NEXT");
    expect(active).toHaveLength(1);
    if (oldNext) expect(active[0]!.kid).toBe(oldNext);
    expect(active[0]!.kid).not.toBe(oldActive);
    expect(withStatus(rotated, "EXPIRED").map((k) => k.kid)).toEqual([oldActive]);
    expect(next.length).toBeLessThanOrEqual(1);
    for (const k of next) expect([oldActive, oldNext]).not.toContain(k.kid);

    // The server now signs with the new ACTIVE key, and the key list says the same as the rotation did.
    const after = await api.getAuthorizationServer({ authServerId: s.id! });
    expect(after.credentials!.signing!.kid).toBe(active[0]!.kid);
    expect(after.credentials!.signing!.lastRotated!.getTime()).toBeGreaterThan(s.credentials!.signing!.lastRotated!.getTime());
    const listed = await keysOf(s.id!);
    expect(listed.map((k) => [k.kid, k.status]).sort()).toEqual(rotated.map((k) => [k.kid, k.status]).sort());
  });

  it("rotates the keys of an AUTO server by hand too, and keeps it AUTO (Okta: either mode)", async () => {
    const s = await create("rotate-auto");
    const oldKid = s.credentials!.signing!.kid!;
    const rotated = await all<AuthorizationServerJsonWebKey>(await api.rotateAuthorizationServerKeys({ authServerId: s.id!, use: { use: "sig" } }));
    const active = rotated.filter((k) => k.status === "ACTIVE");
    expect(active).toHaveLength(1);
    expect(active[0]!.kid).not.toBe(oldKid);
    expect(rotated.filter((k) => k.status === "EXPIRED").map((k) => k.kid)).toEqual([oldKid]);
    const after = await api.getAuthorizationServer({ authServerId: s.id! });
    expect(after.credentials!.signing!.kid).toBe(active[0]!.kid);
    expect(after.credentials!.signing!.rotationMode).toBe("AUTO");
    expect(after.credentials!.signing!.nextRotation).toBeTruthy();
  });

  it("rejects a key rotation whose use is not sig with 400 E0000001", async () => {
    const s = await create("rotate-enc", { credentials: { signing: { rotationMode: "MANUAL" } } } as Partial<AuthorizationServer>);
    // The SDK returns the rotation as a lazy Collection: the POST is sent when it is iterated.
    const err = await rejection(
      (async () => all(await api.rotateAuthorizationServerKeys({ authServerId: s.id!, use: { use: "enc" as "sig" } })))(),
    );
    expectOktaError(err, 400, "E0000001", "Api validation failed: rotateKeys", ["Invalid value specified for key 'use' parameter"]);
  });

  it("deactivates and reactivates a server, with the lifecycle link to match", async () => {
    const s = await create("lifecycle");
    const self = `${baseUrl}/api/v1/authorizationServers/${s.id}`;
    await api.deactivateAuthorizationServer({ authServerId: s.id! });
    const inactive = await api.getAuthorizationServer({ authServerId: s.id! });
    expect(inactive.status).toBe("INACTIVE");
    expect(inactive.credentials!.signing!.kid).toBe(s.credentials!.signing!.kid);
    // Okta: links reflect state. The SDK's AuthServerLinks model has no `activate`, so read the links raw.
    const raw = await adminJson(`/authorizationServers/${s.id}`);
    expect(raw.body._links.activate).toEqual({ href: `${self}/lifecycle/activate`, hints: { allow: ["POST"] } });
    expect(raw.body._links.deactivate).toBeUndefined();

    await api.activateAuthorizationServer({ authServerId: s.id! });
    const active = await api.getAuthorizationServer({ authServerId: s.id! });
    expect(active.status).toBe("ACTIVE");
    expect((active._links as any).deactivate.href).toBe(`${self}/lifecycle/deactivate`);
    expect(active.credentials!.signing!.kid).toBe(s.credentials!.signing!.kid);
  });

  it("deletes a server: it is gone from get, list and its key list", async () => {
    const s = await create("delete");
    await api.deactivateAuthorizationServer({ authServerId: s.id! });
    await api.deleteAuthorizationServer({ authServerId: s.id! });
    const summary = `Not found: Resource not found: ${s.id} (AuthorizationServer)`;
    expectOktaError(await rejection(api.getAuthorizationServer({ authServerId: s.id! })), 404, "E0000007", summary);
    expectOktaError(await rejection(keysOf(s.id!)), 404, "E0000007", summary);
    const listed = await all<AuthorizationServer>(await api.listAuthorizationServers({ q: s.name! }));
    expect(listed).toEqual([]);
    expectOktaError(await rejection(api.deleteAuthorizationServer({ authServerId: s.id! })), 404, "E0000007", summary);
  });

  it("surfaces an unknown id as OktaApiError 404 E0000007", async () => {
    const err = await rejection(api.getAuthorizationServer({ authServerId: "ausDoesNotExist00000" }));
    expectOktaError(err, 404, "E0000007", "Not found: Resource not found: ausDoesNotExist00000 (AuthorizationServer)");
  });

  it("surfaces a bad API token as OktaApiError 401 E0000011", async () => {
    const { api: badApi } = oktaClient({ token: "00not-the-admin-token-at-all" });
    const err = await rejection(all(await badApi.listAuthorizationServers()));
    expectOktaError(err, 401, "E0000011", "Invalid token provided");
    expectOktaError(await rejection(badApi.getAuthorizationServer({ authServerId: "default" })), 401, "E0000011", "Invalid token provided");
  });

  it("surfaces a create without a name as OktaApiError 400 E0000001 with one cause per problem", async () => {
    const err = await rejection(api.createAuthorizationServer({ authorizationServer: { audiences: ["api://x"] } as AuthorizationServer }));
    expect(err).toBeInstanceOf(OktaApiError);
    expect(err.status).toBe(400);
    expect(err.errorCode).toBe("E0000001");
    expect(err.errorSummary).toBe("Api validation failed: AuthorizationServer");
    expect(err.errorCauses).toHaveLength(1);
    expect(err.errorCauses[0].errorSummary).toMatch(/name/);
  });
});
