import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { appFor, authorize, codeParams, createPerson, createWebApp, formPage, isConsentPage, peopleServer, submitSignIn, type PeopleServer } from "../support/people";

/**
 * Issue 17: a sign-in writes the token_holders row of the SessionStore its code will live in, in the batch that
 * decides the attempt (one far round trip). When the flow ends without a code there, the row is deleted again, so
 * the index names only objects that hold something.
 */
let server: PeopleServer;

beforeAll(async () => {
  server = await peopleServer({ scopes: [{ name: "orders:read", consent: "REQUIRED" }] });
});

const rowsOf = async (userId: string) =>
  (await env.DB.prepare(`SELECT client_id, expires_at FROM token_holders WHERE user_id = ?1`).bind(userId).all<{ client_id: string; expires_at: number | null }>()).results;

async function signIn(params: Record<string, string>, login: string, password: string): Promise<Response> {
  const page = await formPage(await authorize(server.id, params));
  return submitSignIn(page, login, password);
}

describe("the index row a sign-in writes for its code", () => {
  it("stays when the sign-in issues the code, and names the person, the client and nothing else", async () => {
    const person = await createPerson();
    const client = await appFor(person);
    const res = await signIn(codeParams(client), person.login, person.password);
    expect(res.status).toBe(302);
    expect(new URL(res.headers.get("Location")!).searchParams.get("code")).toBeTruthy();
    expect((await rowsOf(person.id)).map((r) => r.client_id)).toEqual([client.clientId]);
  });

  it("is deleted when the sign-in stops at the consent page", async () => {
    const person = await createPerson();
    const client = await appFor(person, { consent_method: "REQUIRED" });
    const res = await signIn(codeParams(client, { scope: "openid orders:read" }), person.login, person.password);
    expect(res.status).toBe(200);
    expect(isConsentPage(await res.text())).toBe(true);
    // Deleted after the response, under the request's waitUntil.
    await expect.poll(() => rowsOf(person.id)).toEqual([]);
  });

  it("is deleted when the person is refused after signing in (not assigned to the app)", async () => {
    const person = await createPerson();
    const client = await createWebApp();
    const res = await signIn(codeParams(client), person.login, person.password);
    expect(new URL(res.headers.get("Location")!).searchParams.get("error")).toBe("access_denied");
    await expect.poll(() => rowsOf(person.id)).toEqual([]);
  });

  it("is never written for a wrong password", async () => {
    const person = await createPerson();
    const client = await appFor(person);
    expect((await signIn(codeParams(client), person.login, "Wrong-password-1")).status).toBe(401);
    expect(await rowsOf(person.id)).toEqual([]);
  });
});
