import { describe, expect, it } from "vitest";
import { admin, call } from "../support/admin";
import { waitForEvents } from "../support/log";
import { cookieFrom, createPerson, formPage, postForm, setCookieOf, submitSignIn, type Person } from "../support/people";

const FLOW = "__Host-mg_console_flow";
const SESSION = "__Host-mg_console";
const FORM = "application/x-www-form-urlencoded";

async function superAdmin(): Promise<Person> {
  const p = await createPerson();
  const res = await admin(`/users/${p.id}/roles`, { method: "POST", json: { type: "SUPER_ADMIN" } });
  expect(res.status).toBe(201);
  return p;
}

/** /admin/signin, the hosted sign-in page, and the callback, as a browser goes through them. */
async function consoleSignIn(p: Person, pauseBeforeCallbackMs = 0): Promise<Response> {
  const start = await call("/admin/signin");
  expect(start.status).toBe(302);
  const flow = cookieFrom(start, FLOW)!;
  const authorize = new URL(start.headers.get("Location")!, "http://mintgate.test");
  const page = await formPage(await call(`${authorize.pathname}${authorize.search}`));
  const signedIn = await submitSignIn(page, p.login, p.password);
  expect(signedIn.status).toBe(302);
  const back = new URL(signedIn.headers.get("Location")!);
  if (pauseBeforeCallbackMs) await new Promise((r) => setTimeout(r, pauseBeforeCallbackMs));
  return call(`${back.pathname}${back.search}`, { headers: { Cookie: flow } });
}

async function session(p: Person): Promise<{ cookie: string; csrf: string }> {
  const res = await consoleSignIn(p);
  expect(res.status).toBe(303);
  const cookie = cookieFrom(res, SESSION)!;
  const html = await (await call("/admin/groups", { headers: { Cookie: cookie } })).text();
  return { cookie, csrf: /name="csrf" value="([^"]+)"/.exec(html)![1]! };
}

describe("the console's sign-in", () => {
  it("sends a person without a session to the org server's code flow with PKCE S256, state and nonce", async () => {
    expect((await call("/admin")).headers.get("Location")).toBe("/admin/signin");
    const res = await call("/admin/signin");
    expect(res.status).toBe(302);
    const url = new URL(res.headers.get("Location")!, "http://mintgate.test");
    expect(url.pathname).toBe("/oauth2/v1/authorize");
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      client_id: "mintgate-admin-console",
      response_type: "code",
      redirect_uri: "http://mintgate.test/admin/callback",
      code_challenge_method: "S256",
    });
    for (const p of ["state", "nonce", "code_challenge"]) expect(url.searchParams.get(p)).toMatch(/^[A-Za-z0-9_-]{32,}$/);
    expect(setCookieOf(res, FLOW)).toMatch(/^__Host-mg_console_flow=[^;]+; Path=\/; Secure; HttpOnly; SameSite=Strict; Max-Age=600$/);
  });

  it("starts a __Host- HttpOnly SameSite=Strict session for a SUPER_ADMIN", async () => {
    const res = await consoleSignIn(await superAdmin());
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/admin");
    expect(setCookieOf(res, SESSION)).toMatch(/^__Host-mg_console=[^;]+; Path=\/; Secure; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
  });

  it("loses no System Log event to its in-process token request: the sign-in's tokens and the next admin write are logged", async () => {
    // The callback redeems the code at /oauth2/v1/token through the Worker's own fetch. Without the request's
    // ExecutionContext there, the log's shared buffer was opened and never sent, and later events joined it. The
    // pause lets the sign-in's own events leave first (log/emit.ts COALESCE_MS, 500), so the token request opens a
    // buffer.
    const p = await superAdmin();
    expect((await consoleSignIn(p, 650)).status).toBe(303);
    const group = await admin("/groups", { method: "POST", json: { profile: { name: `after console sign-in ${p.id}` } } });
    expect(group.status).toBe(200);
    const groupId = ((await group.json()) as { id: string }).id;
    await waitForEvents((e) => e.eventType === "app.oauth2.token.grant.access_token" && JSON.stringify(e).includes(p.id));
    await waitForEvents((e) => e.eventType === "group.lifecycle.create" && e.target?.some((t) => t.id === groupId));
  });

  it("refuses a person without an administrator role, with a page that says so and no session", async () => {
    const p = await createPerson();
    const res = await consoleSignIn(p);
    expect(res.status).toBe(403);
    const html = await res.text();
    expect(html).toContain(`You signed in as <strong>${p.login}</strong>, but this account is not an administrator.`);
    expect(setCookieOf(res, SESSION)).toBeUndefined();
  });

  it("grants the console app every okta.* scope again when one is missing, so sign-in keeps working", async () => {
    await call("/admin/signin");
    const grants = (await (await admin("/apps/0oamintgateconsole00/grants")).json()) as Array<{ id: string; scopeId: string }>;
    const logs = grants.find((g) => g.scopeId === "okta.logs.read")!;
    expect((await admin(`/apps/0oamintgateconsole00/grants/${logs.id}`, { method: "DELETE" })).status).toBe(204);
    await call("/admin/signin");
    const after = (await (await admin("/apps/0oamintgateconsole00/grants")).json()) as Array<{ scopeId: string }>;
    expect(after.map((g) => g.scopeId).sort()).toEqual(grants.map((g) => g.scopeId).sort());
    expect((await consoleSignIn(await superAdmin())).status).toBe(303);
  });

  it("refuses a callback whose state is not this browser's", async () => {
    const res = await call("/admin/callback?code=x&state=y");
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("Sign-in expired");
  });
});

describe("the console's forms", () => {
  it("sends the sign-in page's strict CSP on every page", async () => {
    const { cookie } = await session(await superAdmin());
    const res = await call("/admin/authorization-servers", { headers: { Cookie: cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Security-Policy")).toBe(
      "default-src 'none'; style-src 'unsafe-inline'; script-src 'none'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    );
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect(res.headers.get("X-Frame-Options")).toBe("DENY");
  });

  it.each([
    ["no session", false, false],
    ["no CSRF token", true, false],
  ])("refuses a POST with %s, and changes nothing", async (_, withSession, withCsrf) => {
    const { cookie, csrf } = await session(await superAdmin());
    const name = `csrf-${crypto.randomUUID()}`;
    const res = await postForm("/admin/groups", { name, ...(withCsrf ? { csrf } : {}) }, withSession ? [cookie] : []);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("The form did not carry this session&#39;s security token");
    expect(await (await admin(`/groups?q=${name}`)).json()).toEqual([]);
  });

  it("refuses a CSRF token of another session", async () => {
    const a = await session(await superAdmin());
    const b = await session(await superAdmin());
    const res = await postForm("/admin/groups", { name: "x", csrf: b.csrf }, [a.cookie]);
    expect(res.status).toBe(403);
  });

  it("makes the change through the admin API with the session's token, and shows the API's errors next to the field", async () => {
    const { cookie, csrf } = await session(await superAdmin());
    const name = `g-${crypto.randomUUID()}`;
    const ok = await postForm("/admin/groups", { name, csrf }, [cookie]);
    expect(ok.status).toBe(303);
    const [group] = (await (await admin(`/groups?q=${name}`)).json()) as Array<{ id: string }>;
    expect(ok.headers.get("Location")).toBe(`/admin/groups/${group!.id}?notice=created`);

    const bad = await call("/admin/authorization-servers/new", {
      method: "POST",
      headers: { Cookie: cookie, "Content-Type": FORM },
      body: new URLSearchParams({ csrf, name: "", audience: "api://x" }).toString(),
    });
    expect(bad.status).toBe(400);
    const html = await bad.text();
    expect(html).toContain('aria-invalid="true" aria-describedby="name-error"');
    expect(html).toContain('<div id="name-error"><p class="field-error">The field cannot be left blank</p></div>');
  });
});
