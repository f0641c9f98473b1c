import { beforeAll, describe, expect, it } from "vitest";
import { admin } from "../support/admin";
import { expectOktaError } from "../support/fixtures";
import { appFor, authorize, codeParams, createPerson, formPage, isConsentPage, peopleServer, redirectParams, sessionFor, submitConsent, type PeopleServer } from "../support/people";

let server: PeopleServer;

beforeAll(async () => {
  server = await peopleServer({
    scopes: [
      { name: "orders:read", consent: "REQUIRED" },
      { name: "orders:write", consent: "REQUIRED" },
    ],
  });
});

async function consented() {
  const person = await createPerson();
  const client = await appFor(person, { consent_method: "REQUIRED" });
  const sid = await sessionFor(server.id, await appFor(person), person);
  const params = codeParams(client, { scope: "openid orders:read orders:write" });
  const page = await formPage(await authorize(server.id, params, { cookies: [sid] }));
  expect(isConsentPage(page.html)).toBe(true);
  await submitConsent(page, "allow", [sid]);
  return { person, client, sid, params };
}

describe("a person's consent grants (Okta /api/v1/users/{id}/grants)", () => {
  it("lists one END_USER grant per consented scope, never the IMPLICIT ones", async () => {
    const { person, client } = await consented();
    const res = await admin(`/users/${person.id}/grants`);
    expect(res.status).toBe(200);
    const grants = (await res.json()) as any[];
    expect(grants.map((g) => g.scopeId).sort()).toEqual(["orders:read", "orders:write"]);
    for (const g of grants) {
      expect(g).toMatchObject({
        status: "ACTIVE",
        source: "END_USER",
        clientId: client.clientId,
        userId: person.id,
        issuer: `http://mintgate.test/oauth2/${server.id}`,
        _links: { self: { href: `http://mintgate.test/api/v1/users/${person.id}/grants/${g.id}` } },
      });
    }
    const one = await admin(`/users/${person.id}/grants/${grants[0].id}`);
    expect(await one.json()).toEqual(grants[0]);
    const filtered = (await (await admin(`/users/${person.id}/grants?scopeId=orders:read`)).json()) as any[];
    expect(filtered.map((g) => g.scopeId)).toEqual(["orders:read"]);
  });

  it("revoking one grant makes the consent page ask for that scope again", async () => {
    const { person, sid, params } = await consented();
    expect(redirectParams(await authorize(server.id, params, { cookies: [sid] })).code).toBeTruthy();
    const grants = (await (await admin(`/users/${person.id}/grants`)).json()) as any[];
    const write = grants.find((g) => g.scopeId === "orders:write");
    expect((await admin(`/users/${person.id}/grants/${write.id}`, { method: "DELETE" })).status).toBe(204);
    const again = await formPage(await authorize(server.id, params, { cookies: [sid] }));
    expect(isConsentPage(again.html)).toBe(true);
    expect(again.html).toContain("orders:write");
    expect(again.html).not.toContain("orders:read<");
  });

  it("revoking all grants empties the list", async () => {
    const { person } = await consented();
    expect((await admin(`/users/${person.id}/grants`, { method: "DELETE" })).status).toBe(204);
    expect(await (await admin(`/users/${person.id}/grants`)).json()).toEqual([]);
  });

  it("answers an unknown grant or person with 404 E0000007", async () => {
    const { person } = await consented();
    await expectOktaError(await admin(`/users/${person.id}/grants/oagnope`, { method: "DELETE" }), 404, "E0000007", "Not found: Resource not found: oagnope (OAuth2ScopeConsentGrant)");
    await expectOktaError(await admin(`/users/00unope/grants`), 404, "E0000007", "Not found: Resource not found: 00unope (User)");
  });
});
