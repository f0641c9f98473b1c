import { describe, expect, it } from "vitest";
import { admin, BASE, call, createServer } from "../support/admin";
import { DAY_MS, expectOktaError, getServer, listAllServers, serverNotFound, uniqueName } from "../support/fixtures";
import { ISO_MS, expectedLinks, post, put, VALID } from "./authorization-server-fixtures";

describe("creating an authorization server", () => {
  it("answers 201 with every Okta field", async () => {
    const name = uniqueName("Create");
    const before = Date.now();
    const res = await post({ name, description: "Sample Authorization Server description", audiences: ["api://sample"] });
    const after = Date.now();
    expect(res.status).toBe(201);
    expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
    const s = (await res.json()) as Record<string, any>;
    expect(s).toEqual({
      id: expect.stringMatching(/^aus[0-9A-Za-z]{17}$/),
      name,
      description: "Sample Authorization Server description",
      audiences: ["api://sample"],
      issuer: `${BASE}/oauth2/${s.id}`,
      issuerMode: "ORG_URL",
      status: "ACTIVE",
      created: expect.stringMatching(ISO_MS),
      lastUpdated: expect.stringMatching(ISO_MS),
      credentials: {
        signing: {
          rotationMode: "AUTO",
          lastRotated: expect.stringMatching(ISO_MS),
          nextRotation: expect.stringMatching(ISO_MS),
          kid: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
          use: "sig",
        },
      },
      _links: expectedLinks(s.id, "ACTIVE"),
    });
    const created = Date.parse(s.created);
    expect(created).toBeGreaterThanOrEqual(before - 1000);
    expect(created).toBeLessThanOrEqual(after + 1000);
    expect(s.lastUpdated).toBe(s.created);
    // Okta: keys rotate every 90 days, nextRotation = lastRotated + 90 d.
    const lastRotated = Date.parse(s.credentials.signing.lastRotated);
    expect(Math.abs(lastRotated - created)).toBeLessThan(5000);
    expect(Date.parse(s.credentials.signing.nextRotation) - lastRotated).toBe(90 * DAY_MS);
  });

  it("is then returned by GET exactly as created", async () => {
    const s = await createServer();
    expect(await getServer(s.id)).toEqual(s);
  });

  it("gives every server a distinct id and signing key", async () => {
    const [a, b] = await Promise.all([createServer(), createServer()]);
    expect(a.id).not.toBe(b.id);
    expect(a.credentials.signing.kid).not.toBe(b.credentials.signing.kid);
  });

  it("omits nextRotation when created with rotationMode MANUAL", async () => {
    const s = await createServer({ credentials: { signing: { rotationMode: "MANUAL", use: "sig" } } });
    expect(s.credentials.signing).toEqual({
      rotationMode: "MANUAL",
      lastRotated: expect.stringMatching(ISO_MS),
      kid: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      use: "sig",
    });
  });

  it("accepts issuerMode DYNAMIC", async () => {
    const s = await createServer({ issuerMode: "DYNAMIC" });
    expect(s.issuerMode).toBe("DYNAMIC");
    expect(s.issuer).toBe(`${BASE}/oauth2/${s.id}`);
  });

  it("ignores read-only fields a client echoes back", async () => {
    const s = await createServer({
      id: "ausChosenByClient0001",
      issuer: "https://evil.example/oauth2/x",
      created: "2000-01-01T00:00:00.000Z",
      credentials: { signing: { kid: "chosen-kid", lastRotated: "2000-01-01T00:00:00.000Z" } },
      _links: { self: { href: "https://evil.example" } },
    });
    expect(s.id).not.toBe("ausChosenByClient0001");
    expect(s.issuer).toBe(`${BASE}/oauth2/${s.id}`);
    expect(s.created).not.toBe("2000-01-01T00:00:00.000Z");
    expect(s.credentials.signing.kid).not.toBe("chosen-kid");
    expect(s._links).toEqual(expectedLinks(s.id, "ACTIVE"));
  });
});

describe("an unknown authorization server id", () => {
  const id = "ausDoesNotExist00001";
  it.each([
    ["GET", `/authorizationServers/${id}`, undefined],
    ["PUT", `/authorizationServers/${id}`, VALID],
    ["DELETE", `/authorizationServers/${id}`, undefined],
    ["POST", `/authorizationServers/${id}/lifecycle/activate`, undefined],
    ["POST", `/authorizationServers/${id}/lifecycle/deactivate`, undefined],
  ])("answers %s %s with 404 E0000007", async (method, path, body) => {
    const res = await admin(path, { method, ...(body ? { json: body } : {}) });
    expect(res.headers.get("X-Okta-Request-Id")).toBeTruthy();
    await expectOktaError(res, 404, ...serverNotFound(id));
  });

  it("is not created by a PUT", async () => {
    await put(id, VALID);
    expect((await listAllServers()).map((s) => s.id)).not.toContain(id);
  });
});

describe("replacing an authorization server", () => {
  it("replaces name, description and audiences and keeps id, created, issuer and key", async () => {
    const s = await createServer();
    const name = uniqueName("Replaced");
    const res = await put(s.id, { name, description: "new description", audiences: ["api://replaced"] });
    expect(res.status).toBe(200);
    const r = (await res.json()) as Record<string, any>;
    expect(r).toEqual({
      ...s,
      name,
      description: "new description",
      audiences: ["api://replaced"],
      lastUpdated: expect.stringMatching(ISO_MS),
    });
    expect(Date.parse(r.lastUpdated)).toBeGreaterThanOrEqual(Date.parse(s.lastUpdated));
    expect(await getServer(s.id)).toEqual(r);
  });

  it("accepts the object it returned, read-only fields and all", async () => {
    const s = await createServer();
    const res = await put(s.id, { ...s, name: "Echoed back" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ...s, name: "Echoed back", lastUpdated: expect.stringMatching(ISO_MS) });
  });

  it("changes issuerMode to DYNAMIC", async () => {
    const s = await createServer();
    const res = await put(s.id, { name: s.name, audiences: s.audiences, issuerMode: "DYNAMIC" });
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).issuerMode).toBe("DYNAMIC");
    expect((await getServer(s.id)).issuerMode).toBe("DYNAMIC");
  });

  it("switches rotationMode to MANUAL without changing the active key, and drops nextRotation", async () => {
    const s = await createServer();
    const res = await put(s.id, { name: s.name, audiences: s.audiences, credentials: { signing: { rotationMode: "MANUAL" } } });
    expect(res.status).toBe(200);
    const r = (await res.json()) as Record<string, any>;
    // Okta: switching the rotation mode does not change the active signing key.
    expect(r.credentials.signing).toEqual({
      rotationMode: "MANUAL",
      lastRotated: s.credentials.signing.lastRotated,
      kid: s.credentials.signing.kid,
      use: "sig",
    });
    expect((await getServer(s.id)).credentials.signing).toEqual(r.credentials.signing);
  });

  it("switches back to AUTO with the same key and a nextRotation 90 days after lastRotated", async () => {
    const s = await createServer({ credentials: { signing: { rotationMode: "MANUAL" } } });
    const res = await put(s.id, { name: s.name, audiences: s.audiences, credentials: { signing: { rotationMode: "AUTO" } } });
    expect(res.status).toBe(200);
    const signing = ((await res.json()) as any).credentials.signing;
    expect(signing).toEqual({ ...s.credentials.signing, rotationMode: "AUTO", nextRotation: expect.stringMatching(ISO_MS) });
    expect(Date.parse(signing.nextRotation) - Date.parse(signing.lastRotated)).toBe(90 * DAY_MS);
  });

  it("keeps the rotation mode when the body does not name one", async () => {
    const s = await createServer({ credentials: { signing: { rotationMode: "MANUAL" } } });
    const res = await put(s.id, { name: "no credentials", audiences: s.audiences });
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).credentials.signing).toEqual(s.credentials.signing);
  });
});

describe("deleting an authorization server", () => {
  it("answers 204 and then the server, its keys and its discovery documents are gone", async () => {
    const s = await createServer();
    const res = await admin(`/authorizationServers/${s.id}`, { method: "DELETE" });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");

    await expectOktaError(await admin(`/authorizationServers/${s.id}`), 404, ...serverNotFound(s.id));
    await expectOktaError(await admin(`/authorizationServers/${s.id}/credentials/keys`), 404, ...serverNotFound(s.id));
    await expectOktaError(await call(`/oauth2/${s.id}/.well-known/openid-configuration`), 404, ...serverNotFound(s.id));
    await expectOktaError(await call(`/oauth2/${s.id}/.well-known/oauth-authorization-server`), 404, ...serverNotFound(s.id));
    await expectOktaError(await call(`/oauth2/${s.id}/v1/keys`), 404, ...serverNotFound(s.id));
    expect((await listAllServers()).map((x) => x.id)).not.toContain(s.id);
  });

  it("answers 404 E0000007 to a second delete", async () => {
    const s = await createServer();
    expect((await admin(`/authorizationServers/${s.id}`, { method: "DELETE" })).status).toBe(204);
    await expectOktaError(await admin(`/authorizationServers/${s.id}`, { method: "DELETE" }), 404, ...serverNotFound(s.id));
  });
});
