import { beforeAll, describe, expect, it } from "vitest";
import { safeErrorDescription } from "../../src/oauth/authorize/error-description";
import { appFor, authorize, codeParams, createPerson, peopleServer, redirectParams, type PeopleServer } from "../support/people";
import type { Client } from "../support/clients";

/** Security finding 7: nothing the request says is copied into an error_description sent to the client. */

let server: PeopleServer;
let web: Client;

beforeAll(async () => {
  server = await peopleServer();
  web = await appFor(await createPerson());
});

describe("error_description on redirects", () => {
  it.each([
    ["<script>alert(1)</script>"],
    ["plain\"><img src=x onerror=alert(1)>"],
    ["Call +1-555-0100 to restore your account"],
  ])("does not echo code_challenge_method=%s", async (method) => {
    const res = await authorize(server.id, { ...codeParams(web), code_challenge_method: method });
    const back = redirectParams(res);
    expect(back.error_description).toBe("The PKCE code challenge method is not supported. Use 'S256'.");
  });

  it("keeps every description within RFC 6749 4.1.2.1's characters", () => {
    expect(safeErrorDescription(`a "quoted" \\ value é\n`)).toBe("a ?quoted? ? value ??");
    expect(safeErrorDescription("The 'openid' scope is required [x, y].")).toBe("The 'openid' scope is required [x, y].");
  });
});
