import { beforeAll, describe, expect, it } from "vitest";
import { admin } from "../support/admin";
import { waitForEvents } from "../support/log";
import { appFor, authorize, codeParams, createPerson, formPage, peopleServer, submitSignIn, type PeopleServer } from "../support/people";

// Issue 13: lockout and unlock reach the System Log (Okta: user.account.lock, user.account.unlock_by_admin).
let server: PeopleServer;

beforeAll(async () => {
  server = await peopleServer();
});

describe("the System Log's lockout events", () => {
  it("records user.account.lock when a failed sign-in reaches maxAttempts, and user.account.unlock_by_admin on unlock", async () => {
    const person = await createPerson();
    const page = await formPage(await authorize(server.id, codeParams(await appFor(person))));
    for (let i = 0; i < 10; i++) expect((await submitSignIn(page, person.login, "Wrong-password-1")).status).toBe(401);
    const [lock] = await waitForEvents((e) => e.eventType === "user.account.lock" && e.actor.id === person.id);
    expect(lock!).toMatchObject({
      severity: "WARN",
      displayMessage: "Max sign in attempts exceeded",
      outcome: { result: "SUCCESS" },
      target: [expect.objectContaining({ id: person.id, type: "User" })],
    });
    expect((await admin(`/users/${person.id}/lifecycle/unlock`, { method: "POST" })).status).toBe(200);
    const [unlock] = await waitForEvents((e) => e.eventType === "user.account.unlock_by_admin" && e.target.some((t) => t.id === person.id));
    expect(unlock!.outcome.result).toBe("SUCCESS");
  });
});
