import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { loadPolicyConfigs } from "../../src/store/policies";
import { admin, BASE, createServer } from "../support/admin";
import { expectOktaError, serverNotFound } from "../support/fixtures";
import { HEADERS_NOT_SET } from "./body-errors";

const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const POLICY_INVALID = "Api validation failed: AuthorizationServerPolicy";
const RULE_INVALID = "Api validation failed: AuthorizationServerPolicyRule";
const DEFAULT_POLICY = "00pdefaultpolicy0001";
const DEFAULT_RULE = "0prdefaultpolicyrule";

const policiesPath = (serverId: string) => `/authorizationServers/${serverId}/policies`;
const rulesPath = (serverId: string, policyId: string) => `${policiesPath(serverId)}/${policyId}/rules`;
const send = (method: string, path: string, json?: unknown) => admin(path, { method, ...(json === undefined ? {} : { json }) });

const policyBody = (over: Record<string, unknown> = {}) => ({
  type: "OAUTH_AUTHORIZATION_POLICY",
  name: "Vendor2 Policy",
  description: "Vendor2 policy description",
  conditions: { clients: { include: ["ALL_CLIENTS"] } },
  ...over,
});

const ruleBody = (over: Record<string, unknown> = {}) => ({
  type: "RESOURCE_ACCESS",
  name: "Rule",
  conditions: { grantTypes: { include: ["client_credentials"] }, scopes: { include: ["*"] } },
  ...over,
});

async function createPolicy(serverId: string, over: Record<string, unknown> = {}): Promise<Record<string, any>> {
  const res = await send("POST", policiesPath(serverId), policyBody(over));
  expect(res.status).toBe(201);
  return res.json();
}

async function createRule(serverId: string, policyId: string, over: Record<string, unknown> = {}): Promise<Record<string, any>> {
  const res = await send("POST", rulesPath(serverId, policyId), ruleBody(over));
  expect(res.status).toBe(201);
  return res.json();
}

async function getJson(path: string): Promise<any> {
  const res = await admin(path);
  expect(res.status).toBe(200);
  return res.json();
}

/** "name:priority" in list order, which must be priority order. */
async function order(path: string): Promise<string[]> {
  return ((await getJson(path)) as any[]).map((x) => `${x.name}:${x.priority}`);
}

function policyLinks(serverId: string, id: string, status: "ACTIVE" | "INACTIVE") {
  const self = `${BASE}/api/v1/authorizationServers/${serverId}/policies/${id}`;
  return {
    self: { href: self, hints: { allow: ["GET", "PUT", "DELETE"] } },
    ...(status === "ACTIVE"
      ? { deactivate: { href: `${self}/lifecycle/deactivate`, hints: { allow: ["POST"] } } }
      : { activate: { href: `${self}/lifecycle/activate`, hints: { allow: ["POST"] } } }),
    rules: { href: `${self}/rules`, hints: { allow: ["GET"] } },
  };
}

function ruleLinks(serverId: string, policyId: string, id: string, status: "ACTIVE" | "INACTIVE") {
  const self = `${BASE}/api/v1/authorizationServers/${serverId}/policies/${policyId}/rules/${id}`;
  return {
    self: { href: self, hints: { allow: ["GET", "PUT", "DELETE"] } },
    ...(status === "ACTIVE"
      ? { deactivate: { href: `${self}/lifecycle/deactivate`, hints: { allow: ["POST"] } } }
      : { activate: { href: `${self}/lifecycle/activate`, hints: { allow: ["POST"] } } }),
  };
}

const EVERYONE = { users: { include: [], exclude: [] }, groups: { include: ["EVERYONE"], exclude: [] } };
const DEFAULT_TOKEN = { accessTokenLifetimeMinutes: 60, refreshTokenLifetimeMinutes: 0, refreshTokenWindowMinutes: 10080 };
const DEFAULT_RULE_CONDITIONS = {
  people: EVERYONE,
  grantTypes: { include: ["implicit", "client_credentials", "authorization_code", "password"] },
  scopes: { include: ["*"] },
};

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

describe("policies: create, read, replace, delete", () => {
  it("creates a policy with Okta's shape, ACTIVE by default", async () => {
    const server = await createServer();
    const res = await send("POST", policiesPath(server.id), policyBody({ system: true, id: "00pIgnored" }));
    expect(res.status).toBe(201);
    const policy = (await res.json()) as Record<string, any>;
    expect(policy.id).toMatch(/^00p[0-9A-Za-z]{17}$/);
    expect(policy).toEqual({
      type: "OAUTH_AUTHORIZATION_POLICY",
      id: policy.id,
      status: "ACTIVE",
      name: "Vendor2 Policy",
      description: "Vendor2 policy description",
      priority: 1,
      // system and id are read-only: what the body says is ignored.
      system: false,
      conditions: { clients: { include: ["ALL_CLIENTS"] } },
      created: expect.stringMatching(ISO_MS),
      lastUpdated: policy.created,
      _links: policyLinks(server.id, policy.id, "ACTIVE"),
    });
    expect(await getJson(`${policiesPath(server.id)}/${policy.id}`)).toEqual(policy);
  });

  it("creates an INACTIVE policy when asked, offering the activate link", async () => {
    const server = await createServer();
    const policy = await createPolicy(server.id, { status: "INACTIVE" });
    expect(policy.status).toBe("INACTIVE");
    expect(policy._links).toEqual(policyLinks(server.id, policy.id, "INACTIVE"));
  });

  it("accepts a policy for named clients and without the optional type", async () => {
    const server = await createServer();
    const { type: _, ...body } = policyBody({ conditions: { clients: { include: ["0oaClientA", "0oaClientB", "0oaClientA"] } } });
    const res = await send("POST", policiesPath(server.id), body);
    expect(res.status).toBe(201);
    expect(((await res.json()) as any).conditions).toEqual({ clients: { include: ["0oaClientA", "0oaClientB"] } });
  });

  it("replaces a policy, keeping its priority and status when the body leaves them out", async () => {
    const server = await createServer();
    await createPolicy(server.id, { name: "First" });
    const policy = await createPolicy(server.id, { name: "Second", status: "INACTIVE" });
    const res = await send("PUT", `${policiesPath(server.id)}/${policy.id}`, {
      name: "Renamed",
      description: "New description",
      conditions: { clients: { include: ["0oaOnlyClient"] } },
    });
    expect(res.status).toBe(200);
    const updated = {
      ...policy,
      name: "Renamed",
      description: "New description",
      conditions: { clients: { include: ["0oaOnlyClient"] } },
      lastUpdated: expect.stringMatching(ISO_MS),
    };
    expect(await res.json()).toEqual(updated);
    expect(await getJson(`${policiesPath(server.id)}/${policy.id}`)).toEqual(updated);
  });

  it("changes the status when a replacement gives one", async () => {
    const server = await createServer();
    const policy = await createPolicy(server.id);
    const res = await send("PUT", `${policiesPath(server.id)}/${policy.id}`, policyBody({ status: "INACTIVE" }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, any>;
    expect(body.status).toBe("INACTIVE");
    expect(body._links).toEqual(policyLinks(server.id, policy.id, "INACTIVE"));
  });

  it("deletes a policy and its rules", async () => {
    const server = await createServer();
    const policy = await createPolicy(server.id);
    const rule = await createRule(server.id, policy.id);
    const res = await send("DELETE", `${policiesPath(server.id)}/${policy.id}`);
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    const gone = ["E0000007", `Not found: Resource not found: ${policy.id} (Policy)`] as const;
    await expectOktaError(await admin(`${policiesPath(server.id)}/${policy.id}`), 404, ...gone);
    await expectOktaError(await admin(`${rulesPath(server.id, policy.id)}/${rule.id}`), 404, ...gone);
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM policy_rules WHERE policy_id = ?1").bind(policy.id).first("n")).toBe(0);
  });
});

describe("policies: priority", () => {
  it("puts a policy without a priority last", async () => {
    const server = await createServer();
    for (const name of ["A", "B", "C"]) await createPolicy(server.id, { name });
    expect(await order(policiesPath(server.id))).toEqual(["A:1", "B:2", "C:3"]);
  });

  it("inserts a policy at the priority given and shifts the others down", async () => {
    const server = await createServer();
    for (const name of ["A", "B", "C"]) await createPolicy(server.id, { name });
    expect((await createPolicy(server.id, { name: "D", priority: 1 })).priority).toBe(1);
    expect((await createPolicy(server.id, { name: "E", priority: 3 })).priority).toBe(3);
    expect(await order(policiesPath(server.id))).toEqual(["D:1", "A:2", "E:3", "B:4", "C:5"]);
  });

  it("puts a policy whose priority is past the end last, with no gap", async () => {
    const server = await createServer();
    await createPolicy(server.id, { name: "A" });
    expect((await createPolicy(server.id, { name: "B", priority: 99 })).priority).toBe(2);
    expect(await order(policiesPath(server.id))).toEqual(["A:1", "B:2"]);
  });

  it("moves a policy down on replace and shifts the ones in between up", async () => {
    const server = await createServer();
    const created = [];
    for (const name of ["A", "B", "C", "D"]) created.push(await createPolicy(server.id, { name }));
    const res = await send("PUT", `${policiesPath(server.id)}/${created[0]!.id}`, policyBody({ name: "A", priority: 3 }));
    expect(((await res.json()) as any).priority).toBe(3);
    expect(await order(policiesPath(server.id))).toEqual(["B:1", "C:2", "A:3", "D:4"]);
  });

  it("moves a policy up on replace and shifts the ones in between down", async () => {
    const server = await createServer();
    const created = [];
    for (const name of ["A", "B", "C", "D"]) created.push(await createPolicy(server.id, { name }));
    const res = await send("PUT", `${policiesPath(server.id)}/${created[3]!.id}`, policyBody({ name: "D", priority: 2 }));
    expect(((await res.json()) as any).priority).toBe(2);
    expect(await order(policiesPath(server.id))).toEqual(["A:1", "D:2", "B:3", "C:4"]);
  });

  it("moves a policy to the end when the new priority is past it", async () => {
    const server = await createServer();
    const created = [];
    for (const name of ["A", "B", "C"]) created.push(await createPolicy(server.id, { name }));
    await send("PUT", `${policiesPath(server.id)}/${created[0]!.id}`, policyBody({ name: "A", priority: 50 }));
    expect(await order(policiesPath(server.id))).toEqual(["B:1", "C:2", "A:3"]);
  });

  it("closes the gap when a policy is deleted", async () => {
    const server = await createServer();
    const created = [];
    for (const name of ["A", "B", "C", "D"]) created.push(await createPolicy(server.id, { name }));
    expect((await send("DELETE", `${policiesPath(server.id)}/${created[1]!.id}`)).status).toBe(204);
    expect(await order(policiesPath(server.id))).toEqual(["A:1", "C:2", "D:3"]);
  });

  it("orders each server's policies on their own", async () => {
    const [one, two] = await Promise.all([createServer(), createServer()]);
    await createPolicy(one.id, { name: "A" });
    await createPolicy(two.id, { name: "X" });
    await createPolicy(one.id, { name: "B", priority: 1 });
    expect(await order(policiesPath(one.id))).toEqual(["B:1", "A:2"]);
    expect(await order(policiesPath(two.id))).toEqual(["X:1"]);
  });
});

describe("policies: lifecycle", () => {
  it("deactivates and activates a policy with 204 and links that follow the status", async () => {
    const server = await createServer();
    const policy = await createPolicy(server.id);
    const path = `${policiesPath(server.id)}/${policy.id}`;
    const off = await send("POST", `${path}/lifecycle/deactivate`);
    expect(off.status).toBe(204);
    expect(await off.text()).toBe("");
    expect(await getJson(path)).toMatchObject({ status: "INACTIVE", _links: policyLinks(server.id, policy.id, "INACTIVE") });
    // Deactivating again changes nothing and still succeeds.
    expect((await send("POST", `${path}/lifecycle/deactivate`)).status).toBe(204);
    expect((await send("POST", `${path}/lifecycle/activate`)).status).toBe(204);
    expect(await getJson(path)).toMatchObject({ status: "ACTIVE", _links: policyLinks(server.id, policy.id, "ACTIVE") });
  });

  it.each([["activate"], ["deactivate"]])("answers 404 when asked to %s an unknown policy", async (op) => {
    const server = await createServer();
    await expectOktaError(
      await send("POST", `${policiesPath(server.id)}/00pNoSuchPolicy00001/lifecycle/${op}`),
      404,
      "E0000007",
      "Not found: Resource not found: 00pNoSuchPolicy00001 (Policy)",
    );
  });
});

describe("policies: validation", () => {
  it.each([
    ["no name", { name: undefined }, ["name: The field is required"]],
    ["a blank name", { name: "   " }, ["name: The field cannot be left blank"]],
    ["a name that is not a string", { name: 7 }, ["name: Expected a string"]],
    ["a name over 100 characters", { name: "n".repeat(101) }, ["name: Too big: expected string to have <=100 characters"]],
    ["no description", { description: undefined }, ["description: The field is required"]],
    ["an empty description", { description: "" }, ["description: The field cannot be left blank"]],
    ["a description over 255 characters", { description: "d".repeat(256) }, ["description: Too big: expected string to have <=255 characters"]],
    ["another policy type", { type: "OKTA_SIGN_ON" }, ["type: Expected OAUTH_AUTHORIZATION_POLICY"]],
    ["an unknown status", { status: "DELETED" }, ['status: Invalid option: expected one of "ACTIVE"|"INACTIVE"']],
    ["priority 0", { priority: 0 }, ["priority: Priority starts at 1"]],
    ["a fractional priority", { priority: 1.5 }, ["priority: Expected a whole number"]],
    ["a priority as a string", { priority: "1" }, ["priority: Invalid input: expected number, received string"]],
    ["no conditions", { conditions: undefined }, ["conditions: The field is required"]],
    ["no client condition", { conditions: {} }, ["conditions.clients: The field is required"]],
    ["no client include list", { conditions: { clients: {} } }, ["conditions.clients.include: The field is required"]],
    ["an empty client include list", { conditions: { clients: { include: [] } } }, ["conditions.clients.include: Include ALL_CLIENTS or at least one client id"]],
    ["a blank client id", { conditions: { clients: { include: [""] } } }, ["conditions.clients.include.0: An id cannot be blank"]],
    [
      "ALL_CLIENTS next to client ids",
      { conditions: { clients: { include: ["ALL_CLIENTS", "0oaClient"] } } },
      ["conditions.clients.include: ALL_CLIENTS cannot be combined with client ids"],
    ],
  ])("refuses a policy with %s", async (_, over, causes) => {
    const server = await createServer();
    await expectOktaError(await send("POST", policiesPath(server.id), policyBody(over)), 400, "E0000001", POLICY_INVALID, causes);
    expect(await getJson(policiesPath(server.id))).toEqual([]);
  });

  it("reports every invalid field at once", async () => {
    const server = await createServer();
    await expectOktaError(await send("POST", policiesPath(server.id), {}), 400, "E0000001", POLICY_INVALID, [
      "name: The field is required",
      "description: The field is required",
      "conditions: The field is required",
    ]);
  });

  it("validates a replacement the same way and leaves the policy unchanged", async () => {
    const server = await createServer();
    const policy = await createPolicy(server.id);
    await expectOktaError(
      await send("PUT", `${policiesPath(server.id)}/${policy.id}`, policyBody({ description: undefined })),
      400,
      "E0000001",
      POLICY_INVALID,
      ["description: The field is required"],
    );
    expect(await getJson(`${policiesPath(server.id)}/${policy.id}`)).toEqual(policy);
  });

  it("refuses a request without a JSON body", async () => {
    const server = await createServer();
    await expectOktaError(await send("POST", policiesPath(server.id)), 400, ...HEADERS_NOT_SET, ["Content-Type: expected application/json, got none"]);
  });
});

describe("policies: not found", () => {
  const MISSING = "ausNoSuchServer00001";
  it.each([
    ["GET", ""],
    ["POST", ""],
    ["GET", "/00pX"],
    ["PUT", "/00pX"],
    ["DELETE", "/00pX"],
    ["POST", "/00pX/lifecycle/activate"],
    ["POST", "/00pX/lifecycle/deactivate"],
    ["GET", "/00pX/rules"],
    ["POST", "/00pX/rules"],
    ["GET", "/00pX/rules/0prX"],
    ["PUT", "/00pX/rules/0prX"],
    ["DELETE", "/00pX/rules/0prX"],
    ["POST", "/00pX/rules/0prX/lifecycle/activate"],
  ])("answers %s policies%s of an unknown server with 404 E0000007", async (method, suffix) => {
    const body = method === "PUT" || (method === "POST" && !suffix.includes("lifecycle")) ? (suffix.includes("rules") ? ruleBody() : policyBody()) : undefined;
    await expectOktaError(await send(method, `${policiesPath(MISSING)}${suffix}`, body), 404, ...serverNotFound(MISSING));
  });

  it("does not reach a policy through another server's path", async () => {
    const [a, b] = await Promise.all([createServer(), createServer()]);
    const policy = await createPolicy(a.id);
    const gone = ["E0000007", `Not found: Resource not found: ${policy.id} (Policy)`] as const;
    await expectOktaError(await admin(`${policiesPath(b.id)}/${policy.id}`), 404, ...gone);
    await expectOktaError(await send("PUT", `${policiesPath(b.id)}/${policy.id}`, policyBody()), 404, ...gone);
    await expectOktaError(await send("DELETE", `${policiesPath(b.id)}/${policy.id}`), 404, ...gone);
    await expectOktaError(await send("POST", `${policiesPath(b.id)}/${policy.id}/lifecycle/deactivate`), 404, ...gone);
    await expectOktaError(await send("POST", rulesPath(b.id, policy.id), ruleBody()), 404, ...gone);
    expect(await getJson(`${policiesPath(a.id)}/${policy.id}`)).toEqual(policy);
  });
});

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

describe("rules: priority", () => {
  it("puts new rules last, inserts at a given priority and moves on replace", async () => {
    const server = await createServer();
    const policy = await createPolicy(server.id);
    const path = rulesPath(server.id, policy.id);
    const a = await createRule(server.id, policy.id, { name: "A" });
    await createRule(server.id, policy.id, { name: "B" });
    await createRule(server.id, policy.id, { name: "C" });
    expect(await order(path)).toEqual(["A:1", "B:2", "C:3"]);
    expect((await createRule(server.id, policy.id, { name: "D", priority: 2 })).priority).toBe(2);
    expect(await order(path)).toEqual(["A:1", "D:2", "B:3", "C:4"]);
    expect((await createRule(server.id, policy.id, { name: "E", priority: 40 })).priority).toBe(5);
    await send("PUT", `${path}/${a.id}`, ruleBody({ name: "A", priority: 4 }));
    expect(await order(path)).toEqual(["D:1", "B:2", "C:3", "A:4", "E:5"]);
    await send("PUT", `${path}/${a.id}`, ruleBody({ name: "A", priority: 1 }));
    expect(await order(path)).toEqual(["A:1", "D:2", "B:3", "C:4", "E:5"]);
  });

  it("closes the gap when a rule is deleted", async () => {
    const server = await createServer();
    const policy = await createPolicy(server.id);
    const path = rulesPath(server.id, policy.id);
    const created = [];
    for (const name of ["A", "B", "C"]) created.push(await createRule(server.id, policy.id, { name }));
    expect((await send("DELETE", `${path}/${created[0]!.id}`)).status).toBe(204);
    expect(await order(path)).toEqual(["B:1", "C:2"]);
  });

  it("orders each policy's rules on their own", async () => {
    const server = await createServer();
    const [p1, p2] = [await createPolicy(server.id, { name: "P1" }), await createPolicy(server.id, { name: "P2" })];
    await createRule(server.id, p1.id, { name: "A" });
    await createRule(server.id, p2.id, { name: "X" });
    await createRule(server.id, p2.id, { name: "Y", priority: 1 });
    await createRule(server.id, p1.id, { name: "B", priority: 1 });
    expect(await order(rulesPath(server.id, p1.id))).toEqual(["B:1", "A:2"]);
    expect(await order(rulesPath(server.id, p2.id))).toEqual(["Y:1", "X:2"]);
    // Deleting a policy leaves the policy order contiguous and the other policy's rules alone.
    await send("DELETE", `${policiesPath(server.id)}/${p1.id}`);
    expect(await order(policiesPath(server.id))).toEqual(["P2:1"]);
    expect(await order(rulesPath(server.id, p2.id))).toEqual(["Y:1", "X:2"]);
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

describe("rules: validation", () => {
  const conditions = (over: Record<string, unknown>) => ({ grantTypes: { include: ["client_credentials"] }, scopes: { include: ["*"] }, ...over });
  const token = (over: Record<string, unknown>) => ({ actions: { token: over } });

  it.each([
    ["no type", { type: undefined }, ["type: The field is required"]],
    ["another rule type", { type: "SIGN_ON" }, ["type: Expected RESOURCE_ACCESS"]],
    ["no name", { name: undefined }, ["name: The field is required"]],
    ["a blank name", { name: " " }, ["name: The field cannot be left blank"]],
    ["no conditions", { conditions: undefined }, ["conditions: The field is required"]],
    ["priority 0", { priority: 0 }, ["priority: Priority starts at 1"]],
    ["an unknown status", { status: "ON" }, ['status: Invalid option: expected one of "ACTIVE"|"INACTIVE"']],
    ["no grant type condition", { conditions: conditions({ grantTypes: undefined }) }, ["conditions.grantTypes: The field is required"]],
    ["no grant types", { conditions: conditions({ grantTypes: { include: [] } }) }, ["conditions.grantTypes.include: Include at least one grant type"]],
    [
      "a grant type Okta does not know",
      { conditions: conditions({ grantTypes: { include: ["password", "magic_link"] } }) },
      ["conditions.grantTypes.include.1: 'magic_link' is not one of Okta's grant types"],
    ],
    ["no scope condition", { conditions: conditions({ scopes: undefined }) }, ["conditions.scopes: The field is required"]],
    ["no scopes", { conditions: conditions({ scopes: { include: [] } }) }, ["conditions.scopes.include: Include '*' or at least one scope"]],
    [
      "a scope the server does not define",
      { conditions: conditions({ scopes: { include: ["openid", "orders:write", "*"] } }) },
      ["conditions.scopes.include: 'orders:write' is not a scope of this authorization server"],
    ],
    [
      "user ids that are not a list",
      { conditions: conditions({ people: { users: { include: "00uAlice" } } }) },
      ["conditions.people.users.include: Expected an array of ids"],
    ],
    [
      "a blank group id",
      { conditions: conditions({ people: { groups: { include: [""] } } }) },
      ["conditions.people.groups.include.0: An id cannot be blank"],
    ],
    [
      "an access token lifetime under 5 minutes",
      token({ accessTokenLifetimeMinutes: 4 }),
      ["actions.token.accessTokenLifetimeMinutes: must be an integer from 5 to 1440"],
    ],
    [
      "an access token lifetime over a day",
      token({ accessTokenLifetimeMinutes: 1441 }),
      ["actions.token.accessTokenLifetimeMinutes: must be an integer from 5 to 1440"],
    ],
    ["a fractional lifetime", token({ accessTokenLifetimeMinutes: 60.5 }), ["actions.token.accessTokenLifetimeMinutes: Expected a whole number"]],
    [
      "a lifetime given as a string",
      token({ refreshTokenWindowMinutes: "60" }),
      ["actions.token.refreshTokenWindowMinutes: Invalid input: expected number, received string"],
    ],
    [
      "a refresh lifetime shorter than the access lifetime",
      token({ accessTokenLifetimeMinutes: 60, refreshTokenLifetimeMinutes: 30, refreshTokenWindowMinutes: 10 }),
      ["actions.token.refreshTokenLifetimeMinutes: must be 0 (unlimited) or at least accessTokenLifetimeMinutes (60)"],
    ],
    [
      "a negative refresh lifetime",
      token({ refreshTokenLifetimeMinutes: -1 }),
      ["actions.token.refreshTokenLifetimeMinutes: must be 0 (unlimited) or a positive integer"],
    ],
    [
      "a refresh window under 10 minutes",
      token({ refreshTokenWindowMinutes: 9 }),
      ["actions.token.refreshTokenWindowMinutes: must be an integer from 10 to 2628000"],
    ],
    [
      "a refresh window over five years",
      token({ refreshTokenWindowMinutes: 2628001 }),
      ["actions.token.refreshTokenWindowMinutes: must be an integer from 10 to 2628000"],
    ],
    [
      "a limited refresh lifetime shorter than the default 7-day window",
      token({ refreshTokenLifetimeMinutes: 120 }),
      ["actions.token.refreshTokenWindowMinutes: must not be longer than refreshTokenLifetimeMinutes (120)"],
    ],
    ["an inline hook without an id", token({ inlineHook: {} }), ["actions.token.inlineHook.id: The field is required"]],
  ])("refuses a rule with %s", async (_, over, causes) => {
    const server = await createServer();
    const policy = await createPolicy(server.id);
    await expectOktaError(await send("POST", rulesPath(server.id, policy.id), ruleBody(over)), 400, "E0000001", RULE_INVALID, causes);
    expect(await getJson(rulesPath(server.id, policy.id))).toEqual([]);
  });

  it.each([
    [{ accessTokenLifetimeMinutes: 5, refreshTokenLifetimeMinutes: 0, refreshTokenWindowMinutes: 10 }],
    [{ accessTokenLifetimeMinutes: 1440, refreshTokenLifetimeMinutes: 0, refreshTokenWindowMinutes: 2628000 }],
    [{ accessTokenLifetimeMinutes: 5, refreshTokenLifetimeMinutes: 10, refreshTokenWindowMinutes: 10 }],
    [{ accessTokenLifetimeMinutes: 60, refreshTokenLifetimeMinutes: 2628000, refreshTokenWindowMinutes: 2628000 }],
  ])("accepts lifetimes at the bounds: %o", async (t) => {
    const server = await createServer();
    const policy = await createPolicy(server.id);
    expect((await createRule(server.id, policy.id, { actions: { token: t } })).actions).toEqual({ token: t });
  });

  it("reports shape problems for the whole body at once", async () => {
    const server = await createServer();
    const policy = await createPolicy(server.id);
    await expectOktaError(await send("POST", rulesPath(server.id, policy.id), {}), 400, "E0000001", RULE_INVALID, [
      "type: The field is required",
      "name: The field is required",
      "conditions: The field is required",
    ]);
  });

  it("reports lifetime and scope problems together", async () => {
    const server = await createServer();
    const policy = await createPolicy(server.id);
    const body = ruleBody({
      conditions: conditions({ scopes: { include: ["nope", "also:nope"] } }),
      actions: { token: { accessTokenLifetimeMinutes: 2 } },
    });
    await expectOktaError(await send("POST", rulesPath(server.id, policy.id), body), 400, "E0000001", RULE_INVALID, [
      "actions.token.accessTokenLifetimeMinutes: must be an integer from 5 to 1440",
      "conditions.scopes.include: 'nope' is not a scope of this authorization server",
      "conditions.scopes.include: 'also:nope' is not a scope of this authorization server",
    ]);
  });

  it("does not accept another server's scope", async () => {
    const [server, other] = await Promise.all([createServer(), createServer()]);
    expect((await send("POST", `/authorizationServers/${other.id}/scopes`, { name: "theirs" })).status).toBe(201);
    const policy = await createPolicy(server.id);
    await expectOktaError(
      await send("POST", rulesPath(server.id, policy.id), ruleBody({ conditions: conditions({ scopes: { include: ["theirs"] } }) })),
      400,
      "E0000001",
      RULE_INVALID,
      ["conditions.scopes.include: 'theirs' is not a scope of this authorization server"],
    );
  });

  it("validates a replacement the same way and leaves the rule unchanged", async () => {
    const server = await createServer();
    const policy = await createPolicy(server.id);
    const rule = await createRule(server.id, policy.id);
    await expectOktaError(
      await send("PUT", `${rulesPath(server.id, policy.id)}/${rule.id}`, ruleBody({ conditions: conditions({ scopes: { include: ["ghost"] } }) })),
      400,
      "E0000001",
      RULE_INVALID,
      ["conditions.scopes.include: 'ghost' is not a scope of this authorization server"],
    );
    expect(await getJson(`${rulesPath(server.id, policy.id)}/${rule.id}`)).toEqual(rule);
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
