import { describe, expect, it } from "vitest";
import { admin, createServer } from "../support/admin";
import { apiPath, expectOktaError, getServer, links, uniqueName } from "../support/fixtures";
import { COLLECTION } from "./authorization-server-fixtures";

describe("listing authorization servers", () => {
  const prefix = uniqueName("ListTest");
  // Short enough to stay clear of the long-q bug tested below.
  const audiencePrefix = `api://aud-${crypto.randomUUID().slice(0, 8)}`;
  let created: Record<string, any>[] = [];
  const ensureCreated = async () => {
    if (created.length) return created;
    // Sequential, so creation order (the list order) is known.
    for (const suffix of ["a", "b", "c"]) {
      created.push(await createServer({ name: `${prefix}-${suffix}`, audiences: [`${audiencePrefix}/${suffix}`] }));
    }
    return created;
  };

  it("finds servers by a prefix of their name, in creation order", async () => {
    const servers = await ensureCreated();
    const res = await admin(`/authorizationServers?q=${encodeURIComponent(prefix)}`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as any[]).map((s) => s.id)).toEqual(servers.map((s) => s.id));
  });

  it("finds servers by a prefix of their audience", async () => {
    const servers = await ensureCreated();
    const res = await admin(`/authorizationServers?q=${encodeURIComponent(`${audiencePrefix}/b`)}`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as any[]).map((s) => s.id)).toEqual([servers[1]!.id]);
  });

  it("does not match q in the middle of a name", async () => {
    await ensureCreated();
    const middle = prefix.slice(4);
    const res = await admin(`/authorizationServers?q=${encodeURIComponent(middle)}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([]);
  });

  it.each([50, 100, 256])("answers a q of %i characters with 200, not a server error", async (length) => {
    await ensureCreated();
    const q = (prefix + "x".repeat(256)).slice(0, length);
    const res = await admin(`/authorizationServers?q=${encodeURIComponent(q)}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([]);
  });

  it.each(["%", "_", "\\"])("treats the LIKE wildcard %j in q as a literal character", async (q) => {
    await ensureCreated();
    const res = await admin(`/authorizationServers?q=${encodeURIComponent(q)}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([]);
  });

  it("returns each listed server in the same shape as GET", async () => {
    const [first] = await ensureCreated();
    const res = await admin(`/authorizationServers?q=${encodeURIComponent(`${prefix}-a`)}`);
    const [listed] = (await res.json()) as any[];
    expect(listed).toEqual(await getServer(first!.id));
  });

  it("pages with limit and follows the rel=next cursor to the end", async () => {
    const servers = await ensureCreated();
    const q = encodeURIComponent(prefix);
    const first = await admin(`/authorizationServers?q=${q}&limit=2`);
    expect(first.status).toBe(200);
    expect(((await first.json()) as any[]).map((s) => s.id)).toEqual([servers[0]!.id, servers[1]!.id]);
    const l1 = links(first);
    expect(Object.keys(l1).sort()).toEqual(["next", "self"]);
    expect(l1.self).toBe(`${COLLECTION}?q=${q}&limit=2`);
    expect(l1.next).toMatch(new RegExp(`^${COLLECTION.replace(/[.?/]/g, "\\$&")}\\?q=${q}&limit=2&after=[^&]+$`));

    const second = await admin(apiPath(l1.next!));
    expect(second.status).toBe(200);
    expect(((await second.json()) as any[]).map((s) => s.id)).toEqual([servers[2]!.id]);
    const l2 = links(second);
    expect(Object.keys(l2)).toEqual(["self"]);
    expect(l2.self).toBe(l1.next);
  });

  it("sends no rel=next link when the page ends exactly at the last server", async () => {
    await ensureCreated();
    const res = await admin(`/authorizationServers?q=${encodeURIComponent(prefix)}&limit=3`);
    expect(((await res.json()) as any[]).length).toBe(3);
    expect(Object.keys(links(res))).toEqual(["self"]);
  });

  it("returns an empty page past the end of the list", async () => {
    const servers = await ensureCreated();
    const q = encodeURIComponent(prefix);
    const first = await admin(`/authorizationServers?q=${q}&limit=3`);
    expect(first.status).toBe(200);
    const res = await admin(`/authorizationServers?q=${q}&limit=1&after=999999999`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([]);
    expect(Object.keys(links(res))).toEqual(["self"]);
    expect(servers).toHaveLength(3);
  });

  it("sends only rel=self when everything fits on one page, with the default limit of 200", async () => {
    const res = await admin("/authorizationServers");
    expect(res.status).toBe(200);
    expect(links(res)).toEqual({ self: `${COLLECTION}?limit=200` });
  });

  it("clamps a limit above 200 to 200", async () => {
    const res = await admin("/authorizationServers?limit=500");
    expect(res.status).toBe(200);
    expect(links(res).self).toBe(`${COLLECTION}?limit=200`);
    expect(((await res.json()) as any[]).length).toBeLessThanOrEqual(200);
  });

  // Okta (error catalogue): a bad `limit` or `after` is 400 E0000029 "Invalid paging request."
  describe.each([
    ["limit", "limit=abc"],
    ["limit", "limit=0"],
    ["limit", "limit=-5"],
    ["limit", "limit=1.5"],
    ["after", "after=not-a-cursor"],
    ["after", "after=-1"],
  ])("with a bad %s (%s)", (param, query) => {
    it("answers 400 E0000029 naming the parameter", async () => {
      const res = await admin(`/authorizationServers?${query}`);
      expect(res.headers.get("X-Okta-Request-Id")).toBeTruthy();
      await expectOktaError(res, 400, "E0000029", "Invalid paging request.", [expect.stringMatching(new RegExp(`^${param}\\b`))]);
    });
  });
});
