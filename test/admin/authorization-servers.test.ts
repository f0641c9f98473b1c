import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN, admin, BASE, call, createServer } from "../support/admin";
import {
  apiPath,
  DAY_MS,
  ERROR_ID,
  expectOktaError,
  getServer,
  links,
  listAllServers,
  serverNotFound,
  uniqueName,
} from "../support/fixtures";
import { HEADERS_NOT_SET, NOT_ACCEPTABLE, NOT_SUPPORTED, NOT_WELL_FORMED } from "./body-errors";

const COLLECTION = `${BASE}/api/v1/authorizationServers`;
const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** Okta's AuthorizationServer._links for a server in the given state. */
function expectedLinks(id: string, status: "ACTIVE" | "INACTIVE") {
  const self = `${COLLECTION}/${id}`;
  const wellKnown = `${BASE}/oauth2/${id}/.well-known`;
  return {
    scopes: { href: `${self}/scopes`, hints: { allow: ["GET"] } },
    claims: { href: `${self}/claims`, hints: { allow: ["GET"] } },
    policies: { href: `${self}/policies`, hints: { allow: ["GET"] } },
    self: { href: self, hints: { allow: ["GET", "DELETE", "PUT"] } },
    metadata: [
      { name: "oauth-authorization-server", href: `${wellKnown}/oauth-authorization-server`, hints: { allow: ["GET"] } },
      { name: "openid-configuration", href: `${wellKnown}/openid-configuration`, hints: { allow: ["GET"] } },
    ],
    rotateKey: { href: `${self}/credentials/lifecycle/keyRotate`, hints: { allow: ["POST"] } },
    ...(status === "ACTIVE"
      ? { deactivate: { href: `${self}/lifecycle/deactivate`, hints: { allow: ["POST"] } } }
      : { activate: { href: `${self}/lifecycle/activate`, hints: { allow: ["POST"] } } }),
  };
}

const post = (json: unknown) => admin("/authorizationServers", { method: "POST", json });
const put = (id: string, json: unknown) => admin(`/authorizationServers/${id}`, { method: "PUT", json });
const lifecycle = (id: string, op: "activate" | "deactivate") =>
  admin(`/authorizationServers/${id}/lifecycle/${op}`, { method: "POST" });

describe("authorization servers", () => {
  it("lists the pre-configured default server on a fresh start", async () => {
    const res = await admin("/authorizationServers");
    expect(res.status).toBe(200);
    const body = (await res.json()) as any[];
    expect(body.map((s) => s.id)).toContain("default");
  });

  it("creates a server with its own signing key", async () => {
    const s = await createServer();
    expect(s.id).toMatch(/^aus[0-9A-Za-z]{17}$/);
    expect(s.credentials.signing.kid).toHaveLength(43);
  });
});

describe("SSWS API token authentication", () => {
  describe.each([
    ["no Authorization header", undefined],
    ["an empty Authorization header", ""],
    ["the Bearer scheme with the right token", `Bearer ${ADMIN_TOKEN}`],
    ["the Basic scheme", `Basic ${btoa(`admin:${ADMIN_TOKEN}`)}`],
    ["the SSWS scheme with no token", "SSWS "],
    ["the SSWS scheme with a wrong token", "SSWS wrong-token-0123456789"],
    ["the SSWS scheme with a prefix of the right token", `SSWS ${ADMIN_TOKEN.slice(0, -1)}`],
    ["the SSWS scheme with the right token and trailing text", `SSWS ${ADMIN_TOKEN} extra`],
  ])("with %s", (_, authorization) => {
    it.each([
      ["GET", "/api/v1/authorizationServers"],
      ["POST", "/api/v1/authorizationServers"],
      ["GET", "/api/v1/authorizationServers/default"],
      ["DELETE", "/api/v1/authorizationServers/default"],
      ["GET", "/api/v1/no-such-resource"],
    ])("rejects %s %s with 401 E0000011", async (method, path) => {
      const headers = new Headers();
      if (authorization !== undefined) headers.set("Authorization", authorization);
      const before = (await listAllServers()).length;
      const res = await call(path, {
        method,
        headers,
        ...(method === "POST" ? { json: { name: "should not exist", audiences: ["api://nope"] } } : {}),
      });
      expect(res.headers.get("X-Okta-Request-Id")).toBeTruthy();
      await expectOktaError(res, 401, "E0000011", "Invalid token provided");
      expect((await listAllServers()).length).toBe(before);
      expect((await getServer("default")).id).toBe("default");
    });
  });

  it("gives every error its own errorId", async () => {
    const [a, b] = await Promise.all([call("/api/v1/authorizationServers"), call("/api/v1/authorizationServers")]);
    const [ba, bb] = (await Promise.all([a.json(), b.json()])) as { errorId: string }[];
    expect(ba!.errorId).toMatch(ERROR_ID);
    expect(bb!.errorId).toMatch(ERROR_ID);
    expect(ba!.errorId).not.toBe(bb!.errorId);
  });
});

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

const VALID = { name: "Valid", description: "d", audiences: ["api://valid"] };
const json = (body: unknown): RequestInit => ({ headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });

/** Bodies Okta cannot read (REFERENCE 1.4): the media-type errors and E0000003, each with the code, summary and causes. */
const UNREADABLE_BODIES: [string, RequestInit, readonly [string, string], string[]][] = [
  ["malformed JSON", { headers: { "Content-Type": "application/json" }, body: '{"name": "x",' }, NOT_WELL_FORMED, []],
  ["an empty JSON body", { headers: { "Content-Type": "application/json" }, body: "" }, NOT_WELL_FORMED, []],
  ["bytes that are not UTF-8", { headers: { "Content-Type": "application/json" }, body: new Uint8Array([0x7b, 0xff, 0x7d]) }, NOT_WELL_FORMED, []],
  ["a wrong Content-Type", { headers: { "Content-Type": "text/plain" }, body: JSON.stringify(VALID) }, NOT_SUPPORTED, ['Content-Type: expected application/json, got "text/plain"']],
  ["form encoding", { headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "name=x&audiences=api%3A%2F%2Fx" }, NOT_SUPPORTED, ['Content-Type: expected application/json, got "application/x-www-form-urlencoded"']],
  // A byte body carries no Content-Type of its own.
  ["no Content-Type", { body: new TextEncoder().encode(JSON.stringify(VALID)) }, HEADERS_NOT_SET, ["Content-Type: expected application/json, got none"]],
  ["no body at all", {}, HEADERS_NOT_SET, ["Content-Type: expected application/json, got none"]],
  ["an Accept header that refuses JSON", { ...json(VALID), headers: { "Content-Type": "application/json", Accept: "application/xml" } }, NOT_ACCEPTABLE, ['Accept: application/json is the only media type served, got "application/xml"']],
];

describe.each(UNREADABLE_BODIES)("creating with %s", (_, init, [code, summary], causes) => {
  it(`is refused with 400 ${code}, and writes nothing`, async () => {
    const before = await listAllServers();
    const res = await admin("/authorizationServers", { method: "POST", ...init, headers: new Headers(init.headers) });
    expect(res.headers.get("X-Okta-Request-Id")).toBeTruthy();
    await expectOktaError(res, 400, code, summary, causes);
    expect((await listAllServers()).map((s) => s.id)).toEqual(before.map((s) => s.id));
  });
});

describe.each(UNREADABLE_BODIES)("replacing with %s", (_, init, [code, summary], causes) => {
  it(`is refused with 400 ${code}, and changes nothing`, async () => {
    const s = await createServer();
    const res = await admin(`/authorizationServers/${s.id}`, { method: "PUT", ...init, headers: new Headers(init.headers) });
    await expectOktaError(res, 400, code, summary, causes);
    expect(await getServer(s.id)).toEqual(s);
  });
});

/** Request bodies that must be refused with 400 E0000001, each with the one errorCause it must carry. */
const INVALID_BODIES: [string, RequestInit, string | RegExp][] = [
  ["an array body", json([VALID]), /^body: /],
  ["a string body", json("name"), /^body: /],
  ["a null body", json(null), /^body: /],
  ["no name", json({ description: "d", audiences: ["api://x"] }), /^name: /],
  ["a name of the wrong type", json({ ...VALID, name: 42 }), /^name: /],
  ["a blank name", json({ ...VALID, name: "   " }), "name: The field cannot be left blank"],
  ["a name over 100 characters", json({ ...VALID, name: "n".repeat(101) }), /^name: /],
  ["no audiences", json({ name: "x" }), /^audiences: /],
  ["audiences that are not an array", json({ ...VALID, audiences: "api://x" }), "audiences: Audiences must be an array with one string"],
  ["two audiences", json({ ...VALID, audiences: ["api://a", "api://b"] }), "audiences: Exactly one audience is supported"],
  ["zero audiences", json({ ...VALID, audiences: [] }), "audiences: Exactly one audience is supported"],
  ["a blank audience", json({ ...VALID, audiences: [" "] }), "audiences.0: An audience cannot be blank"],
  ["an audience with ':' that is not a URI", json({ ...VALID, audiences: ["my audience:1"] }), "audiences.0: An audience containing ':' must be a valid URI"],
  ["a description of the wrong type", json({ ...VALID, description: 7 }), /^description: /],
  ["an unknown issuerMode", json({ ...VALID, issuerMode: "CUSTOM_URL_DOMAIN" }), /^issuerMode: /],
  ["an unknown rotationMode", json({ ...VALID, credentials: { signing: { rotationMode: "DYNAMIC" } } }), /^credentials\.signing\.rotationMode: /],
  ["a signing use other than sig", json({ ...VALID, credentials: { signing: { use: "enc" } } }), /^credentials\.signing\.use: /],
  ["a body over 64 KiB", json({ ...VALID, description: "x".repeat(65 * 1024) }), "body: larger than 65536 bytes"],
  ["CUSTOM_URL issuerMode without a custom domain", json({ ...VALID, issuerMode: "CUSTOM_URL" }), "issuerMode: CUSTOM_URL needs a custom domain (set CUSTOM_DOMAIN_URL)"],
];

describe.each(INVALID_BODIES)("creating with %s", (_, init, cause) => {
  it("is refused with 400 E0000001 naming the field, and writes nothing", async () => {
    const before = await listAllServers();
    const res = await admin("/authorizationServers", { method: "POST", ...init, headers: new Headers(init.headers) });
    expect(res.headers.get("X-Okta-Request-Id")).toBeTruthy();
    await expectOktaError(res, 400, "E0000001", "Api validation failed: AuthorizationServer", [
      typeof cause === "string" ? cause : expect.stringMatching(cause),
    ]);
    expect((await listAllServers()).map((s) => s.id)).toEqual(before.map((s) => s.id));
  });
});

describe.each(INVALID_BODIES)("replacing with %s", (_, init, cause) => {
  it("is refused with 400 E0000001 naming the field, and changes nothing", async () => {
    const s = await createServer();
    const res = await admin(`/authorizationServers/${s.id}`, { method: "PUT", ...init, headers: new Headers(init.headers) });
    await expectOktaError(res, 400, "E0000001", "Api validation failed: AuthorizationServer", [
      typeof cause === "string" ? cause : expect.stringMatching(cause),
    ]);
    expect(await getServer(s.id)).toEqual(s);
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

describe("activating and deactivating", () => {
  it("deactivates with 204 and flips status and _links, then activates again", async () => {
    const s = await createServer();

    const off = await lifecycle(s.id, "deactivate");
    expect(off.status).toBe(204);
    expect(await off.text()).toBe("");
    const inactive = await getServer(s.id);
    expect(inactive.status).toBe("INACTIVE");
    expect(inactive._links).toEqual(expectedLinks(s.id, "INACTIVE"));

    const on = await lifecycle(s.id, "activate");
    expect(on.status).toBe(204);
    expect(await on.text()).toBe("");
    const active = await getServer(s.id);
    expect(active.status).toBe("ACTIVE");
    expect(active._links).toEqual(expectedLinks(s.id, "ACTIVE"));
  });

  it("answers 204 to deactivating a server that is already INACTIVE", async () => {
    const s = await createServer();
    expect((await lifecycle(s.id, "deactivate")).status).toBe(204);
    const first = await getServer(s.id);
    expect((await lifecycle(s.id, "deactivate")).status).toBe(204);
    expect(await getServer(s.id)).toEqual(first);
  });

  it("takes an INACTIVE server's discovery document offline until it is activated", async () => {
    const s = await createServer();
    await lifecycle(s.id, "deactivate");
    await expectOktaError(await call(`/oauth2/${s.id}/.well-known/openid-configuration`), 404, ...serverNotFound(s.id));
    await lifecycle(s.id, "activate");
    expect((await call(`/oauth2/${s.id}/.well-known/openid-configuration`)).status).toBe(200);
  });
});

describe("the default authorization server", () => {
  it("cannot be deleted: 403 E0000006, and it still exists", async () => {
    const res = await admin("/authorizationServers/default", { method: "DELETE" });
    await expectOktaError(res, 403, "E0000006", "You do not have permission to perform the requested action", [
      "The default authorization server cannot be deleted; deactivate it instead.",
    ]);
    const s = await getServer("default");
    expect(s.status).toBe("ACTIVE");
    expect((await call("/oauth2/default/.well-known/openid-configuration")).status).toBe(200);
  });

  it("can be renamed and deactivated", async () => {
    const original = await getServer("default");
    expect(original).toMatchObject({ id: "default", audiences: ["api://default"], issuer: `${BASE}/oauth2/default` });
    try {
      const res = await put("default", { name: "Renamed default", description: "changed", audiences: ["api://renamed"] });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ id: "default", name: "Renamed default", description: "changed", audiences: ["api://renamed"] });

      expect((await lifecycle("default", "deactivate")).status).toBe(204);
      expect((await getServer("default")).status).toBe("INACTIVE");
    } finally {
      await put("default", { name: original.name, description: original.description, audiences: original.audiences });
      await lifecycle("default", "activate");
    }
    const restored = await getServer("default");
    expect(restored).toEqual({ ...original, lastUpdated: expect.stringMatching(ISO_MS) });
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

describe("unknown paths under /api/v1", () => {
  it.each(["/nope", "/authorizationServers/default/nope", "/authorizationservers"])(
    "answers GET %s with 404 E0000008 once authenticated",
    async (path) => {
      const res = await admin(path);
      expect(res.headers.get("X-Okta-Request-Id")).toBeTruthy();
      await expectOktaError(res, 404, "E0000008", "The requested path was not found");
    },
  );
});

describe("headers on every admin response", () => {
  const requests: [string, () => Promise<Response>][] = [
    ["list (200)", () => admin("/authorizationServers")],
    ["get (200)", () => admin("/authorizationServers/default")],
    ["create (201)", () => post({ name: uniqueName("Headers"), audiences: ["api://headers"] })],
    ["replace (200)", async () => put((await createServer()).id, VALID)],
    ["deactivate (204)", async () => lifecycle((await createServer()).id, "deactivate")],
    ["delete (204)", async () => admin(`/authorizationServers/${(await createServer()).id}`, { method: "DELETE" })],
    ["list keys (200)", () => admin("/authorizationServers/default/credentials/keys")],
    ["validation error (400)", () => post([])],
    ["bad token (401)", () => call("/api/v1/authorizationServers")],
    ["forbidden (403)", () => admin("/authorizationServers/default", { method: "DELETE" })],
    ["unknown server (404)", () => admin("/authorizationServers/ausDoesNotExist00001")],
    ["unknown path (404)", () => admin("/nope")],
  ];
  it.each(requests)("%s carries X-Okta-Request-Id and Cache-Control: no-store", async (_, send) => {
    const res = await send();
    expect(res.headers.get("X-Okta-Request-Id")).toMatch(/^\S{8,}$/);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
  });

  it("gives every response its own X-Okta-Request-Id", async () => {
    const [a, b] = await Promise.all([admin("/authorizationServers/default"), admin("/authorizationServers/default")]);
    expect(a.headers.get("X-Okta-Request-Id")).not.toBe(b.headers.get("X-Okta-Request-Id"));
  });
});
