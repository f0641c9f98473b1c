import { beforeAll, describe, expect, it } from "vitest";
import { BASE, call } from "../support/admin";
import type { Client, Json } from "../support/clients";
import { assignUser, authorize, codeParams, createPerson, createWebApp, peopleServer, sessionFor, type PeopleServer } from "../support/people";

let server: PeopleServer;
let web: Client;
let sid: string;

/** Every parameter of the redirect, iss included (redirectParams in support/people.ts sets iss aside). */
function allParams(res: Response): Record<string, string> {
  expect(res.status).toBe(302);
  const url = new URL(res.headers.get("Location")!);
  return Object.fromEntries(url.hash ? new URLSearchParams(url.hash.slice(1)) : url.searchParams);
}

async function formPostFields(res: Response): Promise<Record<string, string>> {
  expect(res.status).toBe(200);
  const html = await res.text();
  return Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, m[2]!]));
}

beforeAll(async () => {
  server = await peopleServer();
  const person = await createPerson();
  web = await createWebApp({ grant_types: ["authorization_code", "implicit", "refresh_token"], response_types: ["code", "token", "id_token"] });
  await assignUser(web.id, person.id);
  sid = await sessionFor(server.id, web, person);
});

describe("the iss authorization response parameter (RFC 9207)", () => {
  it.each([
    ["query", {}],
    ["fragment", { response_mode: "fragment" }],
    ["fragment, implicit", { response_type: "id_token token" }],
  ])("names the issuer in a success response (%s)", async (_, extra) => {
    expect(allParams(await authorize(server.id, codeParams(web, extra), { cookies: [sid] })).iss).toBe(server.issuer);
  });

  it.each([
    ["query", {}],
    ["fragment", { response_mode: "fragment" }],
  ])("names the issuer in an error response (%s)", async (_, extra) => {
    const back = allParams(await authorize(server.id, codeParams(web, { scope: "nope", ...extra }), { cookies: [sid] }));
    expect(back).toMatchObject({ error: "invalid_scope", iss: server.issuer });
  });

  it("names the issuer in form_post responses, success and error", async () => {
    expect((await formPostFields(await authorize(server.id, codeParams(web, { response_mode: "form_post" }), { cookies: [sid] }))).iss).toBe(server.issuer);
    expect(await formPostFields(await authorize(server.id, codeParams(web, { response_mode: "form_post", prompt: "none" })))).toMatchObject({ error: "login_required", iss: server.issuer });
  });

  it("names the org server's issuer (the org URL) for the org server", async () => {
    const back = allParams(await call(`/oauth2/v1/authorize?${new URLSearchParams(codeParams(web, { prompt: "none" }))}`));
    expect(back).toMatchObject({ error: "login_required", iss: BASE });
  });

  it("is advertised in discovery", async () => {
    for (const path of [`/oauth2/${server.id}/.well-known/openid-configuration`, `/oauth2/${server.id}/.well-known/oauth-authorization-server`, "/.well-known/openid-configuration"]) {
      expect(((await (await call(path)).json()) as Json).authorization_response_iss_parameter_supported).toBe(true);
    }
  });
});
