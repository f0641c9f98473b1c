import { describe, expect, it } from "vitest";
import { admin, createServer } from "../support/admin";
import { expectOktaError } from "../support/fixtures";
import { NOT_SUPPORTED, NOT_WELL_FORMED } from "./body-errors";

import { VALIDATION, scopesPath, post, put, create, listAll } from "./scope-fixtures";

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
