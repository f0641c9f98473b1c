import { describe, expect, it } from "vitest";
import { admin, createServer } from "../support/admin";
import { expectOktaError } from "../support/fixtures";
import { ISO_MS, rulesPath, send, ruleBody, createPolicy, createRule, getJson, ruleLinks, EVERYONE, DEFAULT_TOKEN, DEFAULT_RULE_CONDITIONS } from "./policy-fixtures";

describe("rules: create, read, replace, delete", () => {
  it("creates a rule with Okta's defaults: any user, 60-minute access tokens, unlimited refresh, 7-day window", async () => {
    const server = await createServer();
    const policy = await createPolicy(server.id);
    const res = await send("POST", rulesPath(server.id, policy.id), ruleBody({ system: true }));
    expect(res.status).toBe(201);
    const rule = (await res.json()) as Record<string, any>;
    expect(rule.id).toMatch(/^0pr[0-9A-Za-z]{17}$/);
    expect(rule).toEqual({
      type: "RESOURCE_ACCESS",
      id: rule.id,
      status: "ACTIVE",
      name: "Rule",
      priority: 1,
      created: expect.stringMatching(ISO_MS),
      lastUpdated: rule.created,
      system: false,
      conditions: { people: EVERYONE, grantTypes: { include: ["client_credentials"] }, scopes: { include: ["*"] } },
      actions: { token: DEFAULT_TOKEN },
      _links: ruleLinks(server.id, policy.id, rule.id, "ACTIVE"),
    });
    expect(await getJson(`${rulesPath(server.id, policy.id)}/${rule.id}`)).toEqual(rule);
    expect(await getJson(rulesPath(server.id, policy.id))).toEqual([rule]);
  });

  it("creates Okta's example rule with its inline hook and lifetimes", async () => {
    const server = await createServer();
    const policy = await createPolicy(server.id);
    const rule = await createRule(server.id, policy.id, {
      name: "Default Policy Rule",
      priority: 1,
      status: "INACTIVE",
      conditions: {
        people: { groups: { include: ["EVERYONE"] } },
        grantTypes: { include: ["implicit", "client_credentials", "authorization_code", "password"] },
        scopes: { include: ["*"] },
      },
      actions: { token: { accessTokenLifetimeMinutes: 60, refreshTokenLifetimeMinutes: 0, refreshTokenWindowMinutes: 10080, inlineHook: { id: "cal4egvp1mbMldrYN0g7" } } },
    });
    expect(rule).toMatchObject({
      status: "INACTIVE",
      conditions: DEFAULT_RULE_CONDITIONS,
      actions: { token: { ...DEFAULT_TOKEN, inlineHook: { id: "cal4egvp1mbMldrYN0g7" } } },
      _links: ruleLinks(server.id, policy.id, rule.id, "INACTIVE"),
    });
  });

  it("treats a people condition that names only users as those users and no group", async () => {
    const server = await createServer();
    const policy = await createPolicy(server.id);
    const rule = await createRule(server.id, policy.id, {
      conditions: { people: { users: { include: ["00uAlice"], exclude: [] } }, grantTypes: { include: ["password"] }, scopes: { include: ["openid"] } },
    });
    expect(rule.conditions.people).toEqual({ users: { include: ["00uAlice"], exclude: [] }, groups: { include: [], exclude: [] } });
  });

  it("keeps group exclusions next to EVERYONE", async () => {
    const server = await createServer();
    const policy = await createPolicy(server.id);
    const rule = await createRule(server.id, policy.id, {
      conditions: {
        people: { users: { exclude: ["00uMallory"] }, groups: { include: ["EVERYONE"], exclude: ["00gContractors"] } },
        grantTypes: { include: ["authorization_code"] },
        scopes: { include: ["openid"] },
      },
    });
    expect(rule.conditions.people).toEqual({ users: { include: [], exclude: ["00uMallory"] }, groups: { include: ["EVERYONE"], exclude: ["00gContractors"] } });
  });

  it("accepts every grant type in Okta's GrantType enum", async () => {
    const grantTypes = [
      "authorization_code", "client_credentials", "implicit", "interaction_code", "password", "refresh_token",
      "urn:ietf:params:oauth:grant-type:device_code", "urn:ietf:params:oauth:grant-type:jwt-bearer",
      "urn:ietf:params:oauth:grant-type:saml2-bearer", "urn:ietf:params:oauth:grant-type:token-exchange",
      "urn:openid:params:grant-type:ciba", "urn:okta:params:oauth:grant-type:otp", "urn:okta:params:oauth:grant-type:oob",
      "http://auth0.com/oauth/grant-type/mfa-otp", "http://auth0.com/oauth/grant-type/mfa-oob",
    ];
    const server = await createServer();
    const policy = await createPolicy(server.id);
    const rule = await createRule(server.id, policy.id, { conditions: { grantTypes: { include: grantTypes }, scopes: { include: ["*"] } } });
    expect(rule.conditions.grantTypes.include).toEqual(grantTypes);
  });

  it("accepts system scopes and the server's own custom scopes by name", async () => {
    const server = await createServer();
    expect((await send("POST", `/authorizationServers/${server.id}/scopes`, { name: "orders:read" })).status).toBe(201);
    const policy = await createPolicy(server.id);
    const rule = await createRule(server.id, policy.id, {
      conditions: { grantTypes: { include: ["authorization_code"] }, scopes: { include: ["openid", "offline_access", "orders:read"] } },
    });
    expect(rule.conditions.scopes.include).toEqual(["openid", "offline_access", "orders:read"]);
  });

  it("replaces a rule wholesale, keeping priority and status when left out", async () => {
    const server = await createServer();
    const policy = await createPolicy(server.id);
    await createRule(server.id, policy.id, { name: "First" });
    const rule = await createRule(server.id, policy.id, {
      name: "Second",
      status: "INACTIVE",
      actions: { token: { accessTokenLifetimeMinutes: 15, refreshTokenLifetimeMinutes: 0, refreshTokenWindowMinutes: 60 } },
    });
    const res = await send("PUT", `${rulesPath(server.id, policy.id)}/${rule.id}`, {
      type: "RESOURCE_ACCESS",
      name: "Renamed",
      conditions: { people: { groups: { include: ["00gAdmins"] } }, grantTypes: { include: ["password", "refresh_token"] }, scopes: { include: ["openid"] } },
      actions: { token: { accessTokenLifetimeMinutes: 5, refreshTokenLifetimeMinutes: 120, refreshTokenWindowMinutes: 60 } },
    });
    expect(res.status).toBe(200);
    const updated = {
      ...rule,
      name: "Renamed",
      conditions: {
        people: { users: { include: [], exclude: [] }, groups: { include: ["00gAdmins"], exclude: [] } },
        grantTypes: { include: ["password", "refresh_token"] },
        scopes: { include: ["openid"] },
      },
      actions: { token: { accessTokenLifetimeMinutes: 5, refreshTokenLifetimeMinutes: 120, refreshTokenWindowMinutes: 60 } },
      lastUpdated: expect.stringMatching(ISO_MS),
    };
    expect(await res.json()).toEqual(updated);
    expect(updated).toMatchObject({ priority: 2, status: "INACTIVE" });
    expect(await getJson(`${rulesPath(server.id, policy.id)}/${rule.id}`)).toEqual(updated);
  });

  it("resets actions to Okta's defaults when a replacement leaves them out", async () => {
    const server = await createServer();
    const policy = await createPolicy(server.id);
    const rule = await createRule(server.id, policy.id, { actions: { token: { accessTokenLifetimeMinutes: 15, refreshTokenWindowMinutes: 60 } } });
    expect(rule.actions.token).toEqual({ accessTokenLifetimeMinutes: 15, refreshTokenLifetimeMinutes: 0, refreshTokenWindowMinutes: 60 });
    const res = await send("PUT", `${rulesPath(server.id, policy.id)}/${rule.id}`, ruleBody());
    expect(((await res.json()) as any).actions).toEqual({ token: DEFAULT_TOKEN });
  });

  it("deletes a rule", async () => {
    const server = await createServer();
    const policy = await createPolicy(server.id);
    const rule = await createRule(server.id, policy.id);
    const res = await send("DELETE", `${rulesPath(server.id, policy.id)}/${rule.id}`);
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    await expectOktaError(await admin(`${rulesPath(server.id, policy.id)}/${rule.id}`), 404, "E0000007", `Not found: Resource not found: ${rule.id} (PolicyRule)`);
    expect(await getJson(rulesPath(server.id, policy.id))).toEqual([]);
  });
});

describe("rules: lifecycle", () => {
  it("deactivates and activates a rule with 204 and links that follow the status", async () => {
    const server = await createServer();
    const policy = await createPolicy(server.id);
    const rule = await createRule(server.id, policy.id);
    const path = `${rulesPath(server.id, policy.id)}/${rule.id}`;
    const off = await send("POST", `${path}/lifecycle/deactivate`);
    expect(off.status).toBe(204);
    expect(await off.text()).toBe("");
    expect(await getJson(path)).toMatchObject({ status: "INACTIVE", _links: ruleLinks(server.id, policy.id, rule.id, "INACTIVE") });
    expect((await send("POST", `${path}/lifecycle/activate`)).status).toBe(204);
    expect(await getJson(path)).toMatchObject({ status: "ACTIVE", _links: ruleLinks(server.id, policy.id, rule.id, "ACTIVE") });
  });

  it.each([["activate"], ["deactivate"]])("answers 404 when asked to %s an unknown rule", async (op) => {
    const server = await createServer();
    const policy = await createPolicy(server.id);
    await expectOktaError(
      await send("POST", `${rulesPath(server.id, policy.id)}/0prNoSuchRule0000001/lifecycle/${op}`),
      404,
      "E0000007",
      "Not found: Resource not found: 0prNoSuchRule0000001 (PolicyRule)",
    );
  });
});

describe("rules: not found", () => {
  it.each([
    ["GET", ""],
    ["POST", ""],
    ["GET", "/0prX"],
    ["PUT", "/0prX"],
    ["DELETE", "/0prX"],
  ])("answers %s rules%s of an unknown policy with 404 E0000007", async (method, suffix) => {
    const server = await createServer();
    const body = method === "GET" || method === "DELETE" ? undefined : ruleBody();
    await expectOktaError(
      await send(method, `${rulesPath(server.id, "00pNoSuchPolicy00001")}${suffix}`, body),
      404,
      "E0000007",
      "Not found: Resource not found: 00pNoSuchPolicy00001 (Policy)",
    );
  });

  it.each([["GET"], ["PUT"], ["DELETE"]])("answers %s of an unknown rule with 404 E0000007", async (method) => {
    const server = await createServer();
    const policy = await createPolicy(server.id);
    await expectOktaError(
      await send(method, `${rulesPath(server.id, policy.id)}/0prNoSuchRule0000001`, method === "PUT" ? ruleBody() : undefined),
      404,
      "E0000007",
      "Not found: Resource not found: 0prNoSuchRule0000001 (PolicyRule)",
    );
  });

  it("does not reach a rule through another policy's path", async () => {
    const server = await createServer();
    const [p1, p2] = [await createPolicy(server.id, { name: "P1" }), await createPolicy(server.id, { name: "P2" })];
    const rule = await createRule(server.id, p1.id);
    const gone = ["E0000007", `Not found: Resource not found: ${rule.id} (PolicyRule)`] as const;
    await expectOktaError(await admin(`${rulesPath(server.id, p2.id)}/${rule.id}`), 404, ...gone);
    await expectOktaError(await send("PUT", `${rulesPath(server.id, p2.id)}/${rule.id}`, ruleBody()), 404, ...gone);
    await expectOktaError(await send("DELETE", `${rulesPath(server.id, p2.id)}/${rule.id}`), 404, ...gone);
    await expectOktaError(await send("POST", `${rulesPath(server.id, p2.id)}/${rule.id}/lifecycle/deactivate`), 404, ...gone);
    expect(await getJson(`${rulesPath(server.id, p1.id)}/${rule.id}`)).toEqual(rule);
  });
});
