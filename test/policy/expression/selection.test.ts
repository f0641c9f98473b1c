import { describe, expect, it } from "vitest";
import { EVENT_FILTER_ROOTS, evaluateExpression, parseExpression, type EvalContext, type Json } from "../../../src/policy/expression";
import { userContext } from "./fixture";

// Okta's event hook filters (help: "Okta Expression Language and event hooks"): `event`, SpEL collection selection
// `.?[...]` whose bare names are members of the item, `.size()`, and the word operators eq and ne.

const EVENT = {
  eventType: "group.user_membership.add",
  outcome: { result: "SUCCESS", reason: null },
  actor: { id: "00u1", type: "User", alternateId: "ada@example.com", displayName: "Ada" },
  debugData: { changedAttributes: "firstName" },
  target: [
    { id: "00u2", type: "User", alternateId: "bob@example.com", displayName: "Bob" },
    { id: "00gsnc3qy7Uy6JZfy0h7", type: "UserGroup", alternateId: "unknown", displayName: "Sales" },
  ],
};

const ctx = (event: Record<string, unknown> = EVENT): EvalContext => ({ ...userContext(), user: null, event });

function filter(source: string, event?: Record<string, unknown>): Json | null {
  const parsed = parseExpression(source, undefined, { roots: EVENT_FILTER_ROOTS, boolean: true });
  if (!parsed.ok) throw new Error(`parse failed: ${parsed.error.message} at ${parsed.error.position}`);
  const result = evaluateExpression(parsed.ast, ctx(event));
  if (!result.ok) throw new Error(result.error);
  return result.value;
}

describe("event hook filter expressions", () => {
  it.each([
    ["event.target.?[type eq 'UserGroup' && displayName eq 'Sales'].size() > 0", true],
    ["event.target.?[type eq 'UserGroup' && displayName eq 'Support'].size() > 0", false],
    // Okta's API example, as the Admin Console's simple UI writes it.
    ["event.target.?[type eq 'UserGroup'].size()>0 && event.target.?[displayName eq 'Sales'].size()>0", true],
    ["event.target.?[type eq 'UserGroup' && displayName eq 'Sales'].size()> 0 || event.target.?[type eq 'UserGroup' && displayName eq 'Support'].size()> 0", true],
    ["event.eventType eq 'group.user_membership.add'", true],
    ["event.outcome.result ne 'FAILURE'", true],
    ["event.actor.alternateId EQ 'ada@example.com'", true],
    ["event.debugData.changedAttributes eq 'firstName'", true],
    ["event.target.?[id eq '00u2'].size() == 1", true],
    ["event.target.?[type == 'User'][0].displayName == 'Bob'", true],
    ["event.target.size() ge 2 and event.target.size() lt 3", true],
  ])("%s is %s", (source, expected) => {
    expect(filter(source)).toBe(expected);
  });

  it("selects nothing from an event without targets, and from a missing list (null)", () => {
    expect(filter("event.target.?[type eq 'UserGroup'].size() > 0", { ...EVENT, target: [] })).toBe(false);
    expect(filter("event.nothing.?[type eq 'UserGroup'].size() == 0")).toBe(true);
  });

  it.each([
    ["user.login eq 'x'", "'user' is not available in this expression at position 0"],
    ["event.target.?[type eq 'UserGroup']", "the expression must evaluate to a boolean, not an array at position 0"],
    ["'yes'", "the expression must evaluate to a boolean, not a string at position 0"],
    ["event.target.?[displayName]", "the expression must evaluate to a boolean, not an array at position 0"],
    ["event.target.?['UserGroup'].size() > 0", "a selection needs a boolean, not a string at position 15"],
    ["event.target.?[type eq 'UserGroup'.size() > 0]", "comparisons cannot be chained; combine them with AND at position 42"],
    ["event.target.?[type eq 'UserGroup'", "unexpected end of expression at position 34"],
    ["event.target.size(1) > 0", "size() takes no arguments at position 13"],
    ["event.eventType eq", "unexpected end of expression at position 18"],
    ["a eq b eq c", "unknown identifier 'a' at position 0"],
  ])("refuses %s when saved", (source, message) => {
    const parsed = parseExpression(source, undefined, { roots: EVENT_FILTER_ROOTS, boolean: true });
    expect(parsed.ok ? "parsed" : `${parsed.error.message} at position ${parsed.error.position}`).toBe(message);
  });

  it("fails to evaluate a selection over something that is not a list", () => {
    const parsed = parseExpression("event.eventType.?[x eq 1].size() > 0", undefined, { roots: EVENT_FILTER_ROOTS });
    expect(parsed.ok && evaluateExpression(parsed.ast, ctx())).toEqual({ ok: false, error: "selection needs an array, not string (at position 0)" });
  });
});

describe("custom claims keep their bindings", () => {
  it("does not see `event`", () => {
    const parsed = parseExpression("event.eventType");
    expect(parsed.ok ? "parsed" : parsed.error.message).toBe("'event' is not available in custom claim expressions");
  });

  it("reads SpEL's word comparisons and list selection too", () => {
    const parsed = parseExpression("user.firstName eq 'Ada' ? user.tags.?[#x].size() : 0".replace("#x", "true"));
    expect(parsed.ok && evaluateExpression(parsed.ast, userContext())).toEqual({ ok: true, value: 2 });
  });
});
