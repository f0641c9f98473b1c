import { describe, expect, it } from "vitest";
import { createServer } from "../support/admin";
import { expectOktaError } from "../support/fixtures";
import { RULE_INVALID, rulesPath, send, ruleBody, createPolicy, createRule, getJson } from "./policy-fixtures";

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
