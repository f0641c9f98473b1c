import { decodeJwt } from "jose";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { asBasic, oauthPost, tokenBody, type Client } from "../support/clients";
import { hookServer, waitForEvents } from "../support/log";
import { appFor, createPerson, peopleServer, type PeopleServer, type Person } from "../support/people";
import { createTokenHook, hookRule } from "../support/token-hooks";

// The password grant runs a rule's token inline hook with its own grant type and request, like the code grant.
const PATH = "/password-hook";
let server: PeopleServer;
let person: Person;
let client: Client;

beforeAll(async () => {
  server = await peopleServer({ rule: { grantTypes: ["password"] } });
  person = await createPerson();
  client = await appFor(person, { grant_types: ["authorization_code", "password"] });
  const hook = await createTokenHook(PATH);
  await hookRule(server, hook.id, ["password"]);
});

beforeEach(async () => {
  await hookServer.reset();
});

describe("a token inline hook on a password grant rule", () => {
  it("sees grant_type password and the request without the password, and logs inline_hook.executed", async () => {
    await hookServer.script({ path: PATH, body: { commands: [{ type: "com.okta.access.patch", value: [{ op: "add", path: "/claims/via", value: "ropc" }] }] } });
    const res = await oauthPost(server.id, "token", { grant_type: "password", username: person.login, password: person.password, scope: "openid" }, asBasic(client));
    expect(decodeJwt((await tokenBody(res)).access_token).via).toBe("ropc");
    const [call] = await hookServer.records(PATH);
    expect(call!.body.data.context).toMatchObject({
      request: { id: res.headers.get("X-Okta-Request-Id") },
      protocol: { request: { grant_type: "password", username: person.login, scope: "openid" } },
    });
    expect(JSON.stringify(call!.body)).not.toContain(person.password);
    await waitForEvents((e) => e.eventType === "inline_hook.executed" && e.transaction.id === res.headers.get("X-Okta-Request-Id"));
  });
});
