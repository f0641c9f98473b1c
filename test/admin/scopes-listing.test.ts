import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { listScopes } from "../../src/store/scopes";
import { admin, BASE, createServer } from "../support/admin";
import { apiPath, expectOktaError, links } from "../support/fixtures";
import { SYSTEM_SCOPES, scopesPath, del, create, listAll } from "./scope-fixtures";

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
