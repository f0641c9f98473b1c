import { describe, expect, it } from "vitest";
import { acceptsJson } from "../../src/admin/media-types";
import { ADMIN_TOKEN, admin, call, createServer } from "../support/admin";
import { expectOktaError } from "../support/fixtures";
import { HEADERS_NOT_SET, NOT_ACCEPTABLE, NOT_SUPPORTED, NOT_WELL_FORMED } from "./body-errors";

describe("acceptsJson (RFC 9110 12.5.1)", () => {
  it.each([
    [undefined, true],
    ["", true],
    ["application/json", true],
    ["application/json; charset=utf-8", true],
    ["APPLICATION/JSON", true],
    ["application/*", true],
    ["*/*", true],
    ["text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", true],
    ["text/plain, application/json;q=0.1", true],
    ["application/xml", false],
    ["text/html", false],
    ["application/json;q=0", false],
    ["application/json; q=0.0, text/plain", false],
    ["application/hal+json", false],
  ])("Accept %j admits JSON: %s", (accept, expected) => {
    expect(acceptsJson(accept)).toBe(expected);
  });
});

describe("the admin API's media types (Okta)", () => {
  it("answers an Accept header that refuses JSON with 400 E0000019, on reads too", async () => {
    const res = await admin("/authorizationServers", { headers: { Accept: "text/html" } });
    await expectOktaError(res, 400, ...NOT_ACCEPTABLE, ['Accept: application/json is the only media type served, got "text/html"']);
  });

  it("answers the same on the client-secret route Okta serves under /oauth2/v1/clients", async () => {
    const res = await call("/oauth2/v1/clients/no-such-client/lifecycle/newSecret", {
      method: "POST",
      headers: { Authorization: `SSWS ${ADMIN_TOKEN}`, Accept: "text/html" },
    });
    await expectOktaError(res, 400, ...NOT_ACCEPTABLE, ['Accept: application/json is the only media type served, got "text/html"']);
  });

  it("serves a browser's Accept header, which admits */*", async () => {
    const res = await admin("/authorizationServers/default", { headers: { Accept: "text/html,application/xhtml+xml,*/*;q=0.8" } });
    expect(res.status).toBe(200);
  });

  it("checks the token before the Accept header", async () => {
    const res = await call("/api/v1/authorizationServers", { headers: { Accept: "text/html" } });
    await expectOktaError(res, 401, "E0000011", "Invalid token provided");
  });

  it.each([
    ["POST", "/authorizationServers"],
    ["PUT", "/authorizationServers/default"],
    ["POST", "/trustedOrigins"],
    ["POST", "/users"],
    ["POST", "/groups"],
    ["POST", "/apps"],
  ])("answers %s %s without a Content-Type with 400 E0000018", async (method, path) => {
    const res = await admin(path, { method, body: new TextEncoder().encode("{}") });
    await expectOktaError(res, 400, ...HEADERS_NOT_SET, ["Content-Type: expected application/json, got none"]);
  });

  it.each([["text/plain"], ["application/x-www-form-urlencoded"], ["multipart/form-data; boundary=x"], ["application/jsonp"]])(
    "answers Content-Type %s with 400 E0000021",
    async (contentType) => {
      const res = await admin("/groups", { method: "POST", headers: { "Content-Type": contentType }, body: '{"profile":{"name":"x"}}' });
      await expectOktaError(res, 400, ...NOT_SUPPORTED, [`Content-Type: expected application/json, got ${JSON.stringify(contentType)}`]);
    },
  );

  it("accepts application/json with a charset", async () => {
    const s = await createServer();
    const res = await admin(`/authorizationServers/${s.id}/scopes`, {
      method: "POST",
      headers: { "Content-Type": "application/json; charset=UTF-8" },
      body: JSON.stringify({ name: "charset:scope" }),
    });
    expect(res.status).toBe(201);
  });

  it.each([["{"], ['{"name": }'], ["[1,]"], ["undefined"], ["'single'"]])("answers the malformed body %j with 400 E0000003", async (body) => {
    const s = await createServer();
    const res = await admin(`/authorizationServers/${s.id}/scopes`, { method: "POST", headers: { "Content-Type": "application/json" }, body });
    await expectOktaError(res, 400, ...NOT_WELL_FORMED);
  });

  it("keeps E0000001 for a well-formed body that fails validation, one cause per field", async () => {
    const s = await createServer();
    const res = await admin(`/authorizationServers/${s.id}/scopes`, { method: "POST", json: { name: 7, default: "yes" } });
    await expectOktaError(res, 400, "E0000001", "Api validation failed: OAuth2Scope", [
      "name: Expected a string",
      "default: Invalid input: expected boolean, received string",
    ]);
  });
});
