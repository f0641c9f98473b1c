import { beforeEach, describe, expect, it } from "vitest";
import { admin, BASE } from "../support/admin";
import { hookServer } from "../support/log";

const body = (path: string, extra: Record<string, unknown> = {}) => ({
  name: "Token hook",
  type: "com.okta.oauth2.tokens.transform",
  version: "1.0.0",
  channel: { type: "HTTP", version: "1.0.0", config: { uri: `service://HOOK_TEST${path}`, headers: [{ key: "x-any-key", value: "v" }], method: "POST", authScheme: { type: "HEADER", key: "Authorization", value: "my-shared-secret" } } },
  ...extra,
});

async function create(path: string) {
  const res = await admin("/inlineHooks", { method: "POST", json: body(path) });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, any>;
}

beforeEach(async () => {
  await hookServer.reset();
});

describe("inline hooks: the API", () => {
  it("creates an ACTIVE hook in Okta's shape without the secret", async () => {
    const hook = await create("/ih");
    expect(hook).toEqual({
      id: expect.stringMatching(/^cal[0-9A-Za-z]{17}$/),
      status: "ACTIVE",
      name: "Token hook",
      type: "com.okta.oauth2.tokens.transform",
      version: "1.0.0",
      channel: { type: "HTTP", version: "1.0.0", config: { uri: "service://HOOK_TEST/ih", headers: [{ key: "x-any-key", value: "v" }], method: "POST", authScheme: { type: "header", key: "authorization" } } },
      created: expect.any(String),
      lastUpdated: expect.any(String),
      _links: {
        self: { href: `${BASE}/api/v1/inlineHooks/${hook.id}`, hints: { allow: [] } },
        deactivate: { href: `${BASE}/api/v1/inlineHooks/${hook.id}/lifecycle/deactivate`, hints: { allow: ["POST"] } },
        execute: { href: `${BASE}/api/v1/inlineHooks/${hook.id}/execute`, hints: { allow: ["POST"] } },
      },
    });
  });

  it("lists by type, replaces (POST and PUT), refuses a type change, deletes only when INACTIVE", async () => {
    const hook = await create("/ih2");
    const listed = (await (await admin("/inlineHooks?type=com.okta.oauth2.tokens.transform")).json()) as Array<{ id: string }>;
    expect(listed.map((h) => h.id)).toContain(hook.id);
    expect(await (await admin("/inlineHooks?type=com.okta.import.transform")).json()).toEqual([]);
    const renamed = await admin(`/inlineHooks/${hook.id}`, { method: "POST", json: { ...body("/ih2"), name: "Renamed", type: undefined } });
    expect(((await renamed.json()) as any).name).toBe("Renamed");
    const retyped = await admin(`/inlineHooks/${hook.id}`, { method: "PUT", json: body("/ih2", { type: "com.okta.import.transform" }) });
    expect(retyped.status).toBe(400);
    expect((await admin(`/inlineHooks/${hook.id}`, { method: "DELETE" })).status).toBe(400);
    expect((await admin(`/inlineHooks/${hook.id}/lifecycle/deactivate`, { method: "POST" })).status).toBe(200);
    expect((await admin(`/inlineHooks/${hook.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await admin(`/inlineHooks/${hook.id}`)).status).toBe(404);
  });

  it.each([
    ["another hook type", { type: "com.okta.import.transform" }, "type: must be com.okta.oauth2.tokens.transform (the only inline hook type Mintgate runs)"],
    ["no name", { name: "" }, "name: The field cannot be left blank"],
    ["a non-https URI", { channel: { type: "HTTP", version: "1.0.0", config: { uri: "http://hooks.example/x" } } }, "channel.config.uri: The URI must use https (http only on a loopback address for local development)."],
  ])("refuses %s with E0000001", async (_what, extra, cause) => {
    const res = await admin("/inlineHooks", { method: "POST", json: body("/x", extra) });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ errorCode: "E0000001", errorSummary: "Api validation failed: InlineHook", errorLink: "E0000001", errorId: expect.any(String), errorCauses: [{ errorSummary: cause }] });
  });

  it("execute sends the body as it is and returns a response that keeps the contract", async () => {
    const hook = await create("/exec");
    const answer = { commands: [{ type: "com.okta.access.patch", value: [{ op: "add", path: "/claims/x", value: 1 }] }] };
    await hookServer.script({ path: "/exec", body: answer });
    const payload = { eventType: "com.okta.oauth2.tokens.transform", data: { access: { claims: { sub: "a" } } } };
    const res = await admin(`/inlineHooks/${hook.id}/execute`, { method: "POST", json: payload });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(answer);
    expect((await hookServer.records("/exec"))[0]!.body).toEqual(payload);
  });

  it("execute retries once, then answers 400", async () => {
    const hook = await create("/exec-down");
    await hookServer.script({ path: "/exec-down", status: 502 });
    const res = await admin(`/inlineHooks/${hook.id}/execute`, { method: "POST", json: { data: {} } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).errorCauses).toEqual([{ errorSummary: "The hook answered HTTP 502." }]);
    expect(await hookServer.records("/exec-down")).toHaveLength(2);
  });
});
