import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN, admin, call, createServer } from "../support/admin";
import { ERROR_ID, expectOktaError, getServer, listAllServers, uniqueName } from "../support/fixtures";
import { post, put, lifecycle, VALID } from "./authorization-server-fixtures";

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
