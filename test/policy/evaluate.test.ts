import { describe, expect, it } from "vitest";
import { checkRuleLifetimes, evaluatePolicies } from "../../src/policy/evaluate";
import type { PeopleCondition, PolicyConfig, PolicyDecision, PolicyRequest, RuleConfig } from "../../src/policy/types";

const EVERYONE: PeopleCondition = { users: { include: [], exclude: [] }, groups: { include: ["EVERYONE"], exclude: [] } };

function people(p: { users?: string[]; groups?: string[]; excludeUsers?: string[]; excludeGroups?: string[] }): PeopleCondition {
  return {
    users: { include: p.users ?? [], exclude: p.excludeUsers ?? [] },
    groups: { include: p.groups ?? [], exclude: p.excludeGroups ?? [] },
  };
}

function rule(id: string, over: Partial<RuleConfig> = {}): RuleConfig {
  return {
    id,
    name: id,
    priority: 1,
    status: "ACTIVE",
    people: EVERYONE,
    grantTypes: ["authorization_code", "client_credentials", "password", "refresh_token"],
    scopes: ["*"],
    token: { accessTokenLifetimeMinutes: 60, refreshTokenLifetimeMinutes: 0, refreshTokenWindowMinutes: 10080 },
    ...over,
  };
}

function policy(id: string, over: Partial<PolicyConfig> = {}): PolicyConfig {
  return { id, name: id, priority: 1, status: "ACTIVE", clients: ["ALL_CLIENTS"], rules: [rule(`${id}-rule`)], ...over };
}

function request(over: Partial<PolicyRequest> = {}): PolicyRequest {
  return {
    clientId: "client-a",
    grantType: "authorization_code",
    scopes: ["openid"],
    user: { id: "user-1", groupIds: ["group-1"] },
    ...over,
  };
}

/** The outcome without lifetimes, for tables that are about which policy and rule apply. */
function outcome(d: PolicyDecision): string {
  switch (d.kind) {
    case "granted":
      return `granted ${d.policyId}/${d.ruleId}`;
    case "no_rule":
      return `no_rule ${d.policyId}`;
    case "no_policy":
      return "no_policy";
  }
}

describe("evaluatePolicies: which policy applies", () => {
  it.each<{ name: string; policies: PolicyConfig[]; req?: Partial<PolicyRequest>; expected: string }>([
    {
      name: "evaluates policies in ascending priority, whatever their list order",
      policies: [policy("p2", { priority: 2 }), policy("p1", { priority: 1 })],
      expected: "granted p1/p1-rule",
    },
    {
      name: "skips an INACTIVE policy even when it has the highest priority",
      policies: [policy("p1", { priority: 1, status: "INACTIVE" }), policy("p2", { priority: 2 })],
      expected: "granted p2/p2-rule",
    },
    {
      name: "applies a policy that names the client",
      policies: [policy("named", { clients: ["client-b", "client-a"] })],
      expected: "granted named/named-rule",
    },
    {
      name: "applies an ALL_CLIENTS policy to any client",
      policies: [policy("all")],
      req: { clientId: "some-other-client" },
      expected: "granted all/all-rule",
    },
    {
      name: "passes over a higher-priority policy for another client",
      policies: [policy("other", { priority: 1, clients: ["client-b"] }), policy("all", { priority: 2 })],
      expected: "granted all/all-rule",
    },
    {
      name: "returns no_policy when no policy covers the client",
      policies: [policy("other", { clients: ["client-b"] })],
      expected: "no_policy",
    },
    {
      name: "returns no_policy when the only covering policy is INACTIVE",
      policies: [policy("p1", { status: "INACTIVE" }), policy("other", { priority: 2, clients: ["client-b"] })],
      expected: "no_policy",
    },
    {
      name: "returns no_policy when the server has no policies",
      policies: [],
      expected: "no_policy",
    },
    {
      name: "falls through to the next covering policy when the first has no matching rule (Okta)",
      policies: [
        policy("p1", { priority: 1, rules: [rule("p1-rule", { grantTypes: ["password"] })] }),
        policy("p2", { priority: 2 }),
      ],
      expected: "granted p2/p2-rule",
    },
    {
      name: "returns no_rule naming the highest-priority covering policy when no covering policy has a matching rule",
      policies: [
        policy("p2", { priority: 2, rules: [rule("p2-rule", { grantTypes: ["password"] })] }),
        policy("other", { priority: 1, clients: ["client-b"] }),
        policy("p1", { priority: 1, clients: ["client-a"], rules: [] }),
      ],
      expected: "no_rule p1",
    },
    {
      name: "breaks a policy priority tie by list order",
      policies: [policy("first", { priority: 3 }), policy("second", { priority: 3 })],
      expected: "granted first/first-rule",
    },
  ])("$name", ({ policies, req, expected }) => {
    expect(outcome(evaluatePolicies(policies, request(req)))).toBe(expected);
  });
});

describe("evaluatePolicies: which rule applies", () => {
  const inOne = (...rules: RuleConfig[]) => [policy("p", { rules })];

  it.each<{ name: string; rules: RuleConfig[]; req?: Partial<PolicyRequest>; expected: string }>([
    {
      name: "evaluates rules in ascending priority, whatever their list order",
      rules: [rule("r3", { priority: 3 }), rule("r1", { priority: 1 }), rule("r2", { priority: 2 })],
      expected: "granted p/r1",
    },
    {
      name: "skips an INACTIVE rule",
      rules: [rule("r1", { priority: 1, status: "INACTIVE" }), rule("r2", { priority: 2 })],
      expected: "granted p/r2",
    },
    {
      name: "returns no_rule when every rule is INACTIVE",
      rules: [rule("r1", { status: "INACTIVE" })],
      expected: "no_rule p",
    },
    {
      name: "returns no_rule when the policy has no rules",
      rules: [],
      expected: "no_rule p",
    },
    {
      name: "does not match a rule whose grant types omit the request's grant type",
      rules: [rule("r1", { grantTypes: ["client_credentials"] })],
      expected: "no_rule p",
    },
    {
      name: "moves on to the next rule when the grant type does not match",
      rules: [rule("r1", { priority: 1, grantTypes: ["password"] }), rule("r2", { priority: 2 })],
      req: { grantType: "authorization_code" },
      expected: "granted p/r2",
    },
    {
      name: "matches grant types exactly, including URN grant types",
      rules: [rule("r1", { grantTypes: ["urn:ietf:params:oauth:grant-type:device_code"] })],
      req: { grantType: "urn:ietf:params:oauth:grant-type:device_code" },
      expected: "granted p/r1",
    },
    {
      name: "breaks a rule priority tie by list order",
      rules: [rule("first", { priority: 2 }), rule("second", { priority: 2 })],
      expected: "granted p/first",
    },
    {
      name: "lets a higher-priority narrow rule win over a lower-priority broad rule",
      rules: [
        rule("broad", { priority: 2 }),
        rule("admins", { priority: 1, people: people({ groups: ["group-1"] }), token: { accessTokenLifetimeMinutes: 5, refreshTokenLifetimeMinutes: 0, refreshTokenWindowMinutes: 10 } }),
      ],
      expected: "granted p/admins",
    },
  ])("$name", ({ rules, req, expected }) => {
    expect(outcome(evaluatePolicies(inOne(...rules), request(req)))).toBe(expected);
  });
});

describe("evaluatePolicies: people condition", () => {
  const alice = { id: "alice", groupIds: ["engineers", "staff"] };

  describe.each<{ who: string; user: PolicyRequest["user"]; cases: [string, PeopleCondition, boolean][] }>([
    {
      who: "a user",
      user: alice,
      cases: [
        ["matches when the user id is in users.include", people({ users: ["alice"] }), true],
        ["matches when one of the user's groups is in groups.include", people({ groups: ["staff"] }), true],
        ["matches when groups.include has EVERYONE", people({ groups: ["EVERYONE"] }), true],
        ["does not match when neither the user nor any group is included", people({ users: ["bob"], groups: ["sales"] }), false],
        ["does not match a rule with both include lists empty (the no-user condition)", people({}), false],
        ["does not match when the user id is in users.exclude, even with EVERYONE", people({ groups: ["EVERYONE"], excludeUsers: ["alice"] }), false],
        ["does not match when one of the user's groups is in groups.exclude, even with EVERYONE", people({ groups: ["EVERYONE"], excludeGroups: ["engineers"] }), false],
        ["does not match when a group is excluded, even if the user id is included", people({ users: ["alice"], excludeGroups: ["staff"] }), false],
        ["matches when the excludes name other users and groups", people({ groups: ["EVERYONE"], excludeUsers: ["bob"], excludeGroups: ["sales"] }), true],
      ],
    },
    {
      who: "a user with no groups",
      user: { id: "carol", groupIds: [] },
      cases: [
        ["matches through EVERYONE", people({ groups: ["EVERYONE"] }), true],
        ["matches through users.include", people({ users: ["carol"] }), true],
        ["does not match a group-only rule", people({ groups: ["staff"] }), false],
      ],
    },
    {
      who: "no user (client_credentials)",
      user: null,
      cases: [
        ["matches when groups.include has EVERYONE", people({ groups: ["EVERYONE"] }), true],
        ["matches when both include lists are empty (the no-user condition)", people({}), true],
        ["does not match a rule restricted to groups", people({ groups: ["staff"] }), false],
        ["does not match a rule restricted to users", people({ users: ["alice"] }), false],
        ["does not match a rule restricted to both users and groups", people({ users: ["alice"], groups: ["staff"] }), false],
        ["ignores excludes, there being no user to exclude", people({ groups: ["EVERYONE"], excludeUsers: ["alice"], excludeGroups: ["staff"] }), true],
      ],
    },
  ])("for $who", ({ user, cases }) => {
    it.each(cases)("%s", (_name, condition, matches) => {
      const grantType = user === null ? "client_credentials" : "authorization_code";
      const decision = evaluatePolicies([policy("p", { rules: [rule("r", { people: condition })] })], request({ user, grantType }));
      expect(outcome(decision)).toBe(matches ? "granted p/r" : "no_rule p");
    });
  });
});

describe("evaluatePolicies: scope condition", () => {
  it.each<[string, string[], string[], boolean]>([
    ["matches any scopes when the rule lists *", ["*"], ["orders:read", "whatever", "openid"], true],
    ["matches when every requested scope is listed", ["orders:read", "orders:write"], ["orders:write", "orders:read"], true],
    ["does not match when one requested scope is missing from the list", ["orders:read"], ["orders:read", "orders:write"], false],
    ["does not match an unlisted scope alone", ["orders:read"], ["orders:write"], false],
    ["matches OIDC scopes the rule does not list", ["orders:read"], ["openid", "profile", "email", "address", "phone", "offline_access", "device_sso", "orders:read"], true],
    ["matches a request of only OIDC scopes against a rule listing no scopes", [], ["openid", "offline_access"], true],
    ["does not match a custom scope when the rule lists no scopes", [], ["openid", "orders:read"], false],
    ["compares scope names exactly (case-sensitive)", ["Orders:Read"], ["orders:read"], false],
    ["does not treat * inside a scope name as a wildcard", ["orders:*"], ["orders:read"], false],
  ])("%s", (_name, ruleScopes, requested, matches) => {
    const decision = evaluatePolicies([policy("p", { rules: [rule("r", { scopes: ruleScopes })] })], request({ scopes: requested }));
    expect(outcome(decision)).toBe(matches ? "granted p/r" : "no_rule p");
  });

  it("grants exactly the requested scopes, not the rule's list or an intersection", () => {
    const decision = evaluatePolicies(
      [policy("p", { rules: [rule("r", { scopes: ["orders:read", "orders:write", "admin"] })] })],
      request({ scopes: ["openid", "orders:read"] }),
    );
    expect(decision).toMatchObject({ kind: "granted", scopes: ["openid", "orders:read"] });
  });

  it("falls through to a later rule that allows a scope an earlier rule lacks", () => {
    const decision = evaluatePolicies(
      [policy("p", { rules: [rule("narrow", { priority: 1, scopes: ["orders:read"] }), rule("wide", { priority: 2, scopes: ["orders:read", "orders:write"] })] })],
      request({ scopes: ["orders:read", "orders:write"] }),
    );
    expect(outcome(decision)).toBe("granted p/wide");
  });
});

describe("evaluatePolicies: granted decision", () => {
  it.each<[string, RuleConfig["token"], { access: number; refresh: number | null; window: number }]>([
    ["converts the Okta default rule's lifetimes, refresh 0 to unlimited (null)", { accessTokenLifetimeMinutes: 60, refreshTokenLifetimeMinutes: 0, refreshTokenWindowMinutes: 10080 }, { access: 3600, refresh: null, window: 604800 }],
    ["converts a limited refresh lifetime to seconds", { accessTokenLifetimeMinutes: 5, refreshTokenLifetimeMinutes: 1440, refreshTokenWindowMinutes: 10 }, { access: 300, refresh: 86400, window: 600 }],
    ["converts the maximum lifetimes to seconds", { accessTokenLifetimeMinutes: 1440, refreshTokenLifetimeMinutes: 2628000, refreshTokenWindowMinutes: 2628000 }, { access: 86400, refresh: 157680000, window: 157680000 }],
  ])("%s", (_name, token, expected) => {
    const decision = evaluatePolicies([policy("p", { rules: [rule("r", { token })] })], request({ scopes: ["openid", "orders:read"] }));
    expect(decision).toEqual({
      kind: "granted",
      policyId: "p",
      ruleId: "r",
      scopes: ["openid", "orders:read"],
      accessTokenLifetimeSeconds: expected.access,
      refreshTokenLifetimeSeconds: expected.refresh,
      refreshTokenWindowSeconds: expected.window,
    });
  });

  it("returns the same decision for the same input and leaves its inputs untouched", () => {
    const policies = [
      policy("b", { priority: 2, rules: [rule("b2", { priority: 2 }), rule("b1", { priority: 1 })] }),
      policy("a", { priority: 2, rules: [rule("a2", { priority: 5 }), rule("a1", { priority: 5 })] }),
    ];
    const req = request({ scopes: ["openid", "x"] });
    const snapshot = structuredClone({ policies, req });

    const first = evaluatePolicies(policies, req);
    expect(evaluatePolicies(policies, req)).toEqual(first);
    expect(outcome(first)).toBe("granted b/b1");
    expect({ policies, req }).toEqual(snapshot);
    if (first.kind === "granted") expect(first.scopes).not.toBe(req.scopes);
  });
});

describe("checkRuleLifetimes", () => {
  const ok = { accessTokenLifetimeMinutes: 60, refreshTokenLifetimeMinutes: 0, refreshTokenWindowMinutes: 10080 };
  const ACCESS = "actions.token.accessTokenLifetimeMinutes: must be an integer from 5 to 1440";
  const WINDOW = "actions.token.refreshTokenWindowMinutes: must be an integer from 10 to 2628000";

  it.each<[string, Partial<RuleConfig["token"]>, string[]]>([
    ["accepts the Okta default rule's lifetimes", {}, []],
    ["rejects an access token lifetime of 4 minutes", { accessTokenLifetimeMinutes: 4 }, [ACCESS]],
    ["accepts an access token lifetime of 5 minutes", { accessTokenLifetimeMinutes: 5 }, []],
    ["accepts an access token lifetime of 1440 minutes", { accessTokenLifetimeMinutes: 1440 }, []],
    ["rejects an access token lifetime of 1441 minutes", { accessTokenLifetimeMinutes: 1441 }, [ACCESS]],
    ["rejects a fractional access token lifetime", { accessTokenLifetimeMinutes: 60.5 }, [ACCESS]],
    ["accepts a refresh lifetime of 0 (unlimited)", { refreshTokenLifetimeMinutes: 0 }, []],
    [
      "rejects a refresh lifetime shorter than the access token lifetime",
      { accessTokenLifetimeMinutes: 60, refreshTokenLifetimeMinutes: 59, refreshTokenWindowMinutes: 10 },
      ["actions.token.refreshTokenLifetimeMinutes: must be 0 (unlimited) or at least accessTokenLifetimeMinutes (60)"],
    ],
    ["accepts a refresh lifetime equal to the access token lifetime", { accessTokenLifetimeMinutes: 60, refreshTokenLifetimeMinutes: 60, refreshTokenWindowMinutes: 60 }, []],
    ["accepts a refresh lifetime of 5 years", { refreshTokenLifetimeMinutes: 2628000 }, []],
    [
      "rejects a refresh lifetime over 5 years",
      { refreshTokenLifetimeMinutes: 2628001 },
      ["actions.token.refreshTokenLifetimeMinutes: must be at most 2628000 (5 years)"],
    ],
    [
      "rejects a negative refresh lifetime",
      { refreshTokenLifetimeMinutes: -1 },
      ["actions.token.refreshTokenLifetimeMinutes: must be 0 (unlimited) or a positive integer"],
    ],
    ["rejects a refresh window of 9 minutes", { refreshTokenWindowMinutes: 9 }, [WINDOW]],
    ["accepts a refresh window of 10 minutes", { refreshTokenWindowMinutes: 10 }, []],
    ["accepts a refresh window of 5 years with an unlimited lifetime", { refreshTokenWindowMinutes: 2628000 }, []],
    ["rejects a refresh window over 5 years", { refreshTokenWindowMinutes: 2628001 }, [WINDOW]],
    [
      "rejects a refresh window longer than a limited refresh lifetime",
      { refreshTokenLifetimeMinutes: 1440, refreshTokenWindowMinutes: 1441 },
      ["actions.token.refreshTokenWindowMinutes: must not be longer than refreshTokenLifetimeMinutes (1440)"],
    ],
    [
      "reports every bad field at once",
      { accessTokenLifetimeMinutes: 0, refreshTokenLifetimeMinutes: -5, refreshTokenWindowMinutes: 0 },
      [ACCESS, "actions.token.refreshTokenLifetimeMinutes: must be 0 (unlimited) or a positive integer", WINDOW],
    ],
  ])("%s", (_name, change, causes) => {
    expect(checkRuleLifetimes({ ...ok, ...change })).toEqual(causes);
  });
});
