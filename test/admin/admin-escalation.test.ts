import { describe, expect, it } from "vitest";
import { admin, call } from "../support/admin";
import { expectOktaError } from "../support/fixtures";
import { asBearer, insufficientScope, orgToken, serviceApp } from "../support/org";
import { appFor, createPerson, expectRedirectError, formPage, submitSignIn, REDIRECT } from "../support/people";
import { grantScopes } from "../support/org";

/**
 * Security findings 1, 2 and 8 chained: a service app holding only okta.users.manage set a SUPER_ADMIN's password,
 * signed in as them and received okta.* tokens in a URL fragment. Each link of the chain is refused on its own.
 */

const FORBIDDEN = "You do not have permission to perform the requested action";
const ADMIN_CAUSE = "Changing a super administrator's credentials, profile or status requires the okta.roles.manage scope.";

async function superAdmin() {
  const person = await createPerson();
  const res = await admin(`/users/${person.id}/roles`, { method: "POST", json: { type: "SUPER_ADMIN" } });
  expect(res.status).toBe(201);
  return person;
}

describe("finding 1: the scope follows the matched route, not the raw path", () => {
  it.each(["%72oles", "r%6Fles", "%72%6F%6C%65%73"])("needs okta.roles.manage for POST /users/{id}/%s", async (encoded) => {
    const person = await createPerson();
    const app = await serviceApp(["okta.users.manage"]);
    const token = await orgToken(app, "okta.users.manage");
    const res = await asBearer(token, `/users/${person.id}/${encoded}`, { method: "POST", json: { type: "SUPER_ADMIN" } });
    await expectOktaError(res, 403, "E0000006", FORBIDDEN);
    expect(res.headers.get("WWW-Authenticate")).toBe(insufficientScope("okta.roles.manage"));
    const roles = await admin(`/users/${person.id}/roles`);
    expect(await roles.json()).toEqual([]);
  });

  it("still lets okta.roles.manage assign a role through an encoded path", async () => {
    const person = await createPerson();
    const app = await serviceApp(["okta.roles.manage"]);
    const token = await orgToken(app, "okta.roles.manage");
    const res = await asBearer(token, `/users/${person.id}/%72oles`, { method: "POST", json: { type: "SUPER_ADMIN" } });
    expect(res.status).toBe(201);
  });
});

describe("finding 2: a super admin's credentials need okta.roles.manage", () => {
  it("refuses okta.users.manage setting a SUPER_ADMIN's password, and the old password still signs in", async () => {
    const target = await superAdmin();
    const app = await serviceApp(["okta.users.manage"]);
    const token = await orgToken(app, "okta.users.manage");
    const res = await asBearer(token, `/users/${target.id}`, { method: "POST", json: { credentials: { password: { value: "Attacker-Chosen-99" } } } });
    await expectOktaError(res, 403, "E0000006", FORBIDDEN, [ADMIN_CAUSE]);
    const page = await formPage(await call(`/oauth2/v1/authorize?${new URLSearchParams({ client_id: (await appFor(target)).clientId, redirect_uri: REDIRECT, response_type: "code", scope: "openid", state: "s", code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", code_challenge_method: "S256" })}`));
    expect((await submitSignIn(page, target.login, "Attacker-Chosen-99")).status).toBe(401);
  });

  it.each([
    ["replace the profile", "PUT", "", { profile: { login: "x-admin@example.com", email: "x-admin@example.com", firstName: "A", lastName: "B" } }],
    ["deactivate", "POST", "/lifecycle/deactivate", undefined],
    ["delete", "DELETE", "", undefined],
  ] as const)("refuses okta.users.manage trying to %s a SUPER_ADMIN", async (_what, method, suffix, json) => {
    const target = await superAdmin();
    const token = await orgToken(await serviceApp(["okta.users.manage"]), "okta.users.manage");
    await expectOktaError(await asBearer(token, `/users/${target.id}${suffix}`, { method, json }), 403, "E0000006", FORBIDDEN, [ADMIN_CAUSE]);
    expect(((await (await admin(`/users/${target.id}`)).json()) as { status: string }).status).toBe("ACTIVE");
  });

  it("lets okta.users.manage suspend a SUPER_ADMIN (Okta allows it) and set an ordinary user's password", async () => {
    const target = await superAdmin();
    const plain = await createPerson();
    const token = await orgToken(await serviceApp(["okta.users.manage"]), "okta.users.manage");
    expect((await asBearer(token, `/users/${target.id}/lifecycle/suspend`, { method: "POST" })).status).toBe(200);
    expect((await asBearer(token, `/users/${plain.id}`, { method: "POST", json: { credentials: { password: { value: "Another-Good-77" } } } })).status).toBe(200);
  });

  it("lets a service app with okta.roles.manage and okta.users.manage set a SUPER_ADMIN's password", async () => {
    const target = await superAdmin();
    const token = await orgToken(await serviceApp(["okta.users.manage", "okta.roles.manage"]), "okta.users.manage okta.roles.manage");
    expect((await asBearer(token, `/users/${target.id}`, { method: "POST", json: { credentials: { password: { value: "Another-Good-77" } } } })).status).toBe(200);
  });
});

describe("finding 8: no okta.* access token in a URL fragment", () => {
  const DESCRIPTION = "Okta API scopes cannot be issued from the authorization endpoint. Use the authorization code flow.";

  it.each([["token"], ["id_token token"], ["code token"], ["code id_token token"]])("refuses response_type=%s with an okta.* scope at the org server", async (responseType) => {
    const person = await superAdmin();
    const web = await appFor(person, { grant_types: ["authorization_code", "implicit"], response_types: ["code", "token", "id_token"] });
    await grantScopes(web.id, ["okta.users.manage"]);
    const params = { client_id: web.clientId, redirect_uri: REDIRECT, response_type: responseType, scope: "openid okta.users.manage", state: "st8", nonce: "n8" };
    const page = await formPage(await call(`/oauth2/v1/authorize?${new URLSearchParams(params)}`));
    const res = await submitSignIn(page, person.login, person.password);
    expectRedirectError(res, "invalid_scope", DESCRIPTION, { state: "st8", mode: "fragment" });
  });
});
