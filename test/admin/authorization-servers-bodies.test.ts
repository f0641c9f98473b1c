import { describe, expect, it } from "vitest";
import { admin, createServer } from "../support/admin";
import { expectOktaError, getServer, listAllServers } from "../support/fixtures";
import { HEADERS_NOT_SET, NOT_ACCEPTABLE, NOT_SUPPORTED, NOT_WELL_FORMED } from "./body-errors";
import { VALID, json } from "./authorization-server-fixtures";

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
