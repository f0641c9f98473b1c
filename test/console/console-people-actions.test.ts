import { beforeAll, describe, expect, it } from "vitest";
import { admin } from "../support/admin";
import {
  appFor,
  authorize,
  codeParams,
  createPerson,
  expectRedirectError,
  formPage,
  LOGIN_REQUIRED,
  peopleServer,
  refresh,
  submitSignIn,
  tokensFor,
  type PeopleServer,
  type Person,
} from "../support/people";
import { consoleSession, page, post, type ConsoleSession } from "./console-session";

/** The person page's Unlock and Reset sessions actions: CSRF-protected forms that call the admin API in-process. */
let ps: PeopleServer;
let s: ConsoleSession;

beforeAll(async () => {
  ps = await peopleServer();
  s = await consoleSession();
});

const statusOf = async (id: string) => ((await (await admin(`/users/${id}`)).json()) as { status: string }).status;

/** Ten wrong passwords on the hosted sign-in page: Okta's default password policy locks the person out. */
async function lockedOut(): Promise<Person> {
  const person = await createPerson();
  const client = await appFor(person);
  const signIn = await formPage(await authorize(ps.id, codeParams(client)));
  for (let i = 0; i < 10; i++) await submitSignIn(signIn, person.login, "Wrong-password-1");
  expect(await statusOf(person.id)).toBe("LOCKED_OUT");
  return person;
}

const unlockForm = (id: string) => `<form class="inline" method="post" action="/admin/people/${id}/lifecycle/unlock">`;

describe("the console's Unlock action", () => {
  it("is offered for a LOCKED_OUT person only, and makes them ACTIVE through the admin API", async () => {
    const locked = await lockedOut();
    const html = await (await page(s, `/admin/people/${locked.id}`)).text();
    expect(html).toContain(unlockForm(locked.id));
    expect(html).toContain(`<span class="status-LOCKED_OUT">LOCKED_OUT</span>`);

    const res = await post(s, `/admin/people/${locked.id}/lifecycle/unlock`);
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe(`/admin/people/${locked.id}?notice=unlocked`);
    expect(await statusOf(locked.id)).toBe("ACTIVE");
    const after = await (await page(s, res.headers.get("Location")!)).text();
    expect(after).toContain(`<p class="notice" role="status">Unlocked: the person can sign in again.</p>`);
    expect(after).not.toContain(unlockForm(locked.id));
  });

  it("shows the admin API's 403 E0000032 for a person who is not locked out, and changes nothing", async () => {
    const active = await createPerson();
    expect(await (await page(s, `/admin/people/${active.id}`)).text()).not.toContain(unlockForm(active.id));
    const res = await post(s, `/admin/people/${active.id}/lifecycle/unlock`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain(`<div class="error" role="alert"><p style="margin:0">Unlock is not allowed for this user. <span class="muted">(E0000032)</span></p>`);
    expect(await statusOf(active.id)).toBe("ACTIVE");
  });

  it("refuses the form without this session's CSRF token, leaving the person locked out", async () => {
    const locked = await lockedOut();
    const res = await post(s, `/admin/people/${locked.id}/lifecycle/unlock`, {}, false);
    expect(res.status).toBe(403);
    expect(await statusOf(locked.id)).toBe("LOCKED_OUT");
  });
});

describe("the console's Reset sessions action", () => {
  const expectSignedOut = (c: Awaited<ReturnType<typeof appFor>>, sid: string) => {
    const params = codeParams(c, { prompt: "none" });
    return authorize(ps.id, params, { cookies: [sid] }).then((res) => expectRedirectError(res, "login_required", LOGIN_REQUIRED, { state: params.state }));
  };

  it("is a form with a labelled 'also revoke OAuth tokens' checkbox on every person's page", async () => {
    const p = await createPerson();
    const html = await (await page(s, `/admin/people/${p.id}`)).text();
    expect(html).toContain(`<form method="post" action="/admin/people/${p.id}/sessions/reset">`);
    expect(html).toContain(`<input type="checkbox" id="oauthTokens" name="oauthTokens" value="true"/><label for="oauthTokens">Also revoke their OAuth tokens (access and refresh tokens)</label>`);
  });

  it("ends the person's sessions and keeps their tokens when the box is not checked", async () => {
    const p = await createPerson();
    const c = await appFor(p);
    const t = await tokensFor(ps.id, c, p);
    const res = await post(s, `/admin/people/${p.id}/sessions/reset`);
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe(`/admin/people/${p.id}?notice=sessions-reset`);
    await expectSignedOut(c, t.sid);
    expect((await refresh(ps.id, c, t.refresh_token as string)).status).toBe(200);
  });

  it("also revokes their OAuth tokens when the box is checked", async () => {
    const p = await createPerson();
    const c = await appFor(p);
    const t = await tokensFor(ps.id, c, p);
    const res = await post(s, `/admin/people/${p.id}/sessions/reset`, { oauthTokens: "true" });
    expect(res.headers.get("Location")).toBe(`/admin/people/${p.id}?notice=sessions-tokens-reset`);
    await expectSignedOut(c, t.sid);
    expect((await refresh(ps.id, c, t.refresh_token as string)).status).toBe(400);
    const html = await (await page(s, res.headers.get("Location")!)).text();
    expect(html).toContain(`<p class="notice" role="status">Their sessions were ended and their OAuth tokens revoked.</p>`);
  });

  it("refuses the form without this session's CSRF token", async () => {
    const p = await createPerson();
    const c = await appFor(p);
    const t = await tokensFor(ps.id, c, p);
    expect((await post(s, `/admin/people/${p.id}/sessions/reset`, {}, false)).status).toBe(403);
    expect((await refresh(ps.id, c, t.refresh_token as string)).status).toBe(200);
  });
});
