import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { listActiveTrustedOrigins } from "../../src/store/trusted-origins";
import { admin, BASE } from "../support/admin";
import { apiPath, expectOktaError, links } from "../support/fixtures";

const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const VALIDATION = "Api validation failed: TrustedOrigin";
let counter = 0;
const unique = () => `${Date.now().toString(36)}${(counter++).toString(36)}`;

/** A fresh name and origin (trusted origins share one D1 database within this file). */
function body(overrides: Record<string, unknown> = {}) {
  const u = unique();
  return { name: `Origin ${u}`, origin: `https://app-${u}.example.com`, scopes: [{ type: "CORS" }, { type: "REDIRECT" }], ...overrides };
}

const post = (json: unknown) => admin("/trustedOrigins", { method: "POST", json });
const put = (id: string, json: unknown) => admin(`/trustedOrigins/${id}`, { method: "PUT", json });
const lifecycle = (id: string, op: string) => admin(`/trustedOrigins/${id}/lifecycle/${op}`, { method: "POST" });

async function create(overrides: Record<string, unknown> = {}) {
  const res = await post(body(overrides));
  if (res.status !== 200) throw new Error(`create failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, any>;
}

const toLinks = (id: string, status: "ACTIVE" | "INACTIVE") => {
  const self = `${BASE}/api/v1/trustedOrigins/${id}`;
  return {
    self: { href: self, hints: { allow: ["GET", "PUT", "DELETE"] } },
    ...(status === "ACTIVE"
      ? { deactivate: { href: `${self}/lifecycle/deactivate`, hints: { allow: ["POST"] } } }
      : { activate: { href: `${self}/lifecycle/activate`, hints: { allow: ["POST"] } } }),
  };
};

const notFound = (id: string) => [404, "E0000007", `Not found: Resource not found: ${id} (TrustedOrigin)`] as const;

async function listIds(query: string) {
  const res = await admin(`/trustedOrigins${query}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as any[]).map((t) => t.id);
}

describe("trusted origins: create, read, replace, delete", () => {
  it("creates Okta's example with 200 (not 201) and the whole TrustedOrigin shape", async () => {
    const input = body();
    const res = await post(input);
    expect(res.status).toBe(200);
    const t = (await res.json()) as Record<string, any>;
    expect(t.id).toMatch(/^tos[0-9A-Za-z]{17}$/);
    expect(t.created).toMatch(ISO_MS);
    expect(t).toEqual({
      id: t.id,
      name: input.name,
      origin: input.origin,
      scopes: [{ type: "CORS" }, { type: "REDIRECT" }],
      status: "ACTIVE",
      created: t.created,
      createdBy: "bootstrap",
      lastUpdated: t.created,
      lastUpdatedBy: "bootstrap",
      _links: toLinks(t.id, "ACTIVE"),
    });
    const read = await admin(`/trustedOrigins/${t.id}`);
    expect({ status: read.status, body: await read.json() }).toEqual({ status: 200, body: t });
  });

  it("keeps IFRAME_EMBED's allowedOktaApps", async () => {
    const t = await create({ scopes: [{ type: "IFRAME_EMBED", allowedOktaApps: ["OKTA_ENDUSER"] }] });
    expect(t.scopes).toEqual([{ type: "IFRAME_EMBED", allowedOktaApps: ["OKTA_ENDUSER"] }]);
    const signIn = await create({ scopes: [{ type: "IFRAME_EMBED", allowedOktaApps: [] }] });
    expect(signIn.scopes).toEqual([{ type: "IFRAME_EMBED", allowedOktaApps: [] }]);
  });

  it("stores the origin as browsers serialize it", async () => {
    const u = unique();
    expect((await create({ origin: `HTTPS://Mixed-${u}.Example.COM:443` })).origin).toBe(`https://mixed-${u}.example.com`);
    expect((await create({ origin: `http://localhost:${3000 + (counter % 1000)}` })).origin).toMatch(/^http:\/\/localhost:\d+$/);
    expect((await create({ origin: `capacitor://app-${u}` })).origin).toBe(`capacitor://app-${u}`);
  });

  it("replaces name, origin and scopes on PUT, ignoring the read-only fields echoed back", async () => {
    const t = await create();
    const next = body({ scopes: [{ type: "REDIRECT" }] });
    const res = await put(t.id, { ...t, ...next, id: "tosSomethingElse0000", status: "INACTIVE", created: "2000-01-01T00:00:00.000Z" });
    expect(res.status).toBe(200);
    const replaced = (await res.json()) as Record<string, any>;
    expect(replaced).toEqual({ ...t, ...next, lastUpdated: replaced.lastUpdated, _links: toLinks(t.id, "ACTIVE") });
    expect(replaced.lastUpdated >= t.lastUpdated).toBe(true);
  });

  it("deletes with 204, then answers 404", async () => {
    const t = await create();
    const res = await admin(`/trustedOrigins/${t.id}`, { method: "DELETE" });
    expect({ status: res.status, body: await res.text() }).toEqual({ status: 204, body: "" });
    await expectOktaError(await admin(`/trustedOrigins/${t.id}`), ...notFound(t.id));
    await expectOktaError(await admin(`/trustedOrigins/${t.id}`, { method: "DELETE" }), ...notFound(t.id));
    await expectOktaError(await put(t.id, body()), ...notFound(t.id));
    await expectOktaError(await lifecycle(t.id, "activate"), ...notFound(t.id));
  });
});

describe("trusted origins: lifecycle", () => {
  it("deactivates and activates, answering 200 with the object", async () => {
    const t = await create();
    const off = await lifecycle(t.id, "deactivate");
    expect(off.status).toBe(200);
    const inactive = (await off.json()) as Record<string, any>;
    expect(inactive).toEqual({ ...t, status: "INACTIVE", lastUpdated: inactive.lastUpdated, _links: toLinks(t.id, "INACTIVE") });
    expect((await listActiveTrustedOrigins(env.DB)).map((o) => o.origin)).not.toContain(t.origin);

    const on = await lifecycle(t.id, "activate");
    expect(on.status).toBe(200);
    expect(((await on.json()) as Record<string, any>).status).toBe("ACTIVE");
    expect(await listActiveTrustedOrigins(env.DB)).toContainEqual({ origin: t.origin, scopes: ["CORS", "REDIRECT"] });
  });
});

describe("trusted origins: validation and uniqueness", () => {
  it.each([
    ["a path", "https://example.com/app"],
    ["a trailing slash", "https://example.com/"],
    ["a query", "https://example.com?x=1"],
    ["credentials", "https://user@example.com"],
    ["an unsupported scheme", "javascript://example.com"],
    ["no scheme", "example.com"],
    ["no host", "https://"],
  ])("refuses an origin with %s", async (_, origin) => {
    await expectOktaError(await post(body({ origin })), 400, "E0000001", VALIDATION, [
      "origin: must be an origin (scheme://host[:port]) with scheme http, https, ftp, ionic or capacitor",
    ]);
  });

  it("names every missing field", async () => {
    await expectOktaError(await post({}), 400, "E0000001", VALIDATION, [
      "name: The field cannot be left blank",
      "origin: The field cannot be left blank",
      "scopes: The field cannot be left blank",
    ]);
  });

  it.each([
    ["no scopes", [], "scopes: at least one scope is required"],
    ["an unknown type", [{ type: "SAML" }], "scopes.0.type: must be one of CORS, REDIRECT, IFRAME_EMBED"],
    ["a repeated type", [{ type: "CORS" }, { type: "CORS" }], "scopes: each scope type may appear once"],
    ["more than three", [{ type: "CORS" }, { type: "REDIRECT" }, { type: "IFRAME_EMBED" }, { type: "CORS" }], "scopes: at most 3 scopes"],
    ["allowedOktaApps on CORS", [{ type: "CORS", allowedOktaApps: ["OKTA_ENDUSER"] }], "scopes.0.allowedOktaApps: allowedOktaApps applies only to IFRAME_EMBED"],
    ["an unknown Okta app", [{ type: "IFRAME_EMBED", allowedOktaApps: ["OKTA_ADMIN"] }], "scopes.0.allowedOktaApps.0: must be OKTA_ENDUSER"],
  ])("refuses %s", async (_, scopes, cause) => {
    await expectOktaError(await post(body({ scopes })), 400, "E0000001", VALIDATION, [cause]);
  });

  it("limits the name to 255 characters", async () => {
    await expectOktaError(await post(body({ name: "n".repeat(256) })), 400, "E0000001", VALIDATION, ["name: must be at most 255 characters"]);
  });

  it("refuses a name or an origin another trusted origin has, on create and on replace", async () => {
    const t = await create();
    const cause = (f: string) => [`${f}: An object with this field already exists in the current organization`];
    await expectOktaError(await post(body({ name: t.name })), 400, "E0000001", "Api validation failed: name", cause("name"));
    await expectOktaError(await post(body({ origin: t.origin.toUpperCase() })), 400, "E0000001", "Api validation failed: origin", cause("origin"));
    const other = await create();
    await expectOktaError(await put(other.id, body({ origin: t.origin })), 400, "E0000001", "Api validation failed: origin", cause("origin"));
    await expectOktaError(await put(other.id, body({ name: t.name })), 400, "E0000001", "Api validation failed: name", cause("name"));
    expect((await put(other.id, { name: other.name, origin: other.origin, scopes: other.scopes })).status).toBe(200);
  });
});

describe("trusted origins: list", () => {
  it("pages with limit (default 20) and Link headers", async () => {
    const made = [await create(), await create(), await create()];
    const all: string[] = [];
    let path: string | undefined = "/trustedOrigins?limit=2";
    while (path) {
      const page = await admin(path);
      const items = (await page.json()) as any[];
      expect(items.length).toBeLessThanOrEqual(2);
      all.push(...items.map((t) => t.id));
      path = links(page).next ? apiPath(links(page).next!) : undefined;
    }
    expect(all).toEqual(expect.arrayContaining(made.map((t) => t.id)));
    expect(new Set(all).size).toBe(all.length);
    expect(links(await admin("/trustedOrigins")).self).toBe(`${BASE}/api/v1/trustedOrigins?limit=20`);
  });

  it("matches q against the start of the name or the origin", async () => {
    const u = unique();
    const byName = await create({ name: `Qname ${u}` });
    const byOrigin = await create({ origin: `https://qorigin-${u}.example.com` });
    expect(await listIds(`?q=${encodeURIComponent(`Qname ${u}`)}`)).toEqual([byName.id]);
    expect(await listIds(`?q=${encodeURIComponent(`https://qorigin-${u}`)}`)).toEqual([byOrigin.id]);
    expect(await listIds(`?q=${encodeURIComponent(`HTTPS://QORIGIN-${u}`)}`)).toEqual([byOrigin.id]);
    // D1 refuses LIKE patterns over 50 bytes; a long q is still a prefix search.
    expect(await listIds(`?q=${encodeURIComponent(`https://qorigin-${u}.example.com`)}${"x".repeat(100)}`)).toEqual([]);
  });

  it("filters on name, origin, status and type with eq", async () => {
    const t = await create({ scopes: [{ type: "IFRAME_EMBED" }] });
    await lifecycle(t.id, "deactivate");
    const f = (expr: string) => listIds(`?filter=${encodeURIComponent(expr)}&limit=200`);
    expect(await f(`name eq "${t.name}"`)).toEqual([t.id]);
    expect(await f(`origin eq "${t.origin.toUpperCase()}"`)).toEqual([t.id]);
    expect(await f(`status eq "INACTIVE" and type eq "IFRAME_EMBED" and name eq "${t.name}"`)).toEqual([t.id]);
    expect(await f(`status eq "ACTIVE" and name eq "${t.name}"`)).toEqual([]);
  });

  it.each(['name sw "x"', 'scopes eq "CORS"', "name eq x", 'name eq "a" or name eq "b"'])("refuses the unsupported filter %s", async (filter) => {
    await expectOktaError(await admin(`/trustedOrigins?filter=${encodeURIComponent(filter)}`), 400, "E0000031", "Invalid search criteria.", [
      'filter: supported expressions are eq clauses on name, origin, status and type joined by and, like name eq "x"',
    ]);
  });

  it("refuses q and filter in the same request with Okta's E0000033", async () => {
    await expectOktaError(
      await admin(`/trustedOrigins?q=a&filter=${encodeURIComponent('name eq "a"')}`),
      400,
      "E0000033",
      "Bad request. Can't specify a search query and filter in the same request.",
      [],
    );
  });

  it("refuses a limit below 1 (Okta E0000029)", async () => {
    await expectOktaError(await admin("/trustedOrigins?limit=0"), 400, "E0000029", "Invalid paging request.", ["limit: Too small: expected number to be >=1"]);
  });
});
