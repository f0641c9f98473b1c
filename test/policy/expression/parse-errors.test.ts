import { describe, expect, it } from "vitest";
import { parseExpression } from "../../../src/policy/expression";

describe("parseExpression rejects, with the position of the problem", () => {
  it.each<[string, string, number]>([
    // Lexical
    ["'abc", "unterminated string literal", 0],
    ['user.firstName + "abc', "unterminated string literal", 17],
    ["'it''s", "unterminated string literal", 0],
    ["1 # 2", "unexpected character '#'", 2],
    ["user.email ; 1", "unexpected character ';'", 11],
    ["1e", "malformed number exponent", 0],
    ["12abc", "malformed number", 0],
    ["1e999", "number out of range", 0],
    ["", "expression is empty", 0],
    ["   ", "expression is empty", 0],
    // Unknown names
    ["String.foo(1)", "unknown function 'String.foo'", 0],
    ["1 + String.foo(1)", "unknown function 'String.foo'", 4],
    ["foo(1)", "unknown function 'foo'", 0],
    ["Math.max(1, 2)", "unknown function 'Math.max'", 0],
    ["Strin.len('x')", "unknown function 'Strin.len'", 0],
    ['Iso3166Convert.toAlpha2("IND")', "unknown function 'Iso3166Convert.toAlpha2'", 0],
    ["String.len", "expected a function call after 'String'", 0],
    ["zendesk.firstName", "unknown identifier 'zendesk'", 0],
    ["a.b", "unknown identifier 'a'", 0],
    ["idpuser.firstName", "'idpuser' is not available in custom claim expressions", 0],
    ["session.amr", "'session' is not available in custom claim expressions", 0],
    ["user.getGroups({'group.type': {'OKTA_GROUP'}})", "unknown function 'user.getGroups'", 0],
    ["app.getLabel()", "unknown function 'app.getLabel'", 0],
    ["user.firstName.substring(0, 1)", "method calls on values are not supported", 0],
    ["Time.now", "expected a function call after 'Time'", 0],
    ["String", "expected a function call after 'String'", 0],
    // Arity
    ['String.len("a", "b")', "String.len takes 1 argument, got 2", 0],
    ['  String.substring("a", 1)', "String.substring takes 3 arguments, got 2", 2],
    ["Arrays.size()", "Arrays.size takes 1 argument, got 0", 0],
    ['Time.now("UTC", "yyyy", 1)', "Time.now takes 0 to 2 arguments, got 3", 0],
    ["isMemberOfAnyGroup()", "isMemberOfAnyGroup takes at least 1 argument, got 0", 0],
    ['String.stringSwitch("a", "d", "k")', "String.stringSwitch takes 2 arguments followed by key/value pairs, got 3", 0],
    ['true AND isMemberOfGroupName("a", "b")', "isMemberOfGroupName takes 1 argument, got 2", 9],
    // Save-time checks of literal arguments
    ['Groups.startsWith("OKTA", "IT", 101)', "Groups.startsWith: limit must be an integer between 1 and 100", 32],
    ['Groups.contains("OKTA", "IT", 0)', "Groups.contains: limit must be an integer between 1 and 100", 30],
    ['getFilteredGroups({"00g1"}, "group.name", 1.5)', "getFilteredGroups: limit must be an integer between 1 and 100", 42],
    ['String.replace(user.email, "(a+)+", "")', "String.replace: invalid pattern: nested quantifiers can backtrack catastrophically", 29],
    ['String.replace(user.email, "\\1", "")', "String.replace: invalid pattern: backreferences are not allowed", 28],
    ['isMemberOfGroupNameRegex("(?=a)")', "isMemberOfGroupNameRegex: invalid pattern: lookaround, atomic groups and inline flags are not allowed", 26],
    // Syntax
    ["1 +", "unexpected end of expression", 3],
    ["AND true", "unexpected 'AND'", 0],
    ["true AND or false", "unexpected 'or'", 9],
    ["1 + * 2", "unexpected '*'", 4],
    ["(1 + 2", "unexpected end of expression", 6],
    ["1 + 2)", "unexpected ')'", 5],
    ["1 2", "unexpected '2'", 2],
    ["'a' 'b'", "unexpected string literal", 4],
    ["user.", "expected a property name", 5],
    ["user.1", "expected a property name", 5],
    ["user[", "unexpected end of expression", 5],
    ["true ?", "unexpected end of expression", 6],
    ["true ? 1", "unexpected end of expression", 8],
    ["true ? 1 2", "unexpected '2'", 9],
    ["{1, 2", "unexpected end of expression", 5],
    ["{1,, 2}", "unexpected ','", 3],
    ["String.len(,)", "unexpected ','", 11],
    ["{'a': 1}", "map literals are not supported", 0],
    ["1 < 2 < 3", "comparisons cannot be chained; combine them with AND", 6],
    ["1 == 1 == true", "comparisons cannot be chained; combine them with AND", 7],
    ["=", "unexpected character '='", 0],
    ["user.email = 'x'", "unexpected character '='", 11],
    // Light type check
    ['"yes" AND true', "AND needs a boolean, not a string", 0],
    ["true AND 1", "AND needs a boolean, not a number", 9],
    ["{1} OR true", "OR needs a boolean, not an array", 0],
    ['!"x"', "'!' needs a boolean, not a string", 1],
    ['"a" - 1', "'-' needs a number, not a string", 0],
    ["2 * true", "'*' needs a number, not a boolean", 4],
    ["-'a'", "unary '-' needs a number, not a string", 1],
    ["null + 1", "'+' needs a number, not null", 0],
    ["user.salary + true", "'+' needs a number, not a boolean", 14],
    ["1 ? 2 : 3", "a condition needs a boolean, not a number", 0],
    ["String.len('x') ? 1 : 2", "a condition needs a boolean, not a number", 0],
    ["'a' < 1", "cannot compare a string with a number", 0],
    ["{1} > {0}", "cannot compare an array with an array", 0],
  ])("%s", (source, message, position) => {
    expect(parseExpression(source)).toEqual({ ok: false, error: { message, position } });
  });
});

describe("parseExpression accepts", () => {
  it.each([
    "(appuser != null) ? appuser.userName : app.clientId",
    "user.firstName",
    "  user.email  ",
    "isMemberOfGroupName('a') ? 'x' : null",
    "user.a == 1 OR user.b == 2 AND NOT user.c",
    'String.replace(user.email, "[^a-z]", "")',
    'Groups.startsWith("OKTA", "IT", user.limit)',
    "user?.address?.city",
    "user.firstName ?: 'none'",
    "a?:b".replace("a", "user.x").replace("b", "1"),
    "((((((((1))))))))",
    "'a' < user.name",
    "null < 1",
  ])("%s", (source) => {
    expect(parseExpression(source).ok).toBe(true);
  });

  it("produces a tree that records source positions", () => {
    expect(parseExpression("1 + user.email")).toEqual({
      ok: true,
      ast: {
        kind: "binary",
        op: "+",
        pos: 0,
        left: { kind: "literal", value: 1, pos: 0 },
        right: { kind: "member", name: "email", pos: 4, object: { kind: "root", name: "user", pos: 4 } },
      },
    });
  });
});
