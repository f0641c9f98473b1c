import { describe, expect, it } from "vitest";
import { admin, createServer } from "../support/admin";
import { expectOktaError, serverNotFound } from "../support/fixtures";
import { SYSTEM_SCOPES, VALIDATION, scopesPath, post, put, del, create, listAll, selfLink } from "./scope-fixtures";

describe("scopes: create, read, replace, delete", () => {
  it("creates a scope from Okta's example with Okta's defaults for the fields left out", async () => {
    const server = await createServer();
    const res = await post(server.id, { name: "car:drive", description: "Drive car", consent: "REQUIRED", displayName: "Saml Jackson" });
    expect(res.status).toBe(201);
    const scope = (await res.json()) as Record<string, any>;
    expect(scope.id).toMatch(/^scp[0-9A-Za-z]{17}$/);
    expect(scope).toEqual({
      id: scope.id,
      name: "car:drive",
      displayName: "Saml Jackson",
      description: "Drive car",
      system: false,
      default: false,
      consent: "REQUIRED",
      optional: false,
      metadataPublish: "NO_CLIENTS",
      _links: selfLink(server.id, scope.id, "GET", "PUT", "DELETE"),
    });
    const read = await admin(`${scopesPath(server.id)}/${scope.id}`);
    expect(read.status).toBe(200);
    expect(await read.json()).toEqual(scope);
  });

  it("defaults consent to IMPLICIT and omits an absent displayName and description", async () => {
    const server = await createServer();
    const scope = await create(server.id, { name: "orders" });
    expect(scope).toEqual({
      id: scope.id,
      name: "orders",
      system: false,
      default: false,
      consent: "IMPLICIT",
      optional: false,
      metadataPublish: "NO_CLIENTS",
      _links: selfLink(server.id, scope.id, "GET", "PUT", "DELETE"),
    });
  });

  it("stores every settable field", async () => {
    const server = await createServer();
    const scope = await create(server.id, {
      name: "a<b",
      displayName: "Less",
      description: "d",
      consent: "FLEXIBLE",
      default: true,
      metadataPublish: "ALL_CLIENTS",
      optional: true,
      // Read-only fields a client echoes back are ignored.
      id: "scpIgnored",
      system: true,
    });
    expect(scope).toMatchObject({ name: "a<b", displayName: "Less", description: "d", consent: "FLEXIBLE", default: true, metadataPublish: "ALL_CLIENTS", optional: true, system: false });
    expect(scope.id).not.toBe("scpIgnored");
  });

  it("replaces a scope, keeping the fields the body leaves out as Okta's replace example shows", async () => {
    const server = await createServer();
    const scope = await create(server.id, { name: "car:drive", description: "Drive car", consent: "REQUIRED", displayName: "Saml Jackson" });
    const res = await put(server.id, scope.id, { description: "Order car", name: "car:order", metadataPublish: "ALL_CLIENTS" });
    expect(res.status).toBe(200);
    const updated = { ...scope, name: "car:order", description: "Order car", metadataPublish: "ALL_CLIENTS" };
    expect(await res.json()).toEqual(updated);
    expect(await (await admin(`${scopesPath(server.id)}/${scope.id}`)).json()).toEqual(updated);
  });

  it("clears displayName and description when the replacement sets them to null", async () => {
    const server = await createServer();
    const scope = await create(server.id, { name: "s", description: "d", displayName: "D" });
    const res = await put(server.id, scope.id, { name: "s", description: null, displayName: null });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, any>;
    expect(body).not.toHaveProperty("description");
    expect(body).not.toHaveProperty("displayName");
  });

  it("deletes a custom scope, after which it is not found", async () => {
    const server = await createServer();
    const scope = await create(server.id, { name: "temp" });
    const res = await del(server.id, scope.id);
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    await expectOktaError(await admin(`${scopesPath(server.id)}/${scope.id}`), 404, "E0000007", `Not found: Resource not found: ${scope.id} (OAuth2Scope)`);
    expect((await listAll(server.id)).map((s) => s.name)).not.toContain("temp");
  });

  it("allows the same scope name on two different servers", async () => {
    const [a, b] = await Promise.all([createServer(), createServer()]);
    await create(a.id, { name: "shared" });
    await create(b.id, { name: "shared" });
  });
});

describe("scopes: system scopes", () => {
  it("creates Okta's seven reserved scopes with every server, published, implicit and marked system", async () => {
    const server = await createServer();
    const scopes = await listAll(server.id);
    expect(scopes.map((s) => s.name).sort()).toEqual([...SYSTEM_SCOPES].sort());
    const openid = scopes.find((s) => s.name === "openid")!;
    expect(openid).toEqual({
      id: openid.id,
      name: "openid",
      displayName: "openid",
      description: "Signals that a request is an OpenID request.",
      system: true,
      default: false,
      consent: "IMPLICIT",
      optional: false,
      metadataPublish: "ALL_CLIENTS",
      // A system scope cannot be deleted, so its links do not offer DELETE.
      _links: selfLink(server.id, openid.id, "GET", "PUT"),
    });
  });

  it("lists the system scopes of the default server", async () => {
    const names = (await listAll("default")).filter((s) => s.system).map((s) => s.name);
    expect(names.sort()).toEqual([...SYSTEM_SCOPES].sort());
  });

  it("refuses to delete a system scope with 403 E0000006 and keeps it", async () => {
    const server = await createServer();
    const openid = (await listAll(server.id)).find((s) => s.name === "openid")!;
    await expectOktaError(await del(server.id, openid.id), 403, "E0000006", "You do not have permission to perform the requested action", [
      "The system scope 'openid' cannot be deleted.",
    ]);
    expect((await admin(`${scopesPath(server.id)}/${openid.id}`)).status).toBe(200);
  });

  it("refuses to rename a system scope", async () => {
    const server = await createServer();
    const profile = (await listAll(server.id)).find((s) => s.name === "profile")!;
    await expectOktaError(await put(server.id, profile.id, { name: "profile2" }), 400, "E0000001", VALIDATION, [
      "name: The name of the system scope 'profile' cannot be changed",
    ]);
    expect(((await (await admin(`${scopesPath(server.id)}/${profile.id}`)).json()) as any).name).toBe("profile");
  });

  it("lets an admin change a system scope's other fields", async () => {
    const server = await createServer();
    const email = (await listAll(server.id)).find((s) => s.name === "email")!;
    const res = await put(server.id, email.id, { name: "email", consent: "REQUIRED", default: true, metadataPublish: "NO_CLIENTS" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ...email, consent: "REQUIRED", default: true, metadataPublish: "NO_CLIENTS" });
  });
});

describe("scopes: not found", () => {
  const MISSING_SERVER = "ausNoSuchServer00001";
  it.each([
    ["lists", "GET", ""],
    ["creates", "POST", ""],
    ["reads", "GET", "/scp00000000000000001"],
    ["replaces", "PUT", "/scp00000000000000001"],
    ["deletes", "DELETE", "/scp00000000000000001"],
  ])("answers 404 E0000007 when it %s scopes of an unknown server", async (_, method, suffix) => {
    const res = await admin(`${scopesPath(MISSING_SERVER)}${suffix}`, { method, ...(method === "POST" || method === "PUT" ? { json: { name: "x" } } : {}) });
    await expectOktaError(res, 404, ...serverNotFound(MISSING_SERVER));
  });

  it.each([
    ["reads", "GET"],
    ["replaces", "PUT"],
    ["deletes", "DELETE"],
  ])("answers 404 E0000007 when it %s an unknown scope", async (_, method) => {
    const server = await createServer();
    const res = await admin(`${scopesPath(server.id)}/scpNoSuchScope000001`, { method, ...(method === "PUT" ? { json: { name: "x" } } : {}) });
    await expectOktaError(res, 404, "E0000007", "Not found: Resource not found: scpNoSuchScope000001 (OAuth2Scope)");
  });

  it("does not reach a scope through another server's path", async () => {
    const [a, b] = await Promise.all([createServer(), createServer()]);
    const scope = await create(a.id, { name: "mine" });
    const notFound = ["E0000007", `Not found: Resource not found: ${scope.id} (OAuth2Scope)`] as const;
    await expectOktaError(await admin(`${scopesPath(b.id)}/${scope.id}`), 404, ...notFound);
    await expectOktaError(await put(b.id, scope.id, { name: "stolen" }), 404, ...notFound);
    await expectOktaError(await del(b.id, scope.id), 404, ...notFound);
    expect(await (await admin(`${scopesPath(a.id)}/${scope.id}`)).json()).toEqual(scope);
  });
});
