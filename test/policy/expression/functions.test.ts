import { describe, expect, it } from "vitest";
import { evaluateExpression, parseExpression, type EvalContext, type Json } from "../../../src/policy/expression";
import { userContext } from "./fixture";

function run(source: string, ctx: EvalContext = userContext()) {
  const parsed = parseExpression(source);
  if (!parsed.ok) throw new Error(`parse failed: ${parsed.error.message} at ${parsed.error.position}`);
  return evaluateExpression(parsed.ast, ctx);
}

const cases: Array<[string, Json | null]> = [
  // String functions: Okta's documented examples
  ['String.append("This is", " a test")', "This is a test"],
  ['String.join(",", "This", "is", "a", "test")', "This,is,a,test"],
  ['String.join("", "This", "is", "a", "test")', "Thisisatest"],
  ['String.join(" ", access.scope)', "openid profile email"],
  ['String.join(",")', ""],
  ['String.len("This")', 4],
  ['String.removeSpaces("This is a test")', "Thisisatest"],
  ['String.replace("This is a test", "is", "at")', "That at a test"],
  ['String.replaceFirst("This is a test", "is", "at")', "That is a test"],
  ['String.stringContains("This is a test", "test")', true],
  ['String.stringContains("This is a test", "doesn\'tExist")', false],
  ['String.stringSwitch("This is a test", "default", "key1", "value1")', "default"],
  ['String.stringSwitch("This is a test", "default", "test", "value1")', "value1"],
  ['String.stringSwitch("First match wins", "default", "absent", "value1", "wins", "value2", "match", "value3")', "value2"],
  ['String.stringSwitch("Substrings count", "default", "ring", "value1")', "value1"],
  ['String.substring("This is a test", 2, 9)', "is is a"],
  ['String.substringAfter("abc@okta.com", "@")', "okta.com"],
  ['String.substringBefore("abc@okta.com", "@")', "abc"],
  ['String.toUpperCase("This")', "THIS"],
  ['String.toLowerCase("ThiS")', "this"],
  // ... and their edges
  ['String.substringBefore("abc", "@")', "abc"],
  ['String.substringAfter("abc", "@")', ""],
  ['String.substringBefore("abc", "")', ""],
  ['String.substringAfter("abc", "")', "abc"],
  ["String.substringBefore(user.missing, '@')", null],
  ["String.toUpperCase(user.missing)", null],
  ["String.len(null)", 0],
  ["String.len(user.missing)", 0],
  ["String.len(12345)", 5],
  ["String.stringContains(null, 'a')", false],
  ["String.append(null, 'a')", null],
  ["String.append('a', null)", "a"],
  ["String.substring('abc', 0, 0)", ""],
  ["String.substring('abc', 3, 3)", ""],
  ["String.stringSwitch(null, 'd', 'a', 'b')", "d"],
  // String.replace is Java replaceAll: regex match, $n group references
  ['String.replace(user.email, "@.*", "")', "ada"],
  ['String.replace("a1b22c333", "[0-9]+", "#")', "a#b#c#"],
  ['String.replace("John Smith", "(\\w+) (\\w+)", "$2, $1")', "Smith, John"],
  ['String.replace("ada@example.com", "(?<u>[^@]+)@(?<d>.+)", "${d}/${u}")', "example.com/ada"],
  ['String.replace("a.b.c", "\\.", "-")', "a-b-c"],
  ['String.replace("cost", "o", "\\$")', "c$st"],
  ['String.replace("abc", "", "-")', "-a-b-c-"],
  ['String.replace("aaa", "a*", "X")', "XX"],
  ['String.replaceFirst("a-b-c", "-", "+")', "a+b-c"],
  ['String.replace("  two  spaces ", "\\s+", " ")', " two spaces "],
  ["String.replace(user.missing, 'a', 'b')", null],

  // Array functions: Okta's documented examples
  ["Arrays.add({10, 20, 30}, 40)", [10, 20, 30, 40]],
  ["Arrays.remove({10, 20, 30}, 20)", [10, 30]],
  ["Arrays.clear({10, 20, 30})", []],
  ["Arrays.get({0, 1, 2}, 0)", 0],
  ["Arrays.flatten(10, {20, 30}, 40)", [10, 20, 30, 40]],
  ["Arrays.contains({10, 20, 30}, 10)", true],
  ["Arrays.contains({10, 20, 30}, 50)", false],
  ["Arrays.size({10, 20, 30})", 3],
  ["Arrays.size(NULL)", 0],
  ["Arrays.isEmpty({10, 20})", false],
  ["Arrays.isEmpty(NULL)", true],
  ['Arrays.toCsvString({"This", "is", " a ", "test"})', "This,is, a ,test"],
  // ... and their edges
  ["Arrays.remove({1, 2, 1}, 1)", [2, 1]],
  ["Arrays.add(null, 1)", [1]],
  ["Arrays.flatten({1, {2, {3}}}, {})", [1, 2, 3]],
  ["Arrays.contains(access.scope, 'email')", true],
  ["Arrays.contains(null, 'email')", false],
  ["Arrays.contains({1, 2}, 2.0)", true],
  ["Arrays.isEmpty('')", true],
  ["Arrays.isEmpty('x')", false],
  ["Arrays.toCsvString({})", ""],
  ["Arrays.toCsvString(null)", null],
  ["Arrays.get(access.scope, 2)", "email"],

  // Conversion functions: Okta's documented examples
  ["Convert.toInt('1234')", 1234],
  ["Convert.toInt(123.4)", 123],
  ["Convert.toInt(123.6)", 124],
  ["Convert.toNum('3.141')", 3.141],
  // ... and their edges
  ["Convert.toInt('-42')", -42],
  ["Convert.toInt(null)", null],
  ["Convert.toNum(' 2.5 ')", 2.5],
  ["Convert.toNum('1e3')", 1000],
  ["Convert.toNum(7)", 7],

  // Time functions (now = 2015-07-31T17:18:37.979Z)
  ["Time.now()", "2015-07-31T17:18:37.979Z"],
  ['Time.now("UTC")', "2015-07-31T17:18:37.979Z"],
  ['Time.now("America/New_York")', "2015-07-31T13:18:37.979-04:00"],
  ['Time.now("America/New_York", "YYYY-MM-dd HH:mm:ss")', "2015-07-31 13:18:37"],
  ['Time.now("Asia/Kolkata", "HH:mm ZZ")', "22:48 +05:30"],
  // Legacy ids resolve like Java's: "EST" is a fixed -05:00 zone, "US/Pacific" an alias of America/Los_Angeles.
  ['Time.now("EST")', "2015-07-31T12:18:37.979-05:00"],
  ['Time.now("US/Pacific", "yyyy-MM-dd HH:mm ZZZ")', "2015-07-31 10:18 US/Pacific"],
  ['Time.now("UTC", "EEE, d MMM yyyy h:mm a \'(week)\' Z")', "Fri, 31 Jul 2015 5:18 PM (week) +0000"],
  ['Time.now(null, "MMMM EEEE SSS")', "July Friday 979"],
  ['Time.fromUnixToIso8601("1438363117")', "2015-07-31T17:18:37.000Z"],
  ['Time.fromIso8601ToUnix("2015-07-31T17:18:37.979Z")', "1438363117"],
  ['Time.fromIso8601ToUnix("2015-07-31T13:18:37-04:00")', "1438363117"],
  ['Time.fromIso8601ToString("2015-07-31T13:18:37-04:00", "yyyy/MM/dd HH:mm")', "2015/07/31 17:18"],
  ['Time.fromWindowsToIso8601("130828367179790000")', "2015-07-31T17:18:37.979Z"],
  ['Time.fromIso8601ToWindows("2015-07-31T17:18:37.979Z")', "130828367179790000"],

  // Group functions (groups: Everyone, IT-Admins, it-support, Sales)
  ['isMemberOfGroupName("Sales")', true],
  ['isMemberOfGroupName("sales")', true],
  ['isMemberOfGroupName("Nope")', false],
  ['isMemberOfGroup("00g2")', true],
  ['isMemberOfGroup("00g9")', false],
  ['isMemberOfAnyGroup("00gX", "00g4")', true],
  ['isMemberOfAnyGroup("00gX")', false],
  ["isMemberOfAnyGroup(app.profile.allowlist)", true],
  ['isMemberOfGroupNameStartsWith("IT-")', true],
  ['isMemberOfGroupNameContains("support")', true],
  ['isMemberOfGroupNameRegex(".*Admin.*")', true],
  ['isMemberOfGroupNameRegex("admin")', false],
  ['isMemberOfGroupNameRegex("it-.*")', true],
  ['Groups.startsWith("OKTA", "IT", 10)', ["IT-Admins", "it-support"]],
  ['Groups.startsWith("OKTA", "IT", 1)', ["IT-Admins"]],
  ['Groups.endsWith("OKTA", "s", 100)', ["IT-Admins", "Sales"]],
  ['Groups.contains("OKTA", "-", 100)', ["IT-Admins", "it-support"]],
  ['Groups.startsWith("active_directory", "IT", 10)', []],
  ['Groups.startsWith("OKTA", "zzz", 10)', []],
  ['getFilteredGroups(app.profile.allowlist, "group.name", 40)', ["IT-Admins", "Sales"]],
  ['getFilteredGroups({"00g4", "00g2"}, "group.id", 1)', ["00g4"]],
  [
    'Arrays.isEmpty(Arrays.toCsvString(Groups.startsWith("OKTA","IT",100))) ? Groups.startsWith("OKTA","Sales",100) : Arrays.flatten(Groups.startsWith("OKTA","Sales",100),Groups.startsWith("OKTA","IT",100))',
    ["Sales", "IT-Admins", "it-support"],
  ],
];

describe("built-in functions", () => {
  it.each(cases)("%s", (source, expected) => {
    expect(run(source)).toEqual({ ok: true, value: expected });
  });
});
