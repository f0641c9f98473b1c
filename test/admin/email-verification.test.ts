import { describe, expect, it } from "vitest";
import { admin } from "../support/admin";
import { appFor, createPerson, peopleServer, tokensFor, userinfo } from "../support/people";

/** Security finding 9: email_verified says what is stored about the primary email, never a hard-coded true. */

const emailClaims = async (person: Awaited<ReturnType<typeof createPerson>>) => {
  const server = await peopleServer();
  const client = await appFor(person);
  const tokens = await tokensFor(server.id, client, person, { extra: { scope: "openid email" } });
  return (await (await userinfo(server.id, tokens.access_token)).json()) as Record<string, unknown>;
};

describe("the primary email's verification", () => {
  it("is UNVERIFIED for a new user, and email_verified is false", async () => {
    const person = await createPerson();
    expect(person.user.credentials.emails).toEqual([{ value: person.login, status: "UNVERIFIED", type: "PRIMARY" }]);
    expect(await emailClaims(person)).toMatchObject({ email: person.login, email_verified: false });
  });

  it("is what an admin stored in credentials.emails, and email_verified follows it", async () => {
    const person = await createPerson();
    const res = await admin(`/users/${person.id}`, { method: "POST", json: { credentials: { emails: [{ type: "PRIMARY", status: "VERIFIED" }] } } });
    expect(((await res.json()) as Record<string, any>).credentials.emails).toEqual([{ value: person.login, status: "VERIFIED", type: "PRIMARY" }]);
    expect(await emailClaims(person)).toMatchObject({ email_verified: true });
  });

  it("becomes UNVERIFIED again when the email changes", async () => {
    const person = await createPerson();
    await admin(`/users/${person.id}`, { method: "POST", json: { credentials: { emails: [{ type: "PRIMARY", status: "VERIFIED" }] } } });
    const res = await admin(`/users/${person.id}`, { method: "POST", json: { profile: { email: `new-${person.login}` } } });
    expect(((await res.json()) as Record<string, any>).credentials.emails).toEqual([{ value: `new-${person.login}`, status: "UNVERIFIED", type: "PRIMARY" }]);
  });
});
