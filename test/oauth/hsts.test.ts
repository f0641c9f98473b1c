import { beforeAll, describe, expect, it } from "vitest";
import { appFor, authorizePath, codeParams, createPerson, fetchAt, peopleServer, type PeopleServer } from "../support/people";
import type { Client } from "../support/clients";

/** Security finding 11: every page served over https carries HSTS; nothing over http (RFC 6797 7.2). */

const HSTS = "max-age=31536000";
let server: PeopleServer;
let client: Client;

beforeAll(async () => {
  server = await peopleServer();
  client = await appFor(await createPerson());
});

describe("Strict-Transport-Security on pages", () => {
  it("is sent with the sign-in page over https", async () => {
    const res = await fetchAt(`https://mintgate.test${authorizePath(server.id, codeParams(client))}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("Strict-Transport-Security")).toBe(HSTS);
  });

  it("is sent with an error page over https", async () => {
    const res = await fetchAt(`https://mintgate.test/oauth2/${server.id}/v1/authorize?client_id=nobody`);
    expect(res.status).toBe(400);
    expect(res.headers.get("Strict-Transport-Security")).toBe(HSTS);
  });

  it("is sent with the logout page's error over https", async () => {
    const res = await fetchAt(`https://mintgate.test/oauth2/${server.id}/v1/logout`);
    expect(res.status).toBe(400);
    expect(res.headers.get("Strict-Transport-Security")).toBe(HSTS);
  });

  it("is not sent over http", async () => {
    const res = await fetchAt(`http://mintgate.test${authorizePath(server.id, codeParams(client))}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("Strict-Transport-Security")).toBeNull();
  });
});
