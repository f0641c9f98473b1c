import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { freezeTime, advanceTime, restoreTime } from "../support/clock";
import { call } from "../support/admin";
import { FORM, type Client, type Json } from "../support/clients";
import {
  appFor,
  authorize,
  codeParams,
  createPerson,
  expectErrorPage,
  expectPageHeaders,
  expectRedirectError,
  LOGIN_REQUIRED,
  LOGOUT_REDIRECT,
  peopleServer,
  REDIRECT,
  redirectParams,
  SESSION_COOKIE,
  setCookieOf,
  tokensFor,
  type PeopleServer,
  type Person,
} from "../support/people";

const HINT_REQUIRED = "The 'id_token_hint' parameter is required.";
const FOREIGN_HINT = "The 'id_token_hint' is not an ID token of this authorization server.";
const TARGET_REFUSED = "The 'post_logout_redirect_uri' parameter must be a Logout redirect URI in the client app settings.";
const CLEARED = "mg_sid=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0; Secure";

let server: PeopleServer;
let person: Person;
let client: Client;

beforeAll(async () => {
  server = await peopleServer();
  person = await createPerson();
  client = await appFor(person, { post_logout_redirect_uris: [LOGOUT_REDIRECT, "https://app.example/bye?from=logout"] });
});

afterEach(() => {
  restoreTime();
});

/** A signed-in browser: its session cookie and the ID token the client got. */
async function signedIn(): Promise<{ sid: string; tokens: Json }> {
  const tokens = await tokensFor(server.id, client, person);
  return { sid: tokens.sid, tokens };
}

function logout(params: Record<string, string> | string, cookies: string[] = [], method: "GET" | "POST" = "GET"): Promise<Response> {
  const query = typeof params === "string" ? params : new URLSearchParams(params).toString();
  const headers: Record<string, string> = cookies.length ? { Cookie: cookies.join("; ") } : {};
  if (method === "POST") return call(`/oauth2/${server.id}/v1/logout`, { method: "POST", headers: { ...headers, "Content-Type": FORM }, body: query });
  return call(`/oauth2/${server.id}/v1/logout?${query}`, { headers });
}

async function sessionRows(sid: string): Promise<number> {
  const value = sid.split("=")[1]!;
  const digest = [...new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(value)))].map((b) => b.toString(16).padStart(2, "0")).join("");
  const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM sessions WHERE id_hash = ?1").bind(digest).first<{ n: number }>();
  return row!.n;
}

async function expectSignedOut(sid: string): Promise<void> {
  expect(await sessionRows(sid)).toBe(0);
  const params = codeParams(client, { prompt: "none" });
  expectRedirectError(await authorize(server.id, params, { cookies: [sid] }), "login_required", LOGIN_REQUIRED, { state: params.state });
}

async function expectStillSignedIn(sid: string): Promise<void> {
  expect(await sessionRows(sid)).toBe(1);
  expect(redirectParams(await authorize(server.id, codeParams(client, { prompt: "none" }), { cookies: [sid] })).code).toBeTruthy();
}

describe("RP-initiated logout", () => {
  it("ends the session, clears the cookie and redirects to the registered URI with the state", async () => {
    const { sid, tokens } = await signedIn();
    const res = await logout({ id_token_hint: tokens.id_token, post_logout_redirect_uri: LOGOUT_REDIRECT, state: "bye-1" }, [sid]);
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe(`${LOGOUT_REDIRECT}?state=bye-1`);
    expect(res.headers.get("Referrer-Policy")).toBe("no-referrer");
    expect(setCookieOf(res, SESSION_COOKIE)).toBe(CLEARED);
    await expectSignedOut(sid);
  });

  it("redirects without a state when none was given", async () => {
    const { sid, tokens } = await signedIn();
    const res = await logout({ id_token_hint: tokens.id_token, post_logout_redirect_uri: LOGOUT_REDIRECT }, [sid]);
    expect(res.headers.get("Location")).toBe(LOGOUT_REDIRECT);
  });

  it("keeps the query of a registered logout URI", async () => {
    const { sid, tokens } = await signedIn();
    const res = await logout({ id_token_hint: tokens.id_token, post_logout_redirect_uri: "https://app.example/bye?from=logout", state: "s" }, [sid]);
    expect(res.headers.get("Location")).toBe("https://app.example/bye?from=logout&state=s");
  });

  it("shows a signed-out page when no post_logout_redirect_uri is given", async () => {
    const { sid, tokens } = await signedIn();
    const res = await logout({ id_token_hint: tokens.id_token }, [sid]);
    expect(res.status).toBe(200);
    expectPageHeaders(res);
    expect(setCookieOf(res, SESSION_COOKIE)).toBe(CLEARED);
    expect(await res.text()).toContain("<h1>You are signed out</h1>");
    await expectSignedOut(sid);
  });

  it("accepts an expired ID token as the hint (OIDC RP-Initiated Logout 2)", async () => {
    freezeTime();
    const { sid, tokens } = await signedIn();
    advanceTime(61 * 60_000);
    const res = await logout({ id_token_hint: tokens.id_token, post_logout_redirect_uri: LOGOUT_REDIRECT, state: "late" }, [sid]);
    expect(res.headers.get("Location")).toBe(`${LOGOUT_REDIRECT}?state=late`);
    await expectSignedOut(sid);
  });

  it("works as a form POST", async () => {
    const { sid, tokens } = await signedIn();
    const res = await logout({ id_token_hint: tokens.id_token, post_logout_redirect_uri: LOGOUT_REDIRECT, state: "p" }, [sid], "POST");
    expect(res.headers.get("Location")).toBe(`${LOGOUT_REDIRECT}?state=p`);
    await expectSignedOut(sid);
  });

  it("redirects at once when the browser has no session", async () => {
    const { tokens } = await signedIn();
    const res = await logout({ id_token_hint: tokens.id_token, post_logout_redirect_uri: LOGOUT_REDIRECT, state: "none" });
    expect(res.headers.get("Location")).toBe(`${LOGOUT_REDIRECT}?state=none`);
  });

  it("ends only this browser's session", async () => {
    const a = await signedIn();
    const b = await signedIn();
    await logout({ id_token_hint: a.tokens.id_token }, [a.sid]);
    await expectSignedOut(a.sid);
    await expectStillSignedIn(b.sid);
  });
});

describe("refused logout requests leave the session alone", () => {
  it.each([
    ["an unregistered URI", "https://evil.example/bye"],
    ["a registered URI with a trailing slash", `${LOGOUT_REDIRECT}/`],
    ["a registered URI with another query", `${LOGOUT_REDIRECT}?next=/x`],
    ["a login redirect URI that is not a logout URI", REDIRECT],
  ])("refuses %s as post_logout_redirect_uri with a 400 page", async (_name, target) => {
    const { sid, tokens } = await signedIn();
    const res = await logout({ id_token_hint: tokens.id_token, post_logout_redirect_uri: target }, [sid]);
    await expectErrorPage(res, "invalid_request", TARGET_REFUSED, "Sign-out error");
    await expectStillSignedIn(sid);
  });

  it("refuses a logout URI registered for another client than the hint's", async () => {
    const { sid, tokens } = await signedIn();
    const other = await appFor(person, { post_logout_redirect_uris: ["https://other.example/bye"] });
    const res = await logout({ id_token_hint: tokens.id_token, post_logout_redirect_uri: "https://other.example/bye" }, [sid]);
    await expectErrorPage(res, "invalid_request", TARGET_REFUSED, "Sign-out error");
    expect(other.clientId).not.toBe(client.clientId);
    await expectStillSignedIn(sid);
  });

  it("refuses a request without id_token_hint", async () => {
    const { sid } = await signedIn();
    await expectErrorPage(await logout({ post_logout_redirect_uri: LOGOUT_REDIRECT }, [sid]), "invalid_request", HINT_REQUIRED, "Sign-out error");
    await expectStillSignedIn(sid);
  });

  it("refuses an ID token of another authorization server", async () => {
    const { sid } = await signedIn();
    const elsewhere = await peopleServer();
    const foreign = await tokensFor(elsewhere.id, client, person);
    await expectErrorPage(await logout({ id_token_hint: foreign.id_token, post_logout_redirect_uri: LOGOUT_REDIRECT }, [sid]), "invalid_request", FOREIGN_HINT, "Sign-out error");
    await expectStillSignedIn(sid);
  });

  it("refuses a hint that is not a JWT", async () => {
    const { sid } = await signedIn();
    await expectErrorPage(await logout({ id_token_hint: "not-a-token" }, [sid]), "invalid_request", FOREIGN_HINT, "Sign-out error");
    await expectStillSignedIn(sid);
  });

  it("refuses a hint whose signature was tampered with", async () => {
    const { sid, tokens } = await signedIn();
    const [h, p, s] = (tokens.id_token as string).split(".");
    const tampered = `${h}.${p}.${s!.slice(0, -4)}${s!.slice(-4) === "AAAA" ? "BBBB" : "AAAA"}`;
    await expectErrorPage(await logout({ id_token_hint: tampered }, [sid]), "invalid_request", FOREIGN_HINT, "Sign-out error");
    await expectStillSignedIn(sid);
  });

  it("refuses an access token as the hint", async () => {
    const { sid, tokens } = await signedIn();
    await expectErrorPage(await logout({ id_token_hint: tokens.access_token }, [sid]), "invalid_request", FOREIGN_HINT, "Sign-out error");
    await expectStillSignedIn(sid);
  });

  it("refuses a duplicated parameter", async () => {
    const { sid, tokens } = await signedIn();
    const query = `${new URLSearchParams({ id_token_hint: tokens.id_token, state: "a" })}&state=b`;
    await expectErrorPage(await logout(query, [sid]), "invalid_request", "The 'state' parameter was included more than once.", "Sign-out error");
    await expectStillSignedIn(sid);
  });
});
