import { describe, expect, it } from "vitest";
import { evaluateExpression, omitsClaim, parseExpression, type EvalContext, type Json } from "../../../src/policy/expression";
import { clientContext, userContext } from "./fixture";

function run(source: string, ctx: EvalContext = userContext()) {
  const parsed = parseExpression(source);
  if (!parsed.ok) throw new Error(`parse failed: ${parsed.error.message} at ${parsed.error.position}`);
  return evaluateExpression(parsed.ast, ctx);
}

describe("evaluateExpression without a user (client_credentials)", () => {
  it.each<[string, Json | null]>([
    ["user", null],
    ["user == null", true],
    ["appuser != null", false],
    ["(appuser != null) ? appuser.userName : app.clientId", "client-1"],
    ["user.email", null],
    ["user.profile.email", null],
    ['user.firstName + " " + user.lastName', null],
    ["String.toUpperCase(user.email)", null],
    ['user.getInternalProperty("id")', null],
    ['isMemberOfGroupName("Sales")', null],
    ['Groups.startsWith("OKTA", "IT", 10)', null],
    ['getFilteredGroups({"00g2"}, "group.name", 1)', null],
    ["user != null AND user.email == 'x'", false],
    ["user == null OR user.email == 'x'", true],
    ["app.clientId", "client-1"],
    ["access.scope", ["openid", "profile", "email"]],
    ["Time.now()", "2015-07-31T17:18:37.979Z"],
  ])("%s", (source, expected) => {
    expect(run(source, clientContext())).toEqual({ ok: true, value: expected });
  });
});

describe("evaluation errors", () => {
  it.each<[string, RegExp]>([
    ['String.substring("abc", 2, 9)', /out of range/],
    ['String.substring("abc", 2, 1)', /out of range/],
    ['String.substring("abc", 1.5, 2)', /must be an integer/],
    ["Arrays.get({}, 0)", /out of bounds/],
    ["Arrays.flatten({1}, user.missing)", /null/],
    ["1 / 0", /division by zero/],
    ["5 % 0", /division by zero/],
    ["user.firstName - 1", /needs numbers/],
    ["user.salary + user.isContractor", /needs numbers/],
    ["user.missing AND true", /AND needs a boolean, not null/],
    ["!user.firstName", /'!' needs a boolean/],
    ["user.firstName ? 1 : 2", /condition needs a boolean/],
    ["Convert.toInt('12x')", /cannot convert/],
    ["Convert.toInt('99999999999')", /integer range/],
    ["Convert.toNum('abc')", /cannot convert/],
    ['Groups.startsWith("OKTA", "IT", app.profile.tier)', /limit must be an integer/],
    ['Groups.startsWith("OKTA", "IT", user.salary)', /between 1 and 100/],
    ['Groups.startsWith("OKTA", user.missing, 10)', /must not be null/],
    ['getFilteredGroups({"00g2"}, "group.profile.name", 10)', /unsupported group attribute/],
    ['Time.now("Mars/Olympus")', /unknown time zone/],
    ['Time.now("UTC", "yyyy QQ")', /unsupported letter 'Q'/],
    ['Time.fromIso8601ToUnix("yesterday")', /not an ISO 8601 time/],
    ["user.firstName.length", /cannot read property 'length' of string/],
    ["user.firstName < 1", /cannot compare string with number/],
    ["user.tags[5]", /out of bounds/],
    ['String.replace(user.email, user.firstName + "(", "")', /invalid pattern/],
    ['String.replace("abc", "b", "$2")', /no group 2/],
    ['String.replace("abc", "b", "$")', /illegal group reference/],
    ['String.len({1})', /must be a string, not array/],
    ["Arrays.size('abc')", /must be an array, not string/],
  ])("%s", (source, message) => {
    const result = run(source);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(message);
  });

  it("reports the position of the failing node", () => {
    expect(run('"x" + Arrays.get({}, 3)')).toEqual({ ok: false, error: "position 3 out of bounds for length 0 (at position 6)" });
  });
});

describe("omitsClaim", () => {
  it.each<[Json | null, boolean]>([
    [null, true],
    [[], true],
    ["", false],
    [0, false],
    [false, false],
    [["a"], false],
  ])("%j -> %s", (value, omitted) => {
    expect(omitsClaim(value)).toBe(omitted);
  });
});
