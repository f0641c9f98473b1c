import { describe, expect, it } from "vitest";
import { evaluateExpression, parseExpression, type EvalContext, type Json } from "../../../src/policy/expression";
import { userContext } from "./fixture";

function run(source: string, ctx: EvalContext = userContext()) {
  const parsed = parseExpression(source);
  if (!parsed.ok) throw new Error(`parse failed: ${parsed.error.message} at ${parsed.error.position}`);
  return evaluateExpression(parsed.ast, ctx);
}

const PROFILE = userContext().user?.profile as Json;

const cases: Array<[string, Json | null]> = [
  // Literals (SpEL: quotes escape by doubling, backslash is literal)
  ["'hello'", "hello"],
  ['"hello"', "hello"],
  ["'it''s'", "it's"],
  ['"say ""hi"""', 'say "hi"'],
  ['"it\'s"', "it's"],
  ['"XDOMAIN\\"', "XDOMAIN\\"],
  ["1234", 1234],
  ["3.141", 3.141],
  ["1e3", 1000],
  ["true", true],
  ["FALSE", false],
  ["null", null],
  ["NULL", null],
  ["{10, 20, 30}", [10, 20, 30]],
  ["[1, 'a', true, null]", [1, "a", true, null]],
  ["{}", []],
  ["{{1, 2}, {3}}", [[1, 2], [3]]],

  // Arithmetic and precedence
  ["1 + 2 * 3", 7],
  ["(1 + 2) * 3", 9],
  ["10 - 2 - 3", 5],
  ["7 / 2", 3],
  ["-7 / 2", -3],
  ["7.5 / 2", 3.75],
  ["7 % 4", 3],
  ["-5 + 2", -5 + 2],
  ["2 * -3", -6],
  ["+4", 4],
  ["- (2 + 3)", -5],
  ["true ? 1 : 2 + 3", 1],
  ["false ? 1 : 2 + 3", 5],

  // + concatenates when either side is a string (Java String.valueOf)
  ['"a" + 1', "a1"],
  ['1 + "a"', "1a"],
  ['1 + 2 + "a"', "3a"],
  ['"a" + 1 + 2', "a12"],
  ['"x" + null', "xnull"],
  ['"x" + true', "xtrue"],
  ['"s:" + {1, "b"}', "s:[1, b]"],
  ['"p:" + app.profile.nested', "p:{a=1}"],
  ["user.firstName + user.lastName", "AdaLovelace"],
  ['user.firstName + " " + user.lastName', "Ada Lovelace"],
  ['user.firstName + "." + user.lastName', "Ada.Lovelace"],
  ["String.len(user.firstName) - 1", 2],

  // Equality and ordering (SpEL)
  ["1 == 1.0", true],
  ["'a' == 'a'", true],
  ["'a' != 'b'", true],
  ["1 == '1'", false],
  ["null == null", true],
  ["user.middleName == null", true],
  ["user.missing == null", true],
  ["user.email != null", true],
  ["{1, 2} == {1, 2}", true],
  ["{1, 2} == {2, 1}", false],
  ["2 > 1", true],
  ["1 >= 1", true],
  ["1 <= 0", false],
  ["'apple' < 'banana'", true],
  ["'B' < 'a'", true],
  ["null < 1", true],
  ["1 > null", true],
  ["false < true", true],
  ["1 + 2 == 3", true],
  ["!false == true", true],
  ["'a' + 'b' == 'ab' AND 2 * 3 == 6", true],

  // Okta docs samples
  ["user.groupCode == 123 ? 'Sales' : 'Other'", "Sales"],
  ["user.salary >= 1000000", true],
  ["user.salary > 1000000 AND !user.isContractor", true],
  ['String.stringContains(user.firstName, "dummy")', false],
  ['user.firstName + " " + (String.len(user.middleName) == 0 ? "" : (String.substring(user.middleName, 0, 1) + ". ")) + user.lastName', "Ada Lovelace"],
  ["substring(user.firstName, 0, 1) + user.lastName", "ALovelace"],
  ["substring(user.firstName, 0, 1) + substring(user.lastName, 0, 6)", "ALovela"],
  ['toLowerCase(substring( user.firstName, 0, 1)) + "." + toLowerCase(user.lastName)', "a.lovelace"],
  ['toUpperCase(substringBefore( substringAfter(user.email, "@"), ".")) + "\\" + substringBefore( user.email, "@")', "EXAMPLE\\ada"],
  ['String.stringContains(user.email, "@") ? String.substringBefore(user.email, "@") : user.email', "ada"],
  ["(appuser != null) ? appuser.userName : app.clientId", "ada@example.com"],

  // Logic
  ["true AND false", false],
  ["true and true", true],
  ["false OR true", true],
  ["false or false", false],
  ["true || false", true],
  ["true && false", false],
  ["!true", false],
  ["not false", true],
  ["NOT true", false],
  ["!!true", true],
  ["true OR false AND false", true],
  ["(true OR false) AND false", false],
  ["false AND Arrays.get({}, 0) == 1", false],
  ["true OR Arrays.get({}, 0) == 1", true],

  // Conditional and Elvis
  ["true ? 'y' : 'n'", "y"],
  ["false ? 'y' : true ? 'a' : 'b'", "a"],
  ["user.nickname ?: user.firstName", "Ada"],
  ["user.firstName ?: 'x'", "Ada"],
  ["user.missing ?: 'fallback'", "fallback"],

  // Bindings and navigation
  ["user.email", "ada@example.com"],
  ["user.secondEmail", "ada@work.example"],
  ["user.profile.email", "ada@example.com"],
  ["user.id", "00u1"],
  ['user.getInternalProperty("id")', "00u1"],
  ['user.getInternalProperty("status")', null],
  ["user.address.city", "London"],
  ["user.address.zip", null],
  ["user.missing.deeper", null],
  ["user.tags", ["a", "b"]],
  ["user.tags[1]", "b"],
  ["user['firstName']", "Ada"],
  ["user?.email", "ada@example.com"],
  ["user.constructor", null],
  ["user.__proto__", null],
  ["app.__proto__", null],
  ["app.profile.constructor", null],
  ["app.profile.hasOwnProperty", null],
  ["app.id", "0oa1"],
  ["app.clientId", "client-1"],
  ["app.label", "Example App"],
  ["app.profile.label", "Example App"],
  ["app.profile.tier", "gold"],
  ["app.profile.nested", { a: 1 }],
  ["app.domain", null],
  ["org.name", "Acme"],
  ["org.subdomain", "acme"],
  ["org.domain", null],
  ["access.scope", ["openid", "profile", "email"]],
  ["access.scope[0]", "openid"],
  ["appuser.userName", "ada@example.com"],
  ["appuser.username", "ada@example.com"],
  ["appuser.firstName", "Ada"],
  ["'abc'[1]", "b"],
  ["user.profile", PROFILE],
  ["user", PROFILE],
  ["appuser.userName == user.login", true],
  ["app", { id: "0oa1", clientId: "client-1", label: "Example App", profile: userContext().app.profile as Json }],
  ["org", { name: "Acme", subdomain: "acme" }],

];

describe("operators, literals and bindings", () => {
  it.each(cases)("%s", (source, expected) => {
    expect(run(source)).toEqual({ ok: true, value: expected });
  });
});
