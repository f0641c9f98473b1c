import { describe, expect, it } from "vitest";
import { buildCustomClaims, prepareClaims, type ClaimContext } from "../../src/policy/claims/custom-claims";
import type { ClaimRecord, ClaimType } from "../../src/store/claims";

/** 2024-01-02T03:04:05.000Z */
const NOW = Date.UTC(2024, 0, 2, 3, 4, 5);

const ADA: NonNullable<ClaimContext["user"]> = {
  id: "00u1",
  profile: { login: "ada@example.com", email: "ada@example.com", firstName: "Ada", department: "Engineering" },
  groups: [
    { id: "00g1", name: "Everyone" },
    { id: "00g2", name: "Eng-Backend" },
    { id: "00g3", name: "eng-frontend" },
    { id: "00g4", name: "Sales" },
    { id: "00g5", name: "Platform-Eng" },
    { id: "00g6", name: "Engineering" },
  ],
};

const CLIENT = { id: "0oa1", clientId: "client-1", label: "Example App" };

let seq = 0;
function claim(overrides: Partial<ClaimRecord>): ClaimRecord {
  return {
    id: `ocl${++seq}`,
    name: "c",
    status: "ACTIVE",
    claimType: "RESOURCE",
    valueType: "EXPRESSION",
    value: '"x"',
    groupFilterType: null,
    alwaysIncludeInToken: true,
    scopes: [],
    system: false,
    ...overrides,
  };
}

const groupsClaim = (filter: ClaimRecord["groupFilterType"], value: string, overrides: Partial<ClaimRecord> = {}) =>
  claim({ name: "groups", claimType: "IDENTITY", valueType: "GROUPS", groupFilterType: filter, value, ...overrides });

function build(claims: ClaimRecord[], target: ClaimType, ctx: Partial<ClaimContext> = {}) {
  const logs: string[] = [];
  const out = buildCustomClaims(
    prepareClaims(claims),
    target,
    { user: ADA, client: CLIENT, grantedScopes: ["openid", "profile"], now: NOW, ...ctx },
    (line) => logs.push(line),
  );
  return { out, logs };
}

const failed = (claimName: string, error: string) => JSON.stringify({ event: "claim_evaluation_failed", claim: claimName, error });

describe("custom claims: the issue's example", () => {
  it("puts the local part of the email in the access token and the eng* groups in the ID token", () => {
    const claims = [
      claim({ name: "email_local", claimType: "RESOURCE", value: 'String.substringBefore(user.email, "@")' }),
      groupsClaim("STARTS_WITH", "eng"),
    ];
    expect(build(claims, "RESOURCE")).toEqual({ out: { email_local: "ada" }, logs: [] });
    expect(build(claims, "IDENTITY")).toEqual({ out: { groups: ["Eng-Backend", "eng-frontend", "Engineering"] }, logs: [] });
  });
});

describe("custom claims: expressions and their context", () => {
  it.each<[string, string, unknown]>([
    ["a profile attribute", "user.department", "Engineering"],
    ["Okta's default sub expression for a user", "(appuser != null) ? appuser.userName : app.clientId", "ada@example.com"],
    ["the user id", "user.id", "00u1"],
    ["the app", 'app.clientId + "/" + app.label + "/" + app.id', "client-1/Example App/0oa1"],
    ["the org", "org.name", "mintgate"],
    ["the granted scopes", "access.scope", ["openid", "profile"]],
    ["the injected clock", "Time.now()", "2024-01-02T03:04:05.000Z"],
    ["group membership", 'isMemberOfGroupName("Sales")', true],
    ["a Groups function", 'Groups.startsWith("OKTA", "Eng", 10)', ["Eng-Backend", "eng-frontend", "Engineering"]],
    ["a number", "String.len(user.firstName)", 3],
  ])("evaluates %s", (_, value, expected) => {
    expect(build([claim({ name: "v", value })], "RESOURCE")).toEqual({ out: { v: expected }, logs: [] });
  });

  it.each<[string, string]>([
    ["a missing attribute", "user.nickname"],
    ["an explicit null", 'user.department == "Sales" ? "yes" : null'],
    ["an empty list", 'Groups.startsWith("OKTA", "nobody", 10)'],
  ])("omits a claim whose value is %s", (_, value) => {
    expect(build([claim({ name: "v", value })], "RESOURCE")).toEqual({ out: {}, logs: [] });
  });

  it("passes the client's profile to app.profile", () => {
    const { out } = build([claim({ name: "tier", value: "app.profile.tier" })], "RESOURCE", { client: { ...CLIENT, profile: { tier: "gold" } } });
    expect(out).toEqual({ tier: "gold" });
  });
});

describe("custom claims without a user (client_credentials)", () => {
  it.each<[string, ClaimRecord, Record<string, unknown>]>([
    ["omits an expression that reads the user", claim({ name: "e", value: "user.email" }), {}],
    ["omits an expression that asks about groups", claim({ name: "g", value: 'isMemberOfGroupName("Sales")' }), {}],
    ["falls back to the client id in Okta's sub expression", claim({ name: "who", value: "(appuser != null) ? appuser.userName : app.clientId" }), { who: "client-1" }],
    ["keeps an expression that needs no user", claim({ name: "app", value: "app.label" }), { app: "Example App" }],
    ["omits a GROUPS claim", groupsClaim("STARTS_WITH", "eng", { claimType: "RESOURCE" }), {}],
  ])("%s", (_, c, expected) => {
    expect(build([c], "RESOURCE", { user: null, grantedScopes: ["api:read"] })).toEqual({ out: expected, logs: [] });
  });
});

describe("custom claims: GROUPS filters", () => {
  it.each<[string, string, string[] | undefined]>([
    ["STARTS_WITH", "eng", ["Eng-Backend", "eng-frontend", "Engineering"]],
    ["STARTS_WITH", "ENG-", ["Eng-Backend", "eng-frontend"]],
    ["EQUALS", "sales", ["Sales"]],
    ["EQUALS", "eng", undefined],
    ["CONTAINS", "ENG", ["Eng-Backend", "eng-frontend", "Platform-Eng", "Engineering"]],
    ["CONTAINS", "end", ["Eng-Backend", "eng-frontend"]],
    ["REGEX", "Eng.*", ["Eng-Backend", "Engineering"]],
    ["REGEX", "[A-Z][a-z]+", ["Everyone", "Sales", "Engineering"]],
    // REGEX is case-sensitive and matches the whole name.
    ["REGEX", "eng", undefined],
    ["REGEX", ".*", ["Everyone", "Eng-Backend", "eng-frontend", "Sales", "Platform-Eng", "Engineering"]],
    ["STARTS_WITH", "nobody", undefined],
  ])("%s %j selects the matching group names in the user's order", (filter, value, expected) => {
    const { out, logs } = build([groupsClaim(filter as ClaimRecord["groupFilterType"], value)], "IDENTITY");
    expect(out).toEqual(expected === undefined ? {} : { groups: expected });
    expect(logs).toEqual([]);
  });

  const manyGroups = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `00g${i}`, name: `team-${String(i).padStart(3, "0")}` }));

  it("lists up to 100 matching groups", () => {
    const { out, logs } = build([groupsClaim("STARTS_WITH", "team-")], "IDENTITY", { user: { ...ADA, groups: manyGroups(100) } });
    expect(out.groups).toHaveLength(100);
    expect(logs).toEqual([]);
  });

  it("omits and logs a groups claim that more than 100 groups match, as Okta fails it", () => {
    const claims = [groupsClaim("STARTS_WITH", "team-"), claim({ name: "other", claimType: "IDENTITY", value: '"kept"' })];
    const { out, logs } = build(claims, "IDENTITY", { user: { ...ADA, groups: manyGroups(101) } });
    expect({ out, logs }).toEqual({ out: { other: "kept" }, logs: [failed("groups", "more than 100 groups match the filter")] });
  });

  it("counts a group name once when the user is in two groups of that name", () => {
    const user = { ...ADA, groups: [{ id: "00ga", name: "Eng" }, { id: "00gb", name: "Eng" }] };
    expect(build([groupsClaim("EQUALS", "eng")], "IDENTITY", { user }).out).toEqual({ groups: ["Eng"] });
  });
});

describe("custom claims: which claims a token carries", () => {
  const resource = claim({ name: "at_only", claimType: "RESOURCE", value: '"a"' });
  const always = claim({ name: "id_always", claimType: "IDENTITY", value: '"b"', alwaysIncludeInToken: true });
  const onRequest = claim({ name: "id_userinfo", claimType: "IDENTITY", value: '"c"', alwaysIncludeInToken: false });
  const all = [resource, always, onRequest];

  it.each<[string, ClaimType, boolean | undefined, Record<string, string>]>([
    ["an access token carries only RESOURCE claims", "RESOURCE", undefined, { at_only: "a" }],
    ["thinIdToken does not affect an access token", "RESOURCE", true, { at_only: "a" }],
    ["an ID token issued alone (or userinfo) carries every IDENTITY claim", "IDENTITY", undefined, { id_always: "b", id_userinfo: "c" }],
    ["an explicit thinIdToken false is the same", "IDENTITY", false, { id_always: "b", id_userinfo: "c" }],
    ["an ID token issued with an access token carries only alwaysIncludeInToken claims", "IDENTITY", true, { id_always: "b" }],
  ])("%s", (_, target, thinIdToken, expected) => {
    expect(build(all, target, thinIdToken === undefined ? {} : { thinIdToken }).out).toEqual(expected);
  });

  it.each<[string, string[], string[], boolean]>([
    ["no scope condition", [], ["openid"], true],
    ["a granted scope", ["profile"], ["openid", "profile"], true],
    ["one of several scopes granted", ["email", "profile"], ["profile"], true],
    ["no listed scope granted", ["email"], ["openid", "profile"], false],
    ["nothing granted", ["email"], [], false],
  ])("conditions.scopes: %s", (_, scopes, grantedScopes, included) => {
    const { out } = build([claim({ name: "s", scopes })], "RESOURCE", { grantedScopes });
    expect(out).toEqual(included ? { s: "x" } : {});
  });

  it("leaves INACTIVE claims and SYSTEM-valued claims out", () => {
    const claims = [
      claim({ name: "off", status: "INACTIVE" }),
      claim({ name: "system", valueType: "SYSTEM", value: "anything" }),
      claim({ name: "on" }),
    ];
    expect(prepareClaims(claims).map((c) => c.name)).toEqual(["on"]);
    expect(build(claims, "RESOURCE").out).toEqual({ on: "x" });
  });

  it.each<[ClaimType, string]>([
    ["RESOURCE", "sub"],
    ["RESOURCE", "scp"],
    ["RESOURCE", "client_id"],
    ["IDENTITY", "sub"],
    ["IDENTITY", "nonce"],
    ["IDENTITY", "email"],
  ])("never sets the reserved %s claim %s", (claimType, name) => {
    const { out, logs } = build([claim({ name, claimType, value: '"forged"' })], claimType);
    expect({ out, logs }).toEqual({ out: {}, logs: [] });
  });

  it("lets an access token carry a claim named like an ID token's standard claim", () => {
    expect(build([claim({ name: "email", value: "user.email" })], "RESOURCE").out).toEqual({ email: "ada@example.com" });
  });

  it("sets a claim named __proto__ as an ordinary member", () => {
    const { out } = build([claim({ name: "__proto__", value: '"p"' })], "RESOURCE");
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(["__proto__"]);
    expect(JSON.parse(JSON.stringify(out))).toEqual(JSON.parse('{"__proto__":"p"}'));
  });
});

describe("custom claims: failures never fail the token", () => {
  it("omits a claim whose evaluation fails and logs one line, keeping the other claims", () => {
    const claims = [claim({ name: "bad", value: "Arrays.get({}, 3)" }), claim({ name: "good", value: "user.firstName" })];
    expect(build(claims, "RESOURCE")).toEqual({
      out: { good: "Ada" },
      logs: [failed("bad", "position 3 out of bounds for length 0 (at position 0)")],
    });
  });

  it("reports a stored expression that no longer parses at every token", () => {
    const claims = [claim({ name: "stale", value: "1 +" })];
    expect(build(claims, "RESOURCE")).toEqual({ out: {}, logs: [failed("stale", "unexpected end of expression at position 3")] });
  });

  it("reports a stored REGEX filter that is unsafe", () => {
    const { out, logs } = build([groupsClaim("REGEX", "(a+)+")], "IDENTITY");
    expect(out).toEqual({});
    expect(logs).toEqual([failed("groups", "invalid pattern: nested quantifiers can backtrack catastrophically")]);
  });

  it("reports a stored GROUPS claim without a filter type", () => {
    expect(build([groupsClaim(null, "eng")], "IDENTITY").logs).toEqual([failed("groups", "a GROUPS claim needs a group_filter_type")]);
  });

  it("does not evaluate or log claims of the other token type or outside the granted scopes", () => {
    const claims = [claim({ name: "bad", value: "Arrays.get({}, 3)", claimType: "IDENTITY" }), claim({ name: "bad2", value: "Arrays.get({}, 3)", scopes: ["email"] })];
    expect(build(claims, "RESOURCE")).toEqual({ out: {}, logs: [] });
  });
});
