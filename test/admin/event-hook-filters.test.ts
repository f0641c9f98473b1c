import { beforeEach, describe, expect, it } from "vitest";
import { admin } from "../support/admin";
import { hookServer, waitForEvents } from "../support/log";
import { createPerson } from "../support/people";

// Okta's event hook filters (EventHookFilters, Early Access): events.filter with an Okta EL condition per event type.
const SALES = "event.target.?[type eq 'UserGroup' && displayName eq 'Sales'].size() > 0";

const hookBody = (path: string, items: string[], filter?: unknown) => ({
  name: `hook ${crypto.randomUUID().slice(0, 6)}`,
  events: { type: "EVENT_TYPE", items, ...(filter === undefined ? {} : { filter }) },
  channel: { type: "HTTP", version: "1.0.0", config: { uri: `service://HOOK_TEST${path}`, authScheme: { type: "HEADER", key: "Authorization", value: "shared-secret" } } },
});

const salesFilter = (expression = SALES, event = "group.user_membership.add") => ({
  type: "EXPRESSION_LANGUAGE",
  eventFilterMap: [{ event, condition: { expression } }],
});

async function expectInvalid(body: unknown, causes: string[]): Promise<void> {
  const res = await admin("/eventHooks", { method: "POST", json: body });
  expect(res.status).toBe(400);
  expect(await res.json()).toEqual({
    errorCode: "E0000001",
    errorSummary: "Api validation failed: EventHook",
    errorLink: "E0000001",
    errorId: expect.any(String),
    errorCauses: causes.map((errorSummary) => ({ errorSummary })),
  });
}

beforeEach(async () => {
  await hookServer.reset();
});

describe("event hook filters: the API", () => {
  it("stores a filter and returns it in Okta's shape (condition.version null); replacing it with none turns it off", async () => {
    const res = await admin("/eventHooks", { method: "POST", json: hookBody("/f", ["group.user_membership.add", "group.lifecycle.create"], { eventFilterMap: salesFilter().eventFilterMap }) });
    expect(res.status).toBe(200);
    const hook = (await res.json()) as Record<string, any>;
    const events = {
      type: "EVENT_TYPE",
      items: ["group.user_membership.add", "group.lifecycle.create"],
      filter: { type: "EXPRESSION_LANGUAGE", eventFilterMap: [{ event: "group.user_membership.add", condition: { version: null, expression: SALES } }] },
    };
    expect(hook.events).toEqual(events);
    expect(((await (await admin(`/eventHooks/${hook.id}`)).json()) as any).events).toEqual(events);
    const cleared = await admin(`/eventHooks/${hook.id}`, { method: "PUT", json: hookBody("/f", ["group.user_membership.add"], { type: "EXPRESSION_LANGUAGE", eventFilterMap: [] }) });
    expect(((await cleared.json()) as any).events).toEqual({ type: "EVENT_TYPE", items: ["group.user_membership.add"], filter: null });
    const again = await admin(`/eventHooks/${hook.id}`, { method: "PUT", json: hookBody("/f", ["group.user_membership.add"], salesFilter()) });
    expect(((await again.json()) as any).events.filter.eventFilterMap).toHaveLength(1);
    const nulled = await admin(`/eventHooks/${hook.id}`, { method: "PUT", json: hookBody("/f", ["group.user_membership.add"], null) });
    expect(((await nulled.json()) as any).events.filter).toBeNull();
    await admin(`/eventHooks/${hook.id}/lifecycle/deactivate`, { method: "POST" });
  });

  it.each([
    ["a filter on an event type the hook does not subscribe to", salesFilter(SALES, "group.lifecycle.create"), ["events.filter.eventFilterMap.0.event: group.lifecycle.create is not one of the event hook's subscribed event types (events.items)"]],
    ["an expression that does not parse", salesFilter("event.target.?[type eq 'UserGroup'"), ["events.filter.eventFilterMap.0.condition.expression: Invalid Okta Expression Language expression: unexpected end of expression at position 34"]],
    ["an expression that is not a boolean", salesFilter("event.eventType"), []],
    ["an expression naming something other than the event", salesFilter("user.login eq 'x'"), ["events.filter.eventFilterMap.0.condition.expression: Invalid Okta Expression Language expression: 'user' is not available in this expression at position 0"]],
    ["an expression known not to be a boolean", salesFilter("'yes'"), ["events.filter.eventFilterMap.0.condition.expression: Invalid Okta Expression Language expression: the expression must evaluate to a boolean, not a string at position 0"]],
    ["an empty expression", salesFilter(""), ["events.filter.eventFilterMap.0.condition.expression: The field cannot be left blank"]],
    ["a filter type other than EXPRESSION_LANGUAGE", { ...salesFilter(), type: "SCIM" }, ["events.filter.type: must be EXPRESSION_LANGUAGE"]],
    ["two filters for one event type", { eventFilterMap: [...salesFilter().eventFilterMap, ...salesFilter().eventFilterMap] }, ["events.filter.eventFilterMap.1.event: group.user_membership.add has more than one filter"]],
  ])("refuses %s with E0000001 and the cause", async (_what, filter, causes) => {
    if (causes.length === 0) {
      // Whether event.eventType is a boolean is known only for the event: accepted when saved, false when delivered.
      const res = await admin("/eventHooks", { method: "POST", json: hookBody("/x", ["group.user_membership.add"], filter) });
      expect(res.status).toBe(200);
      await admin(`/eventHooks/${((await res.json()) as any).id}/lifecycle/deactivate`, { method: "POST" });
      return;
    }
    await expectInvalid(hookBody("/x", ["group.user_membership.add"], filter), causes);
  });
});

describe("event hook filters: delivery", () => {
  it("delivers a filtered type only when its condition is true, and the other subscribed types as before", async () => {
    const res = await admin("/eventHooks", { method: "POST", json: hookBody("/sales", ["group.user_membership.add", "group.lifecycle.create"], salesFilter()) });
    const hook = (await res.json()) as Record<string, any>;
    expect((await admin(`/eventHooks/${hook.id}/lifecycle/verify`, { method: "POST" })).status).toBe(200);
    const person = await createPerson();
    const group = async (name: string) => (await (await admin("/groups", { method: "POST", json: { profile: { name } } })).json()) as { id: string };
    const support = await group(`Support`);
    const sales = await group(`Sales`);
    expect((await admin(`/groups/${support.id}/users/${person.id}`, { method: "PUT" })).status).toBe(204);
    expect((await admin(`/groups/${sales.id}/users/${person.id}`, { method: "PUT" })).status).toBe(204);
    // Okta's targets of a membership event: the user and the group, by name.
    const [added] = await waitForEvents((e) => e.eventType === "group.user_membership.add" && e.target.some((t) => t.id === sales.id));
    expect(added!.target).toEqual([
      { id: person.id, type: "User", alternateId: person.login, displayName: expect.any(String), detailEntry: null },
      { id: sales.id, type: "UserGroup", alternateId: "unknown", displayName: "Sales", detailEntry: null },
    ]);
    await waitForEvents((e) => e.eventType === "group.user_membership.add" && e.target.some((t) => t.id === support.id));
    const delivered = async () => (await hookServer.records("/sales")).filter((r) => r.method === "POST").flatMap((r) => r.body.data.events as Array<Record<string, any>>);
    for (let i = 0; i < 50 && !(await delivered()).some((e) => e.uuid === added!.uuid); i++) await new Promise((r) => setTimeout(r, 100));
    // Every batch that was written has been offered to the hook by now; give the last one a moment.
    await new Promise((r) => setTimeout(r, 500));
    const got = await delivered();
    const memberships = got.filter((e) => e.eventType === "group.user_membership.add");
    expect(memberships.map((e) => e.uuid)).toEqual([added!.uuid]);
    expect(got.filter((e) => e.eventType === "group.lifecycle.create").map((e) => e.target[0].id).sort()).toEqual([support.id, sales.id].sort());
  });
});
