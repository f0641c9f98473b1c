import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { loadPolicyConfigs } from "../../src/store/policies";
import { createServer } from "../support/admin";
import { ISO_MS, DEFAULT_POLICY, DEFAULT_RULE, policiesPath, rulesPath, send, policyBody, createPolicy, createRule, getJson, policyLinks, ruleLinks, EVERYONE, DEFAULT_TOKEN, DEFAULT_RULE_CONDITIONS } from "./policy-fixtures";

describe("the default authorization server's shipped policy", () => {
  it("lists Okta's Default Policy with its full shape", async () => {
    const policies = await getJson(policiesPath("default"));
    expect(policies).toEqual([
      {
        type: "OAUTH_AUTHORIZATION_POLICY",
        id: DEFAULT_POLICY,
        status: "ACTIVE",
        name: "Default Policy",
        description: "Default policy description",
        priority: 1,
        system: false,
        conditions: { clients: { include: ["ALL_CLIENTS"] } },
        created: expect.stringMatching(ISO_MS),
        lastUpdated: expect.stringMatching(ISO_MS),
        _links: policyLinks("default", DEFAULT_POLICY, "ACTIVE"),
      },
    ]);
    expect(await getJson(`${policiesPath("default")}/${DEFAULT_POLICY}`)).toEqual(policies[0]);
  });

  it("lists Okta's Default Policy Rule with its full shape", async () => {
    const rules = await getJson(rulesPath("default", DEFAULT_POLICY));
    expect(rules).toEqual([
      {
        type: "RESOURCE_ACCESS",
        id: DEFAULT_RULE,
        status: "ACTIVE",
        name: "Default Policy Rule",
        priority: 1,
        created: expect.stringMatching(ISO_MS),
        lastUpdated: expect.stringMatching(ISO_MS),
        system: false,
        conditions: DEFAULT_RULE_CONDITIONS,
        actions: { token: DEFAULT_TOKEN },
        _links: ruleLinks("default", DEFAULT_POLICY, DEFAULT_RULE, "ACTIVE"),
      },
    ]);
    expect(await getJson(`${rulesPath("default", DEFAULT_POLICY)}/${DEFAULT_RULE}`)).toEqual(rules[0]);
  });

  it("lets an admin edit the Default Policy", async () => {
    const path = `${policiesPath("default")}/${DEFAULT_POLICY}`;
    const before = await getJson(path);
    const res = await send("PUT", path, policyBody({ name: "Default Policy", description: "Edited description" }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ...before, description: "Edited description", lastUpdated: expect.stringMatching(ISO_MS) });
    expect((await send("PUT", path, policyBody({ name: "Default Policy", description: "Default policy description" }))).status).toBe(200);
  });

  it("lets an admin edit the Default Policy Rule", async () => {
    const path = `${rulesPath("default", DEFAULT_POLICY)}/${DEFAULT_RULE}`;
    const before = await getJson(path);
    const edited = { type: "RESOURCE_ACCESS", name: "Default Policy Rule", conditions: DEFAULT_RULE_CONDITIONS };
    const res = await send("PUT", path, { ...edited, actions: { token: { ...DEFAULT_TOKEN, accessTokenLifetimeMinutes: 30 } } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      ...before,
      actions: { token: { ...DEFAULT_TOKEN, accessTokenLifetimeMinutes: 30 } },
      lastUpdated: expect.stringMatching(ISO_MS),
    });
    expect((await send("PUT", path, { ...edited, actions: { token: DEFAULT_TOKEN } })).status).toBe(200);
    expect(await getJson(path)).toEqual({ ...before, lastUpdated: expect.stringMatching(ISO_MS) });
  });

  it("gives a new authorization server no policy", async () => {
    const server = await createServer();
    expect(await getJson(policiesPath(server.id))).toEqual([]);
  });
});

describe("loadPolicyConfigs for the token endpoint", () => {
  it("returns the default server's shipped policy and rule", async () => {
    expect(await loadPolicyConfigs(env.DB, "default")).toEqual([
      {
        id: DEFAULT_POLICY,
        name: "Default Policy",
        priority: 1,
        status: "ACTIVE",
        clients: ["ALL_CLIENTS"],
        rules: [
          {
            id: DEFAULT_RULE,
            name: "Default Policy Rule",
            priority: 1,
            status: "ACTIVE",
            people: EVERYONE,
            grantTypes: ["implicit", "client_credentials", "authorization_code", "password"],
            scopes: ["*"],
            token: DEFAULT_TOKEN,
          },
        ],
      },
    ]);
  });

  it("returns every policy of the server in priority order, whatever its status, each with its rules in order", async () => {
    const [server, other] = await Promise.all([createServer(), createServer()]);
    await createPolicy(other.id, { name: "Elsewhere" });
    const p1 = await createPolicy(server.id, { name: "P1" });
    const p2 = await createPolicy(server.id, { name: "P2", status: "INACTIVE", conditions: { clients: { include: ["0oaClientA"] } } });
    const p3 = await createPolicy(server.id, { name: "P3", priority: 1 });
    const r1 = await createRule(server.id, p1.id, { name: "R1" });
    const r2 = await createRule(server.id, p1.id, {
      name: "R2",
      priority: 1,
      status: "INACTIVE",
      conditions: {
        people: { users: { include: ["00uAlice"] }, groups: { exclude: ["00gBanned"] } },
        grantTypes: { include: ["authorization_code", "refresh_token"] },
        scopes: { include: ["openid", "offline_access"] },
      },
      actions: { token: { accessTokenLifetimeMinutes: 15, refreshTokenLifetimeMinutes: 1440, refreshTokenWindowMinutes: 720, inlineHook: { id: "calHook" } } },
    });
    const r3 = await createRule(server.id, p2.id, { name: "R3" });

    const configs = await loadPolicyConfigs(env.DB, server.id);
    const rule = (id: string, name: string, priority: number) => ({
      id,
      name,
      priority,
      status: "ACTIVE",
      people: EVERYONE,
      grantTypes: ["client_credentials"],
      scopes: ["*"],
      token: DEFAULT_TOKEN,
    });
    expect(configs).toEqual([
      { id: p3.id, name: "P3", priority: 1, status: "ACTIVE", clients: ["ALL_CLIENTS"], rules: [] },
      {
        id: p1.id,
        name: "P1",
        priority: 2,
        status: "ACTIVE",
        clients: ["ALL_CLIENTS"],
        rules: [
          {
            id: r2.id,
            name: "R2",
            priority: 1,
            status: "INACTIVE",
            people: { users: { include: ["00uAlice"], exclude: [] }, groups: { include: [], exclude: ["00gBanned"] } },
            grantTypes: ["authorization_code", "refresh_token"],
            scopes: ["openid", "offline_access"],
            // The engine's model has no inline hook.
            token: { accessTokenLifetimeMinutes: 15, refreshTokenLifetimeMinutes: 1440, refreshTokenWindowMinutes: 720, inlineHookId: "calHook" },
          },
          rule(r1.id, "R1", 2),
        ],
      },
      { id: p2.id, name: "P2", priority: 3, status: "INACTIVE", clients: ["0oaClientA"], rules: [rule(r3.id, "R3", 1)] },
    ]);
  });

  it("returns nothing for a server without policies", async () => {
    const server = await createServer();
    expect(await loadPolicyConfigs(env.DB, server.id)).toEqual([]);
  });
});
