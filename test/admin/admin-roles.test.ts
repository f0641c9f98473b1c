import { decodeJwt } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { admin, BASE } from "../support/admin";
import { type Json } from "../support/clients";
import { expectOktaError } from "../support/fixtures";
import { asBearer, grantScopes, orgTokensFor } from "../support/org";
import { assignUser, createPerson, createWebApp, type Person } from "../support/people";
import { FORBIDDEN, NO_ROLE, newUser, expectInsufficientScope, expectInvalidToken } from "./admin-oauth-fixtures";

describe("the roles API (/api/v1/users/{userId}/roles)", () => {
  let person: Person;

  beforeAll(async () => {
    person = await createPerson();
  });

  it("assigns SUPER_ADMIN (201), answers 200 when it is assigned already, lists and removes it (204)", async () => {
    const first = await admin(`/users/${person.id}/roles`, { method: "POST", json: { type: "SUPER_ADMIN" } });
    const role = (await first.json()) as Json;
    expect(first.status).toBe(201);
    expect(role).toEqual({
      id: expect.stringMatching(/^ra1[0-9A-Za-z]{17}$/),
      label: "Super Organization Administrator",
      type: "SUPER_ADMIN",
      status: "ACTIVE",
      created: expect.any(String),
      lastUpdated: role.created,
      assignmentType: "USER",
      _links: { assignee: { href: `${BASE}/api/v1/users/${person.id}`, hints: { allow: ["GET"] } } },
    });

    const again = await admin(`/users/${person.id}/roles`, { method: "POST", json: { type: "SUPER_ADMIN" } });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(role);

    const list = await admin(`/users/${person.id}/roles`);
    expect(list.status).toBe(200);
    expect(await list.json()).toEqual([role]);

    const removed = await admin(`/users/${person.id}/roles/${role.id}`, { method: "DELETE" });
    expect(removed.status).toBe(204);
    expect(await (await admin(`/users/${person.id}/roles`)).json()).toEqual([]);
    await expectOktaError(await admin(`/users/${person.id}/roles/${role.id}`, { method: "DELETE" }), 404, "E0000007", `Not found: Resource not found: ${role.id} (Role)`);
  });

  it.each([["ORG_ADMIN"], ["super_admin"]])("refuses the role type %s with 400 E0000001", async (type) => {
    await expectOktaError(await admin(`/users/${person.id}/roles`, { method: "POST", json: { type } }), 400, "E0000001", "Api validation failed: Role", [
      "type: only SUPER_ADMIN is supported",
    ]);
  });

  it("answers 404 E0000007 for an unknown user", async () => {
    await expectOktaError(await admin("/users/00unotthere000000000/roles"), 404, "E0000007", "Not found: Resource not found: 00unotthere000000000 (User)");
  });
});

describe("a person's org access token on the admin API", () => {
  let person: Person;
  let tokens: Json;

  beforeAll(async () => {
    person = await createPerson();
    const web = await createWebApp();
    await assignUser(web.id, person.id);
    await grantScopes(web.id, ["okta.users.read", "okta.users.manage"]);
    tokens = await orgTokensFor(web, person, "openid okta.users.read okta.users.manage");
  });

  it("carries the person and the granted admin scopes", () => {
    expect(decodeJwt(tokens.access_token)).toMatchObject({ iss: BASE, aud: BASE, uid: person.id, sub: person.login, scp: expect.arrayContaining(["okta.users.read", "okta.users.manage"]) });
    expect(tokens.scope.split(" ").sort()).toEqual(["okta.users.manage", "okta.users.read", "openid"]);
  });

  it("does nothing for a person without an administrator role, whatever its scopes", async () => {
    const res = await asBearer(tokens.access_token, "/users");
    const challenge = res.headers.get("WWW-Authenticate");
    await expectOktaError(res, 403, "E0000006", FORBIDDEN, [NO_ROLE]);
    expect(challenge).toBeNull();
  });

  it("reads and writes once the person is a super admin, and stops when the role is removed", async () => {
    const assigned = await admin(`/users/${person.id}/roles`, { method: "POST", json: { type: "SUPER_ADMIN" } });
    expect(assigned.status).toBe(201);
    const role = (await assigned.json()) as Json;

    expect((await asBearer(tokens.access_token, "/users")).status).toBe(200);
    const created = await asBearer(tokens.access_token, "/users?activate=false", { method: "POST", json: newUser() });
    expect(created.status, await created.clone().text()).toBe(200);
    // A super admin's token is still bounded by its scopes.
    await expectInsufficientScope(await asBearer(tokens.access_token, "/groups"), "okta.groups.read");

    expect((await admin(`/users/${person.id}/roles/${role.id}`, { method: "DELETE" })).status).toBe(204);
    await expectOktaError(await asBearer(tokens.access_token, "/users"), 403, "E0000006", FORBIDDEN, [NO_ROLE]);
  });

  it("does not accept the person's org ID token as an access token", async () => {
    await expectInvalidToken(await asBearer(tokens.id_token, "/users"));
  });

  it("refuses the person's token once the person is deactivated", async () => {
    const other = await createPerson();
    const web = await createWebApp();
    await assignUser(web.id, other.id);
    await grantScopes(web.id, ["okta.users.read"]);
    const t = await orgTokensFor(web, other, "openid okta.users.read");
    expect((await admin(`/users/${other.id}/roles`, { method: "POST", json: { type: "SUPER_ADMIN" } })).status).toBe(201);
    expect((await asBearer(t.access_token, "/users")).status).toBe(200);
    expect((await admin(`/users/${other.id}/lifecycle/deactivate`, { method: "POST" })).status).toBe(200);
    await expectInvalidToken(await asBearer(t.access_token, "/users"));
  });
});
