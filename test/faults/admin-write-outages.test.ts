import { afterAll, describe, expect, it } from "vitest";
import { admin, ADMIN_TOKEN, createServer } from "../support/admin";
import { appBody, createPolicy, createRule, ruleBody } from "../support/clients";
import { expectOktaOutage, failEachCall, forgetEverything, printCoverage, type FaultyRequest } from "../support/faults";
import { createGroup, createPerson } from "../support/people";

/**
 * Issue 10, section 1: admin writes during an outage. Each D1 query and Durable Object call a write makes fails
 * in turn; the answer is Okta's 500 E0000009 and nothing is half-written: the object is either absent (or
 * unchanged) or whole, readable through the API as a client would read it.
 */

afterAll(printCoverage);

const SSWS = { Authorization: `SSWS ${ADMIN_TOKEN}`, Accept: "application/json" };
const jsonRequest = (path: string, method: string, body: unknown): FaultyRequest => ({
  path: `/api/v1${path}`,
  init: { method, headers: { ...SSWS, "Content-Type": "application/json" }, body: JSON.stringify(body) },
});
const tag = () => crypto.randomUUID().slice(0, 8);

async function json(path: string): Promise<any> {
  const res = await admin(path);
  expect(res.status, path).toBe(200);
  return res.json();
}

/** A server is whole when it reads back with its system scopes and one ACTIVE signing key. */
async function expectWholeServer(id: string, what: string): Promise<void> {
  const scopes = (await json(`/authorizationServers/${id}/scopes`)) as Array<{ name: string }>;
  expect(scopes.map((s) => s.name), what).toEqual(expect.arrayContaining(["openid", "profile", "email", "offline_access"]));
  const keys = (await json(`/authorizationServers/${id}/credentials/keys`)) as Array<{ status: string }>;
  expect(keys.filter((k) => k.status === "ACTIVE"), what).toHaveLength(1);
}

describe("admin writes during an outage", () => {
  it("creating an authorization server leaves no server, or a whole one", { timeout: 120_000 }, async () => {
    await failEachCall({
      setup: async () => {
        const name = `Outage ${tag()}`;
        return { request: jsonRequest("/authorizationServers", "POST", { name, audiences: ["api://outage"] }), context: name };
      },
      ok: async (res) => expect(res.status).toBe(201),
      failed: async (res, what, name) => {
        await expectOktaOutage(res, what);
        const found = ((await json(`/authorizationServers?q=${encodeURIComponent(name)}`)) as Array<{ id: string; name: string }>).filter((s) => s.name === name);
        expect(found.length, what).toBeLessThanOrEqual(1);
        if (found[0]) await expectWholeServer(found[0].id, what);
      },
      forget: () => forgetEverything({}),
    });
  });

  it("replacing an authorization server leaves it as it was, or wholly replaced", { timeout: 120_000 }, async () => {
    await failEachCall({
      setup: async () => {
        const s = await createServer({ name: `Before ${tag()}`, description: "before" });
        const request = jsonRequest(`/authorizationServers/${s.id}`, "PUT", { name: `After ${tag()}`, description: "after", audiences: ["api://after"] });
        return { request, context: s };
      },
      ok: async (res) => expect(res.status).toBe(200),
      failed: async (res, what, s) => {
        await expectOktaOutage(res, what);
        const now = await json(`/authorizationServers/${s.id}`);
        const fields = { name: now.name, description: now.description, audiences: now.audiences };
        if (now.description === "before") expect(fields, what).toEqual({ name: s.name, description: "before", audiences: s.audiences });
        else expect(fields, what).toEqual({ name: expect.stringMatching(/^After /), description: "after", audiences: ["api://after"] });
        await expectWholeServer(s.id, what);
      },
      forget: () => forgetEverything({}),
    });
  });

  it("rotating keys by hand leaves exactly one ACTIVE key, published", { timeout: 120_000 }, async () => {
    await failEachCall({
      setup: async () => {
        const s = await createServer({ credentials: { signing: { rotationMode: "MANUAL" } } });
        return { request: jsonRequest(`/authorizationServers/${s.id}/credentials/lifecycle/keyRotate`, "POST", { use: "sig" }), context: s.id };
      },
      ok: async (res) => expect(res.status).toBe(200),
      failed: async (res, what, id) => {
        await expectOktaOutage(res, what);
        await expectWholeServer(id, what);
      },
      forget: () => forgetEverything({}),
    });
  });

  it("creating a policy rule leaves no rule, or a whole one", { timeout: 120_000 }, async () => {
    await failEachCall({
      setup: async () => {
        const s = await createServer();
        const policy = await createPolicy(s.id);
        const name = `Rule ${tag()}`;
        return { request: jsonRequest(`/authorizationServers/${s.id}/policies/${policy.id}/rules`, "POST", { ...ruleBody(), name }), context: { s, policy, name } };
      },
      ok: async (res) => expect(res.status).toBe(201),
      failed: async (res, what, { s, policy, name }) => {
        await expectOktaOutage(res, what);
        const rules = ((await json(`/authorizationServers/${s.id}/policies/${policy.id}/rules`)) as Array<{ id: string; name: string }>).filter((r) => r.name === name);
        expect(rules.length, what).toBeLessThanOrEqual(1);
        if (rules[0]) expect((await json(`/authorizationServers/${s.id}/policies/${policy.id}/rules/${rules[0].id}`)).name, what).toBe(name);
      },
      forget: () => forgetEverything({}),
    });
  });

  it("replacing a policy rule leaves it as it was, or wholly replaced", { timeout: 120_000 }, async () => {
    await failEachCall({
      setup: async () => {
        const s = await createServer();
        const policy = await createPolicy(s.id);
        const rule = await createRule(s.id, policy.id, { name: "before" });
        const replacement = { ...ruleBody({ name: "after" }), actions: { token: { accessTokenLifetimeMinutes: 15, refreshTokenLifetimeMinutes: 0, refreshTokenWindowMinutes: 10080 } } };
        return { request: jsonRequest(`/authorizationServers/${s.id}/policies/${policy.id}/rules/${rule.id}`, "PUT", replacement), context: { s, policy, rule } };
      },
      ok: async (res) => expect(res.status).toBe(200),
      failed: async (res, what, { s, policy, rule }) => {
        await expectOktaOutage(res, what);
        const now = await json(`/authorizationServers/${s.id}/policies/${policy.id}/rules/${rule.id}`);
        if (now.name === "before") expect(now.actions, what).toEqual(rule.actions);
        else expect({ name: now.name, minutes: now.actions.token.accessTokenLifetimeMinutes }, what).toEqual({ name: "after", minutes: 15 });
      },
      forget: () => forgetEverything({}),
    });
  });

  it("creating an app leaves no app, or a whole one whose secret was never shown", { timeout: 120_000 }, async () => {
    await failEachCall({
      setup: async () => {
        const label = `Outage app ${tag()}`;
        return { request: jsonRequest("/apps", "POST", { ...appBody(), label }), context: label };
      },
      ok: async (res) => expect(res.status).toBe(201),
      failed: async (res, what, label) => {
        await expectOktaOutage(res, what);
        const apps = ((await json(`/apps?q=${encodeURIComponent(label)}`)) as Array<{ id: string; label: string }>).filter((a) => a.label === label);
        expect(apps.length, what).toBeLessThanOrEqual(1);
        if (apps[0]) expect((await json(`/apps/${apps[0].id}`)).label, what).toBe(label);
      },
      forget: () => forgetEverything({}),
    });
  });

  it("creating a person leaves no person, or a whole one in Everyone", { timeout: 120_000 }, async () => {
    await failEachCall({
      setup: async () => {
        const login = `outage.${tag()}@example.com`;
        const body = { profile: { login, email: login, firstName: "Out", lastName: "Age" }, credentials: { password: { value: "Correct-Horse-Battery-9" } } };
        return { request: jsonRequest("/users?activate=true", "POST", body), context: login };
      },
      ok: async (res) => expect(res.status).toBe(200),
      failed: async (res, what, login) => {
        await expectOktaOutage(res, what);
        const found = await admin(`/users/${encodeURIComponent(login)}`);
        if (found.status === 404) return;
        expect(found.status, what).toBe(200);
        const user = (await found.json()) as { id: string };
        const groups = (await json(`/users/${user.id}/groups`)) as Array<{ profile: { name: string } }>;
        expect(groups.map((g) => g.profile.name), what).toContain("Everyone");
      },
      forget: () => forgetEverything({}),
    });
  });

  it("adding a group member leaves the membership absent, or present and listed", { timeout: 120_000 }, async () => {
    await failEachCall({
      setup: async () => {
        const group = await createGroup();
        const person = await createPerson();
        return { request: { path: `/api/v1/groups/${group.id}/users/${person.id}`, init: { method: "PUT", headers: SSWS } }, context: { group, person } };
      },
      ok: async (res) => expect(res.status).toBe(204),
      failed: async (res, what, { group, person }) => {
        await expectOktaOutage(res, what);
        const members = (await json(`/groups/${group.id}/users`)) as Array<{ id: string }>;
        expect(members.filter((m) => m.id === person.id).length, what).toBeLessThanOrEqual(1);
      },
      forget: () => forgetEverything({}),
    });
  });
});
