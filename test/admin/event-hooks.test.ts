import { beforeEach, describe, expect, it } from "vitest";
import { admin, BASE } from "../support/admin";
import { hookServer, waitForEvents } from "../support/log";

const hookBody = (path: string, items = ["group.lifecycle.create"], extra: Record<string, unknown> = {}) => ({
  name: `hook ${crypto.randomUUID().slice(0, 6)}`,
  events: { type: "EVENT_TYPE", items },
  channel: {
    type: "HTTP",
    version: "1.0.0",
    config: { uri: `service://HOOK_TEST${path}`, headers: [{ key: "X-Other-Header", value: "v1" }], authScheme: { type: "HEADER", key: "Authorization", value: "shared-secret" } },
  },
  ...extra,
});

async function createHook(path: string, items?: string[]) {
  const res = await admin("/eventHooks", { method: "POST", json: hookBody(path, items) });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, any>;
}

beforeEach(async () => {
  await hookServer.reset();
});

describe("event hooks: the API", () => {
  it("creates an ACTIVE, UNVERIFIED hook in Okta's shape, never returning the auth header's value", async () => {
    const hook = await createHook("/created");
    expect(hook).toEqual({
      id: expect.stringMatching(/^who[0-9A-Za-z]{17}$/),
      status: "ACTIVE",
      verificationStatus: "UNVERIFIED",
      name: expect.any(String),
      description: null,
      created: expect.any(String),
      createdBy: "bootstrap",
      lastUpdated: expect.any(String),
      events: { type: "EVENT_TYPE", items: ["group.lifecycle.create"], filter: null },
      channel: {
        type: "HTTP",
        version: "1.0.0",
        config: { uri: "service://HOOK_TEST/created", headers: [{ key: "X-Other-Header", value: "v1" }], method: "POST", authScheme: { type: "HEADER", key: "authorization" } },
      },
      _links: {
        self: { href: `${BASE}/api/v1/eventHooks/${hook.id}`, hints: { allow: [] } },
        verify: { href: `${BASE}/api/v1/eventHooks/${hook.id}/lifecycle/verify`, hints: { allow: ["POST"] } },
        deactivate: { href: `${BASE}/api/v1/eventHooks/${hook.id}/lifecycle/deactivate`, hints: { allow: ["POST"] } },
      },
    });
    expect(JSON.stringify(await (await admin(`/eventHooks/${hook.id}`)).json())).not.toContain("shared-secret");
    expect(((await (await admin("/eventHooks")).json()) as Array<{ id: string }>).map((h) => h.id)).toContain(hook.id);
  });

  it.each([
    ["an http URI that is not loopback", { uri: "http://example.com/hook" }, "channel.config.uri: The URI must use https (http only on a loopback address for local development)."],
    ["a service binding this Worker does not have", { uri: "service://HOOK_NONE/x" }, "channel.config.uri: This Worker has no Service Binding named HOOK_NONE."],
    ["a binding that is not a hook's", { uri: "service://DB/x" }, "channel.config.uri: A service URI names a binding whose name starts with HOOK_, like service://HOOK_TOKENS/path."],
  ])("refuses %s with E0000001", async (_what, config, cause) => {
    const body = hookBody("/x");
    body.channel.config = { ...body.channel.config, ...config };
    const res = await admin("/eventHooks", { method: "POST", json: body });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ errorCode: "E0000001", errorSummary: "Api validation failed: EventHook", errorLink: "E0000001", errorId: expect.any(String), errorCauses: [{ errorSummary: cause }] });
  });

  it("refuses an event type an event hook cannot subscribe to", async () => {
    const res = await admin("/eventHooks", { method: "POST", json: hookBody("/x", ["app.oauth2.as.token.grant.access_token"]) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).errorCauses).toEqual([{ errorSummary: "events.items.0: app.oauth2.as.token.grant.access_token is not an event type an event hook can subscribe to" }]);
  });

  it("deletes only an INACTIVE hook", async () => {
    const hook = await createHook("/del");
    expect((await admin(`/eventHooks/${hook.id}`, { method: "DELETE" })).status).toBe(400);
    const off = await admin(`/eventHooks/${hook.id}/lifecycle/deactivate`, { method: "POST" });
    expect(((await off.json()) as any).status).toBe("INACTIVE");
    expect((await admin(`/eventHooks/${hook.id}`, { method: "DELETE" })).status).toBe(204);
    const gone = await admin(`/eventHooks/${hook.id}`);
    expect(gone.status).toBe(404);
    expect(((await gone.json()) as any).errorSummary).toBe(`Not found: Resource not found: ${hook.id} (EventHook)`);
  });

  it("verifies with X-Okta-Verification-Challenge and the auth header, then needs verifying again when the channel changes", async () => {
    const hook = await createHook("/verify");
    const res = await admin(`/eventHooks/${hook.id}/lifecycle/verify`, { method: "POST" });
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).verificationStatus).toBe("VERIFIED");
    const [call] = await hookServer.records("/verify");
    expect(call).toMatchObject({ method: "GET", headers: { authorization: "shared-secret", "x-other-header": "v1" } });
    expect(call!.headers["x-okta-verification-challenge"]).toMatch(/^[0-9A-Za-z]{40}$/);
    await waitForEvents((e) => e.eventType === "event_hook.verified" && e.target[0]?.id === hook.id);
    const same = await admin(`/eventHooks/${hook.id}`, { method: "PUT", json: hookBody("/verify") });
    expect(((await same.json()) as any).verificationStatus).toBe("VERIFIED");
    const moved = await admin(`/eventHooks/${hook.id}`, { method: "PUT", json: hookBody("/elsewhere") });
    expect(((await moved.json()) as any).verificationStatus).toBe("UNVERIFIED");
  });

  it("fails verification with 400 E0000001 after one retry when the answer is wrong", async () => {
    const hook = await createHook("/wrong");
    await hookServer.script({ path: "/wrong", status: 200, body: { verification: "nope" } });
    const res = await admin(`/eventHooks/${hook.id}/lifecycle/verify`, { method: "POST" });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).errorCode).toBe("E0000001");
    expect(((await (await admin(`/eventHooks/${hook.id}`)).json()) as any).verificationStatus).toBe("UNVERIFIED");
  });

  it("retries verification once after a 5xx", async () => {
    const hook = await createHook("/flaky");
    await hookServer.script({ path: "/flaky", status: 503, times: 1 });
    await hookServer.script({ path: "/flaky", status: 200, body: "ECHO_CHALLENGE" });
    const res = await admin(`/eventHooks/${hook.id}/lifecycle/verify`, { method: "POST" });
    expect(res.status).toBe(200);
    expect(await hookServer.records("/flaky")).toHaveLength(2);
  });
});

describe("event hooks: delivery by the queue consumer", () => {
  it("delivers subscribed events to a verified hook in Okta's body, and nothing to an unverified one", async () => {
    const hook = await createHook("/deliver", ["group.lifecycle.create"]);
    await admin(`/eventHooks/${hook.id}/lifecycle/verify`, { method: "POST" });
    const unverified = await createHook("/unverified", ["group.lifecycle.create"]);
    const group = (await (await admin("/groups", { method: "POST", json: { profile: { name: `g-${crypto.randomUUID()}` } } })).json()) as { id: string };
    const [logged] = await waitForEvents((e) => e.eventType === "group.lifecycle.create" && e.target[0]?.id === group.id);
    let delivered: any[] = [];
    for (let i = 0; i < 50 && !delivered.length; i++) {
      delivered = (await hookServer.records("/deliver")).filter((r) => r.method === "POST");
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(delivered).toHaveLength(1);
    expect(delivered[0].headers).toMatchObject({ authorization: "shared-secret", "content-type": "application/json", accept: "application/json" });
    expect(delivered[0].body).toEqual({
      eventType: "com.okta.event_hook",
      eventTypeVersion: "1.0",
      cloudEventsVersion: "0.1",
      source: expect.stringMatching(new RegExp(`/api/v1/eventHooks/${hook.id}$`)),
      eventId: expect.any(String),
      eventTime: expect.any(String),
      contentType: "application/json",
      data: { events: [logged] },
    });
    expect(await hookServer.records("/unverified")).toEqual([]);
    void unverified;
  });

  it("retries a 5xx once, never a 4xx, and logs a failed delivery as event_hook.delivery", async () => {
    const fivexx = await createHook("/down", ["group.lifecycle.delete"]);
    const fourxx = await createHook("/refuses", ["group.lifecycle.delete"]);
    for (const h of [fivexx, fourxx]) await admin(`/eventHooks/${h.id}/lifecycle/verify`, { method: "POST" });
    await hookServer.script({ path: "/down", status: 500 });
    await hookServer.script({ path: "/refuses", status: 400 });
    const group = (await (await admin("/groups", { method: "POST", json: { profile: { name: `g-${crypto.randomUUID()}` } } })).json()) as { id: string };
    await admin(`/groups/${group.id}`, { method: "DELETE" });
    const failures = await waitForEvents((e) => e.eventType === "event_hook.delivery" && [fivexx.id, fourxx.id].includes(e.target[0]!.id), 2);
    expect(failures.map((f) => [f.target[0]!.id, f.outcome]).sort()).toEqual(
      [
        [fivexx.id, { result: "FAILURE", reason: "HTTP 500" }],
        [fourxx.id, { result: "FAILURE", reason: "HTTP 400" }],
      ].sort(),
    );
    expect((await hookServer.records("/down")).filter((r) => r.method === "POST")).toHaveLength(2);
    expect((await hookServer.records("/refuses")).filter((r) => r.method === "POST")).toHaveLength(1);
  });
});
