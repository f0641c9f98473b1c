import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { call } from "../support/admin";
import { FORM, type Client } from "../support/clients";
import { appFor, assignUser, CSRF_COOKIE, createPerson, LOGOUT_REDIRECT, peopleServer, setCookieOf, tokensFor, type PeopleServer, type Person } from "../support/people";

/** Security finding 6: an ID token of someone else does not log out the person signed in without asking them. */

let server: PeopleServer;
let alice: Person;
let mallory: Person;
let client: Client;

beforeAll(async () => {
  server = await peopleServer();
  alice = await createPerson();
  mallory = await createPerson();
  client = await appFor(alice, { post_logout_redirect_uris: [LOGOUT_REDIRECT] });
  await assignUser(client.id, mallory.id);
});

async function sessions(sid: string): Promise<number> {
  const value = sid.split("=")[1]!;
  const digest = [...new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(value)))].map((b) => b.toString(16).padStart(2, "0")).join("");
  return (await env.DB.prepare("SELECT COUNT(*) AS n FROM sessions WHERE id_hash = ?1").bind(digest).first<{ n: number }>())!.n;
}

const logoutGet = (params: Record<string, string>, cookie: string) => call(`/oauth2/${server.id}/v1/logout?${new URLSearchParams(params)}`, { headers: { Cookie: cookie } });

describe("RP-initiated logout with another person's ID token", () => {
  it("asks the signed-in person and leaves their session alone until they confirm", async () => {
    const { sid } = await tokensFor(server.id, client, alice);
    const foreign = (await tokensFor(server.id, client, mallory)).id_token;
    const params = { id_token_hint: foreign, post_logout_redirect_uri: LOGOUT_REDIRECT, state: "s6" };
    const res = await logoutGet(params, sid);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("<h1>Sign out?</h1>");
    expect(await sessions(sid)).toBe(1);

    const csrf = /name="csrf" value="([^"]+)"/.exec(html)![1]!;
    const csrfCookie = setCookieOf(res, CSRF_COOKIE)!.split(";")[0]!;
    // A cross-site POST without this browser's CSRF cookie is asked again.
    const forged = await call(`/oauth2/${server.id}/v1/logout`, { method: "POST", headers: { "Content-Type": FORM, Cookie: sid }, body: new URLSearchParams({ ...params, csrf, confirm: "yes" }).toString() });
    expect(forged.status).toBe(200);
    expect(await sessions(sid)).toBe(1);

    const ok = await call(`/oauth2/${server.id}/v1/logout`, { method: "POST", headers: { "Content-Type": FORM, Cookie: `${sid}; ${csrfCookie}` }, body: new URLSearchParams({ ...params, csrf, confirm: "yes" }).toString() });
    expect(ok.status).toBe(302);
    expect(ok.headers.get("Location")).toBe(`${LOGOUT_REDIRECT}?state=s6`);
    expect(await sessions(sid)).toBe(0);
  });

  it("logs out at once when the hint's sub is the signed-in person", async () => {
    const { sid, id_token } = await tokensFor(server.id, client, alice);
    const res = await logoutGet({ id_token_hint: id_token, post_logout_redirect_uri: LOGOUT_REDIRECT }, sid);
    expect(res.status).toBe(302);
    expect(await sessions(sid)).toBe(0);
  });
});
