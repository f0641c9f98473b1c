import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { admin } from "../support/admin";
import { advanceTime, freezeTime } from "../support/clock";
import { asBasic, oauthPost, type Client } from "../support/clients";
import { waitForEvents } from "../support/log";
import { deviceSetup, signInToActivate, startDevice } from "../support/devices";
import { appFor, authorize, codeParams, createPerson, formPage, peopleServer, submitSignIn, type PeopleServer } from "../support/people";

// Issue 13: lockout and unlock reach the System Log from every place a password is checked: the automatic unlock
// (Okta: user.account.unlock), and a lock caused by the password grant (user.account.lock).

const POLICY = "/policies/00pdefaultpassword01";
let server: PeopleServer;
let original: Record<string, any>;

beforeAll(async () => {
  server = await peopleServer({ rule: { grantTypes: ["authorization_code", "password"] } });
  original = (await (await admin(POLICY)).json()) as Record<string, any>;
});

afterEach(async () => {
  const res = await admin(POLICY, { method: "PUT", json: { type: "PASSWORD", name: original.name, description: original.description, settings: original.settings } });
  expect(res.status).toBe(200);
});

async function setLockout(lockout: Record<string, unknown>): Promise<void> {
  const settings = structuredClone(original.settings);
  settings.password.lockout = { ...settings.password.lockout, ...lockout };
  expect((await admin(POLICY, { method: "PUT", json: { type: "PASSWORD", name: original.name, settings } })).status).toBe(200);
}

describe("the System Log's account events", () => {
  it("records user.account.unlock, by the system, when a sign-in finds the lock older than autoUnlockMinutes", async () => {
    const person = await createPerson();
    await setLockout({ maxAttempts: 1, autoUnlockMinutes: 5 });
    freezeTime();
    const page = await formPage(await authorize(server.id, codeParams(await appFor(person))));
    expect((await submitSignIn(page, person.login, "Wrong-password-1")).status).toBe(401);
    await waitForEvents((e) => e.eventType === "user.account.lock" && e.actor.id === person.id);
    advanceTime(5 * 60_000);
    const res = await submitSignIn(page, person.login, person.password);
    expect(res.status).toBe(302);
    const [unlock] = await waitForEvents((e) => e.eventType === "user.account.unlock" && e.target[0]?.id === person.id);
    expect(unlock).toMatchObject({
      displayMessage: "Unlock user account",
      actor: { id: "system", type: "SystemPrincipal" },
      outcome: { result: "SUCCESS" },
      target: [{ id: person.id, type: "User", alternateId: person.login }],
      transaction: { id: res.headers.get("X-Okta-Request-Id") },
      debugContext: { debugData: { unlockType: "AUTOMATIC" } },
    });
    await waitForEvents((e) => e.eventType === "user.session.start" && e.actor.id === person.id && e.outcome.result === "SUCCESS");
  });

  it("records user.account.lock when the password grant's failed attempt reaches maxAttempts", async () => {
    const person = await createPerson();
    const client: Client = await appFor(person, { grant_types: ["authorization_code", "password"] });
    await setLockout({ maxAttempts: 2 });
    for (let i = 0; i < 2; i++) {
      const res = await oauthPost(server.id, "token", { grant_type: "password", username: person.login, password: "Wrong-password-1", scope: "openid" }, asBasic(client));
      expect(res.status).toBe(400);
    }
    const [lock] = await waitForEvents((e) => e.eventType === "user.account.lock" && e.actor.id === person.id);
    expect(lock).toMatchObject({ severity: "WARN", target: [{ id: person.id, type: "User" }], debugContext: { debugData: { requestUri: `/oauth2/${server.id}/v1/token` } } });
  });
});

describe("the System Log's device activation sign-in", () => {
  it("records user.session.start for the person who signs in on /activate", async () => {
    const s = await deviceSetup();
    const d = await startDevice(s.serverId, s.client);
    expect((await signInToActivate(d.user_code, s.person)).sid).toBeTruthy();
    const [e] = await waitForEvents((e) => e.eventType === "user.session.start" && e.actor.id === s.person.id);
    expect(e).toMatchObject({ outcome: { result: "SUCCESS" }, authenticationContext: { credentialType: "PASSWORD" }, debugContext: { debugData: { requestUri: "/activate/signin" } } });
  });
});

describe("the System Log's session events", () => {
  it("records user.session.clear when an admin clears a person's sessions (user.session.end is the person signing out)", async () => {
    const person = await createPerson();
    const res = await admin(`/users/${person.id}/sessions`, { method: "DELETE" });
    expect(res.status).toBe(204);
    const [e] = await waitForEvents((e) => e.eventType === "user.session.clear" && e.transaction.id === res.headers.get("X-Okta-Request-Id"));
    expect(e).toMatchObject({ displayMessage: "Clear user session", outcome: { result: "SUCCESS" }, target: [{ id: person.id, type: "User" }] });
  });
});
