import { beforeAll, describe, expect, it } from "vitest";
import { admin, BASE, createServer } from "../support/admin";
import { apiPath, expectOktaError, links } from "../support/fixtures";

const VALIDATION = "Api validation failed: AssociatedServerMediated";

type Json = Record<string, any>;
let owner: Json;
let a: Json;
let b: Json;
let c: Json;

const path = (id: string) => `/authorizationServers/${id}/associatedServers`;
const associate = (id: string, json: unknown) => admin(path(id), { method: "POST", json });
async function list(id: string, query = ""): Promise<Json[]> {
  const res = await admin(`${path(id)}${query}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return res.json();
}

beforeAll(async () => {
  const tag = crypto.randomUUID().slice(0, 8);
  owner = await createServer({ name: `owner-${tag}` });
  a = await createServer({ name: `alpha-${tag}`, audiences: [`api://alpha-${tag}`] });
  b = await createServer({ name: `beta-${tag}` });
  c = await createServer({ name: `gamma-${tag}` });
});

describe("POST /api/v1/authorizationServers/{id}/associatedServers", () => {
  it("trusts the named servers and answers 200 with them, each linking to its association", async () => {
    const res = await associate(owner.id, { trusted: [a.id, b.id] });
    const body = (await res.json()) as Json[];
    expect(res.status).toBe(200);
    expect(body.map((s) => s.id)).toEqual([a.id, b.id]);
    expect(body[0]).toMatchObject({ id: a.id, name: a.name, audiences: a.audiences, issuer: a.issuer, status: "ACTIVE" });
    expect(body[0]!._links.self).toEqual({ href: `${BASE}/api/v1/authorizationServers/${owner.id}/associatedServers/${a.id}`, hints: { allow: ["DELETE"] } });
  });

  it("refuses a mapping that already exists, and writes nothing", async () => {
    const res = await associate(owner.id, { trusted: [c.id, a.id] });
    await expectOktaError(res, 400, "E0000001", VALIDATION, [`trusted: The associated server mapping already exists ('${a.id}')`]);
    expect((await list(owner.id)).map((s) => s.id)).not.toContain(c.id);
  });

  it.each([
    ["itself", () => ({ trusted: [owner.id] }), () => [`trusted: an authorization server cannot trust itself ('${owner.id}')`]],
    ["an unknown server", () => ({ trusted: ["ausnosuchserver00000"] }), () => ["trusted: The associated server doesn't exist ('ausnosuchserver00000')"]],
    ["the org server", () => ({ trusted: ["org"] }), () => ["trusted: the org authorization server cannot be a trusted server"]],
    ["an empty list", () => ({ trusted: [] }), () => ["trusted: name at least one authorization server id"]],
    ["Okta's spec example shape", () => [{ trusted: a.id }], () => ["body: Invalid input: expected object, received array"]],
    ["no trusted field", () => ({}), () => ["trusted: Invalid input: expected array, received undefined"]],
  ])("refuses %s with 400 E0000001", async (_, body, causes) => {
    await expectOktaError(await associate(owner.id, body()), 400, "E0000001", VALIDATION, causes());
  });

  it("answers E0000003 for a body that is not JSON", async () => {
    const res = await admin(path(owner.id), { method: "POST", headers: { "Content-Type": "application/json" }, body: "{" });
    await expectOktaError(res, 400, "E0000003", "The request body was not well-formed.");
  });

  it("answers 404 for an unknown server", async () => {
    await expectOktaError(await associate("ausnosuchserver00000", { trusted: [a.id] }), 404, "E0000007", "Not found: Resource not found: ausnosuchserver00000 (AuthorizationServer)");
  });
});

describe("GET /api/v1/authorizationServers/{id}/associatedServers", () => {
  it("lists the trusted servers by default and with trusted=true", async () => {
    expect((await list(owner.id)).map((s) => s.id)).toEqual([a.id, b.id]);
    expect((await list(owner.id, "?trusted=true")).map((s) => s.id)).toEqual([a.id, b.id]);
  });

  it("lists the servers it could trust with trusted=false: neither itself nor those it trusts", async () => {
    const ids = (await list(owner.id, "?trusted=false&limit=200")).map((s) => s.id);
    expect(ids).toContain(c.id);
    expect(ids).not.toContain(a.id);
    expect(ids).not.toContain(owner.id);
  });

  it("searches the name or audience with q", async () => {
    expect((await list(owner.id, `?q=${encodeURIComponent(a.name)}`)).map((s) => s.id)).toEqual([a.id]);
    expect((await list(owner.id, `?q=${encodeURIComponent(a.audiences[0])}`)).map((s) => s.id)).toEqual([a.id]);
    expect((await list(owner.id, `?trusted=false&q=${encodeURIComponent(c.name)}`)).map((s) => s.id)).toEqual([c.id]);
  });

  it("pages with limit and a next link", async () => {
    const res = await admin(`${path(owner.id)}?limit=1`);
    expect(((await res.json()) as Json[]).map((s) => s.id)).toEqual([a.id]);
    const next = links(res).next!;
    expect(next).toContain("limit=1");
    expect(((await (await admin(apiPath(next))).json()) as Json[]).map((s) => s.id)).toEqual([b.id]);
  });

  it("refuses a trusted value other than true or false", async () => {
    await expectOktaError(await admin(`${path(owner.id)}?trusted=yes`), 400, "E0000001", VALIDATION, ["trusted: must be true or false"]);
  });

  it("refuses a bad paging cursor", async () => {
    const res = await admin(`${path(owner.id)}?after=x`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as Json).errorCode).toBe("E0000029");
  });
});

describe("DELETE /api/v1/authorizationServers/{id}/associatedServers/{associatedServerId}", () => {
  it("removes the association with 204, and 404 after that", async () => {
    const server = await createServer();
    await associate(server.id, { trusted: [c.id] });
    expect((await admin(`${path(server.id)}/${c.id}`, { method: "DELETE" })).status).toBe(204);
    expect(await list(server.id)).toEqual([]);
    await expectOktaError(await admin(`${path(server.id)}/${c.id}`, { method: "DELETE" }), 404, "E0000007", `Not found: Resource not found: ${c.id} (AuthorizationServer)`);
  });

  it("goes with a deleted server", async () => {
    const server = await createServer();
    const gone = await createServer();
    await associate(server.id, { trusted: [gone.id] });
    await admin(`/authorizationServers/${gone.id}/lifecycle/deactivate`, { method: "POST" });
    expect((await admin(`/authorizationServers/${gone.id}`, { method: "DELETE" })).status).toBe(204);
    expect(await list(server.id)).toEqual([]);
  });
});
