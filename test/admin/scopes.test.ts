import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { listScopes } from "../../src/store/scopes";
import { admin, BASE, createServer } from "../support/admin";
import { apiPath, expectOktaError, links, serverNotFound } from "../support/fixtures";
import { NOT_SUPPORTED, NOT_WELL_FORMED } from "./body-errors";

const SYSTEM_SCOPES = ["openid", "profile", "email", "address", "phone", "offline_access", "device_sso"];
const VALIDATION = "Api validation failed: OAuth2Scope";

const scopesPath = (serverId: string) => `/authorizationServers/${serverId}/scopes`;
const post = (serverId: string, json: unknown) => admin(scopesPath(serverId), { method: "POST", json });
const put = (serverId: string, scopeId: string, json: unknown) => admin(`${scopesPath(serverId)}/${scopeId}`, { method: "PUT", json });
const del = (serverId: string, scopeId: string) => admin(`${scopesPath(serverId)}/${scopeId}`, { method: "DELETE" });

async function create(serverId: string, json: Record<string, unknown>): Promise<Record<string, any>> {
  const res = await post(serverId, json);
  expect(res.status).toBe(201);
  return res.json();
}

async function listAll(serverId: string, query = ""): Promise<Record<string, any>[]> {
  const res = await admin(`${scopesPath(serverId)}${query}`);
  expect(res.status).toBe(200);
  return res.json();
}

const selfLink = (serverId: string, scopeId: string, ...allow: string[]) => ({
  self: { href: `${BASE}/api/v1/authorizationServers/${serverId}/scopes/${scopeId}`, hints: { allow } },
});

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

describe("scopes: duplicate names", () => {
  it("refuses a second scope with the same name on one server", async () => {
    const server = await createServer();
    await create(server.id, { name: "car:drive" });
    await expectOktaError(await post(server.id, { name: "car:drive", description: "again" }), 400, "E0000001", VALIDATION, [
      "name: A scope named 'car:drive' already exists on this authorization server",
    ]);
    expect((await listAll(server.id)).filter((s) => s.name === "car:drive")).toHaveLength(1);
  });

  it("refuses a custom scope named like a system scope", async () => {
    const server = await createServer();
    await expectOktaError(await post(server.id, { name: "openid" }), 400, "E0000001", VALIDATION, [
      "name: A scope named 'openid' already exists on this authorization server",
    ]);
  });

  it("refuses to rename a scope to a name another scope has, leaving both unchanged", async () => {
    const server = await createServer();
    const a = await create(server.id, { name: "a" });
    await create(server.id, { name: "b" });
    await expectOktaError(await put(server.id, a.id, { name: "b", description: "changed" }), 400, "E0000001", VALIDATION, [
      "name: A scope named 'b' already exists on this authorization server",
    ]);
    expect(await (await admin(`${scopesPath(server.id)}/${a.id}`)).json()).toEqual(a);
  });

  it("accepts a replacement that keeps the scope's own name", async () => {
    const server = await createServer();
    const a = await create(server.id, { name: "a" });
    expect((await put(server.id, a.id, { name: "a", description: "same name" })).status).toBe(200);
  });
});

describe("scopes: name rules", () => {
  it.each([
    ["a colon", "car:drive"],
    ["a slash and dots", "api://orders.read"],
    ["'<' alone", "a<b"],
    ["'>' alone", "a>b"],
    ["a name that merely starts with okta", "oktaish"],
    ["a name with okta later on", "my.okta.scope"],
    ["every other printable character", "!#$%&'()*+,-./:;=?@[]^_`{|}~"],
  ])("accepts a name with %s", async (_, name) => {
    const server = await createServer();
    expect((await create(server.id, { name })).name).toBe(name);
  });

  const PRINTABLE = "A scope name may only contain printable ASCII characters other than space, '\"' and '\\'";
  it.each([
    ["an empty name", "", ["name: The field cannot be left blank"]],
    ["a space", "car drive", [`name: ${PRINTABLE}`]],
    ["a double quote", 'car"drive', [`name: ${PRINTABLE}`]],
    ["a backslash", "car\\drive", [`name: ${PRINTABLE}`]],
    ["a tab", "car\tdrive", [`name: ${PRINTABLE}`]],
    ["a non-ASCII letter", "café", [`name: ${PRINTABLE}`]],
    ["the reserved name okta", "okta", ["name: The scope names 'okta' and '*' are reserved"]],
    ["the reserved name *", "*", ["name: The scope names 'okta' and '*' are reserved"]],
    ["the okta. prefix", "okta.users.read", ["name: A scope name cannot start with 'okta.' or 'okta:'"]],
    ["the okta: prefix", "okta:users", ["name: A scope name cannot start with 'okta.' or 'okta:'"]],
    ["both '<' and '>'", "a<b>c", ["name: A scope name may contain '<' or '>' but not both"]],
    ["more than 1024 characters", "a".repeat(1025), ["name: A scope name can be at most 1024 characters"]],
  ])("refuses %s", async (_, name, causes) => {
    const server = await createServer();
    await expectOktaError(await post(server.id, { name }), 400, "E0000001", VALIDATION, causes);
  });

  it("refuses a body without a name", async () => {
    const server = await createServer();
    await expectOktaError(await post(server.id, { description: "no name" }), 400, "E0000001", VALIDATION, ["name: The field is required"]);
  });

  it("refuses a name that is not a string", async () => {
    const server = await createServer();
    await expectOktaError(await post(server.id, { name: 42 }), 400, "E0000001", VALIDATION, ["name: Expected a string"]);
  });

  it("applies the name rules to a replacement too", async () => {
    const server = await createServer();
    const scope = await create(server.id, { name: "fine" });
    await expectOktaError(await put(server.id, scope.id, { name: "okta.apps.read" }), 400, "E0000001", VALIDATION, [
      "name: A scope name cannot start with 'okta.' or 'okta:'",
    ]);
  });
});

describe("scopes: other field validation", () => {
  it("reports every invalid field at once, each naming its field", async () => {
    const server = await createServer();
    await expectOktaError(
      await post(server.id, { name: "ok", consent: "ADMIN", default: "yes", metadataPublish: "SOME_CLIENTS", optional: 1, displayName: 5, description: "x".repeat(1001) }),
      400,
      "E0000001",
      VALIDATION,
      [
        "displayName: Invalid input: expected string, received number",
        "description: Too big: expected string to have <=1000 characters",
        'consent: Invalid option: expected one of "REQUIRED"|"IMPLICIT"|"FLEXIBLE"',
        "default: Invalid input: expected boolean, received string",
        'metadataPublish: Invalid option: expected one of "ALL_CLIENTS"|"NO_CLIENTS"',
        "optional: Invalid input: expected boolean, received number",
      ],
    );
  });

  it("refuses a body that is not JSON", async () => {
    const server = await createServer();
    const res = await admin(scopesPath(server.id), { method: "POST", body: "name=x", headers: { "Content-Type": "application/x-www-form-urlencoded" } });
    await expectOktaError(res, 400, ...NOT_SUPPORTED, ['Content-Type: expected application/json, got "application/x-www-form-urlencoded"']);
  });

  it("refuses malformed JSON", async () => {
    const server = await createServer();
    const res = await admin(scopesPath(server.id), { method: "POST", body: "{", headers: { "Content-Type": "application/json" } });
    await expectOktaError(res, 400, ...NOT_WELL_FORMED);
  });

  it("refuses a JSON array as the body", async () => {
    const server = await createServer();
    await expectOktaError(await post(server.id, [{ name: "x" }]), 400, "E0000001", VALIDATION, ["body: Invalid input: expected object, received array"]);
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

describe("scopes: listing", () => {
  it("pages with limit and Link headers, following rel=next to the end", async () => {
    const server = await createServer();
    for (const name of ["c1", "c2", "c3"]) await create(server.id, { name });
    const all = (await listAll(server.id)).map((s) => s.name);
    expect(all).toHaveLength(10);

    const seen: string[] = [];
    let path: string | undefined = `${scopesPath(server.id)}?limit=4`;
    let pages = 0;
    while (path) {
      const res = await admin(path);
      expect(res.status).toBe(200);
      const page = (await res.json()) as Record<string, any>[];
      expect(page.length).toBeLessThanOrEqual(4);
      seen.push(...page.map((s) => s.name));
      const rels = links(res);
      // rel="self" is this page as asked, cursor included.
      expect(rels.self).toBe(`${BASE}/api/v1${path}`);
      path = rels.next ? apiPath(rels.next) : undefined;
      pages++;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(all);
  });

  it("sends only rel=self when everything fits on one page", async () => {
    const server = await createServer();
    const res = await admin(scopesPath(server.id));
    expect(links(res)).toEqual({ self: `${BASE}/api/v1/authorizationServers/${server.id}/scopes?limit=200` });
  });

  it("filters by a name prefix with q, keeping q in the Link headers", async () => {
    const server = await createServer();
    for (const name of ["car:drive", "car:park", "cargo", "scar"]) await create(server.id, { name });
    const res = await admin(`${scopesPath(server.id)}?q=car:&limit=1`);
    expect(((await res.json()) as any[]).map((s) => s.name)).toEqual(["car:drive"]);
    const next = links(res).next!;
    expect(new URL(next).searchParams.get("q")).toBe("car:");
    expect(((await (await admin(apiPath(next))).json()) as any[]).map((s) => s.name)).toEqual(["car:park"]);
    expect((await listAll(server.id, "?q=car")).map((s) => s.name)).toEqual(["car:drive", "car:park", "cargo"]);
  });

  it("treats % and _ in q literally", async () => {
    const server = await createServer();
    for (const name of ["a%b", "axb", "a_c"]) await create(server.id, { name });
    expect((await listAll(server.id, "?q=a%25")).map((s) => s.name)).toEqual(["a%b"]);
    expect((await listAll(server.id, "?q=a_")).map((s) => s.name)).toEqual(["a_c"]);
  });

  it("matches q in any case", async () => {
    const server = await createServer();
    for (const name of ["Orders:Read", "orders:write"]) await create(server.id, { name });
    expect((await listAll(server.id, "?q=ORDERS")).map((s) => s.name)).toEqual(["Orders:Read", "orders:write"]);
  });

  it("answers a q longer than D1's 50-byte LIKE limit with 200", async () => {
    const server = await createServer();
    const name = `long:${"x".repeat(120)}`;
    await create(server.id, { name });
    expect((await listAll(server.id, `?q=${name.slice(0, 100)}`)).map((s) => s.name)).toEqual([name]);
  });

  it("caps limit at 200", async () => {
    const server = await createServer();
    const res = await admin(`${scopesPath(server.id)}?limit=500`);
    expect(res.status).toBe(200);
    expect(links(res).self).toBe(`${BASE}/api/v1/authorizationServers/${server.id}/scopes?limit=200`);
  });

  // Okta (error catalogue): a bad limit or after is 400 E0000029 "Invalid paging request."
  it.each([
    ["limit=0", "limit: Too small: expected number to be >=1"],
    ["limit=-1", "limit: Too small: expected number to be >=1"],
    ["limit=ten", "limit: Invalid input: expected number, received NaN"],
    ["limit=1.5", "limit: Invalid input: expected int, received number"],
    ["after=", "after: must be a cursor from a Link header"],
  ])("refuses %s with 400 E0000029 naming the parameter", async (query, cause) => {
    const server = await createServer();
    await expectOktaError(await admin(`${scopesPath(server.id)}?${query}`), 400, "E0000029", "Invalid paging request.", [cause]);
  });

  it("resumes after a cursor whose scope was deleted meanwhile", async () => {
    const server = await createServer();
    for (const name of ["b1", "b2", "b3"]) await create(server.id, { name });
    const first = await admin(`${scopesPath(server.id)}?q=b&limit=1`);
    const [b1] = (await first.json()) as Record<string, any>[];
    expect((await del(server.id, b1!.id)).status).toBe(204);
    expect(((await (await admin(apiPath(links(first).next!))).json()) as any[]).map((s) => s.name)).toEqual(["b2"]);
  });
});

describe("listScopes for the token endpoint", () => {
  it("returns every scope of the server, system and custom, and none of another server", async () => {
    const [server, other] = await Promise.all([createServer(), createServer()]);
    const custom = await create(server.id, { name: "orders:read", default: true, consent: "REQUIRED" });
    await create(other.id, { name: "elsewhere" });
    const scopes = await listScopes(env.DB, server.id);
    expect(scopes.map((s) => s.name).sort()).toEqual([...SYSTEM_SCOPES, "orders:read"].sort());
    expect(scopes.find((s) => s.name === "orders:read")).toMatchObject({
      id: custom.id,
      authServerId: server.id,
      isDefault: true,
      consent: "REQUIRED",
      system: false,
      metadataPublish: "NO_CLIENTS",
    });
  });
});
