import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { admin } from "../support/admin";
import { advanceTime, freezeTime } from "../support/clock";
import { expectOktaError } from "../support/fixtures";
import {
  appFor,
  authorize,
  codeParams,
  createPerson,
  formPage,
  peopleServer,
  SIGN_IN_FAILED,
  submitSignIn,
  type FormPage,
  type Person,
  type PeopleServer,
} from "../support/people";

/** Okta's password policy lockout on the hosted sign-in page, managed through /api/v1/policies and /users. */

const POLICY = "/policies/00pdefaultpassword01";
const LOCKED = "Your account is locked. Please contact your administrator.";
const errorOf = (html: string) => /<p class="error" role="alert" id="signin-error">([^<]*)<\/p>/.exec(html)?.[1] ?? null;

let server: PeopleServer;
let original: Record<string, any>;

beforeAll(async () => {
  server = await peopleServer();
  original = (await (await admin(POLICY)).json()) as Record<string, any>;
});

afterEach(async () => {
  const res = await admin(POLICY, { method: "PUT", json: { type: "PASSWORD", name: original.name, description: original.description, settings: original.settings } });
  expect(res.status).toBe(200);
});

async function setLockout(lockout: Record<string, unknown>): Promise<void> {
  const settings = structuredClone(original.settings);
  settings.password.lockout = { ...settings.password.lockout, ...lockout };
  const res = await admin(POLICY, { method: "PUT", json: { type: "PASSWORD", name: original.name, settings } });
  expect(res.status, await res.clone().text()).toBe(200);
}

async function signInPage(person: Person): Promise<FormPage> {
  const client = await appFor(person);
  return formPage(await authorize(server.id, codeParams(client)));
}

/** One attempt on the page; the status and the page's error message (null on success). */
async function attempt(page: FormPage, login: string, password: string): Promise<{ status: number; error: string | null }> {
  const res = await submitSignIn(page, login, password);
  return { status: res.status, error: res.status === 302 ? null : errorOf(await res.text()) };
}

const statusOf = async (id: string) => ((await (await admin(`/users/${id}`)).json()) as { status: string; _links: Record<string, unknown> });

describe("lockout after consecutive failed sign-ins (Okta password policy)", () => {
  it("locks after maxAttempts (10 by default) wrong passwords and refuses the right one with the generic message", async () => {
    const person = await createPerson();
    const page = await signInPage(person);
    for (let i = 0; i < 10; i++) expect(await attempt(page, person.login, "Wrong-password-1")).toEqual({ status: 401, error: SIGN_IN_FAILED });
    const user = await statusOf(person.id);
    expect(user.status).toBe("LOCKED_OUT");
    expect(user._links.unlock).toEqual({ href: `http://mintgate.test/api/v1/users/${person.id}/lifecycle/unlock`, method: "POST" });
    expect(user._links.suspend).toBeUndefined();
    expect(await attempt(page, person.login, person.password)).toEqual({ status: 401, error: SIGN_IN_FAILED });
  });

  it("is unlocked by POST /users/{id}/lifecycle/unlock, after which the right password signs in", async () => {
    const person = await createPerson();
    await setLockout({ maxAttempts: 2 });
    const page = await signInPage(person);
    await attempt(page, person.login, "Wrong-password-1");
    await attempt(page, person.login, "Wrong-password-1");
    expect((await statusOf(person.id)).status).toBe("LOCKED_OUT");
    const res = await admin(`/users/${person.id}/lifecycle/unlock`, { method: "POST" });
    expect({ status: res.status, body: await res.json() }).toEqual({ status: 200, body: {} });
    expect((await statusOf(person.id)).status).toBe("ACTIVE");
    expect(await attempt(page, person.login, person.password)).toEqual({ status: 302, error: null });
  });

  it("resets the counter on a successful sign-in", async () => {
    const person = await createPerson();
    await setLockout({ maxAttempts: 3 });
    const page = await signInPage(person);
    await attempt(page, person.login, "Wrong-password-1");
    await attempt(page, person.login, "Wrong-password-1");
    expect((await attempt(page, person.login, person.password)).status).toBe(302);
    await attempt(page, person.login, "Wrong-password-1");
    await attempt(page, person.login, "Wrong-password-1");
    expect((await statusOf(person.id)).status).toBe("ACTIVE");
    expect((await attempt(page, person.login, person.password)).status).toBe(302);
  });

  it("unlocks by time when autoUnlockMinutes is set", async () => {
    const person = await createPerson();
    await setLockout({ maxAttempts: 1, autoUnlockMinutes: 5 });
    freezeTime();
    const page = await signInPage(person);
    await attempt(page, person.login, "Wrong-password-1");
    expect((await statusOf(person.id)).status).toBe("LOCKED_OUT");
    advanceTime(4 * 60_000);
    expect(await attempt(page, person.login, person.password)).toEqual({ status: 401, error: SIGN_IN_FAILED });
    advanceTime(60_000);
    expect((await attempt(page, person.login, person.password)).status).toBe(302);
    expect((await statusOf(person.id)).status).toBe("ACTIVE");
  });

  it("says the account is locked only when showLockoutFailures is true", async () => {
    const person = await createPerson();
    await setLockout({ maxAttempts: 1, showLockoutFailures: true });
    const page = await signInPage(person);
    expect(await attempt(page, person.login, "Wrong-password-1")).toEqual({ status: 401, error: LOCKED });
    expect(await attempt(page, person.login, person.password)).toEqual({ status: 401, error: LOCKED });
  });

  it("counts parallel guesses in the same write that admits them: none slips under the limit", async () => {
    const person = await createPerson();
    await setLockout({ maxAttempts: 3 });
    const page = await signInPage(person);
    const results = await Promise.all(Array.from({ length: 8 }, () => attempt(page, person.login, "Wrong-password-1")));
    expect(results.every((r) => r.status === 401)).toBe(true);
    const row = await env.DB.prepare("SELECT failures FROM sign_in_failures WHERE user_id = ?1").bind(person.id).first<{ failures: number }>();
    expect(row?.failures).toBe(8);
    expect((await statusOf(person.id)).status).toBe("LOCKED_OUT");
    expect(await attempt(page, person.login, person.password)).toEqual({ status: 401, error: SIGN_IN_FAILED });
  });

  it("never locks when maxAttempts is 0", async () => {
    const person = await createPerson();
    await setLockout({ maxAttempts: 0 });
    const page = await signInPage(person);
    for (let i = 0; i < 12; i++) await attempt(page, person.login, "Wrong-password-1");
    expect((await statusOf(person.id)).status).toBe("ACTIVE");
    expect((await attempt(page, person.login, person.password)).status).toBe(302);
  });

  it("refuses to unlock a user who is not locked out (403 E0000032)", async () => {
    const person = await createPerson();
    await expectOktaError(await admin(`/users/${person.id}/lifecycle/unlock`, { method: "POST" }), 403, "E0000032", "Unlock is not allowed for this user.", [
      "The user is not locked out.",
    ]);
  });

  it("lets an admin deactivate a LOCKED_OUT user", async () => {
    const person = await createPerson();
    await setLockout({ maxAttempts: 1 });
    await attempt(await signInPage(person), person.login, "Wrong-password-1");
    expect((await admin(`/users/${person.id}/lifecycle/deactivate`, { method: "POST" })).status).toBe(200);
    expect((await statusOf(person.id)).status).toBe("DEPROVISIONED");
  });
});
