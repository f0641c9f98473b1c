import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createRemoteJWKSet, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { oktaClient, uniqueName } from "./support/okta";
import { createdJson } from "./support/sign-in";

// Issue 13's done-criterion end to end against wrangler dev: Okta's management SDK manages event and inline hooks
// and lists System Log events; a hook server on 127.0.0.1 receives the verification, the events (delivered by the
// queue consumer) and the token hook call; the issued token carries the claim the hook added, checked with jose
// against the server's JWKS.
const baseUrl = inject("baseUrl");
const { client: okta } = oktaClient();
const TEST_MS = 60_000;

interface Received {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: any;
}

let hookServer: Server;
let hookUrl: string;
const received: Received[] = [];

// Events reach the log and the hooks through the local queue (1 s batches) and its consumer, within a few seconds.
// (These tests once waited in vain for a minute: the console's sign-in had left the isolate's log buffer unsent.)
async function waitFor<T>(find: () => T | undefined | Promise<T | undefined>, what: string, ms = 20_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const found = await find();
    if (found) return found;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  hookServer = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const path = new URL(req.url!, "http://x").pathname;
      received.push({ method: req.method!, path, headers: req.headers, body: text ? JSON.parse(text) : null });
      const challenge = req.headers["x-okta-verification-challenge"];
      res.setHeader("Content-Type", "application/json");
      if (challenge) return res.end(JSON.stringify({ verification: challenge }));
      if (path === "/token-hook") {
        return res.end(JSON.stringify({ commands: [{ type: "com.okta.access.patch", value: [{ op: "add", path: "/claims/partner_tier", value: "gold" }] }] }));
      }
      res.statusCode = 204;
      res.end();
    });
  });
  await new Promise<void>((resolve) => hookServer.listen(0, "127.0.0.1", resolve));
  hookUrl = `http://127.0.0.1:${(hookServer.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => hookServer.close(resolve));
});

describe("the System Log, event hooks and token inline hooks against wrangler dev", () => {
  const tag = crypto.randomUUID().slice(0, 8);
  let eventHookId: string;
  let groupId: string;

  it("creates and verifies an event hook with Okta's SDK; the hook server answers the challenge", async () => {
    const hook = await okta.eventHookApi.createEventHook({
      eventHook: {
        name: uniqueName("event hook"),
        events: { type: "EVENT_TYPE", items: ["group.lifecycle.create"] },
        channel: { type: "HTTP", version: "1.0.0", config: { uri: `${hookUrl}/events`, authScheme: { type: "HEADER", key: "Authorization", value: `secret-${tag}` } } },
      } as never,
    });
    expect(hook.status).toBe("ACTIVE");
    expect(hook.verificationStatus).toBe("UNVERIFIED");
    eventHookId = hook.id!;
    const verified = await okta.eventHookApi.verifyEventHook({ eventHookId });
    expect(verified.verificationStatus).toBe("VERIFIED");
    const check = received.find((r) => r.path === "/events" && r.method === "GET")!;
    expect(check.headers.authorization).toBe(`secret-${tag}`);
    expect(check.headers["x-okta-verification-challenge"]).toBeTruthy();
  }, TEST_MS);

  it("delivers a subscribed event to the hook server in Okta's body", async () => {
    const group = await createdJson("/groups", { profile: { name: `e2e group ${tag}` } });
    groupId = group.id;
    const delivery = await waitFor(
      () => received.find((r) => r.path === "/events" && r.method === "POST" && r.body?.data?.events?.some((e: any) => e.target?.[0]?.id === groupId)),
      "the event hook delivery",
    );
    expect(delivery.headers.authorization).toBe(`secret-${tag}`);
    expect(delivery.body).toMatchObject({ eventType: "com.okta.event_hook", cloudEventsVersion: "0.1", data: { events: [{ eventType: "group.lifecycle.create", version: "0" }] } });
    expect(delivery.body.data.events[0].uuid).toMatch(/^[0-9a-f-]{36}$/);
  }, TEST_MS);

  it("lists the event with Okta's SDK (filter, since and until)", async () => {
    const since = new Date(Date.now() - 3600_000).toISOString();
    const until = new Date(Date.now() + 60_000).toISOString();
    const found = await waitFor(async () => {
      const events = [];
      const collection = await okta.systemLogApi.listLogEvents({ since, until, filter: `eventType eq "group.lifecycle.create" and target.id eq "${groupId}"` });
      for await (const e of collection) events.push(e);
      return events.length ? events : undefined;
    }, "the logged event");
    expect(found).toHaveLength(1);
    expect(found[0]!.actor!.id).toBe("bootstrap");
    expect(found[0]!.target![0]!.id).toBe(groupId);
  }, TEST_MS);

  it("adds the claim a token inline hook returns to a client_credentials token, verified with jose against the JWKS", async () => {
    const inline = await okta.inlineHookApi.createInlineHook({
      inlineHook: {
        name: uniqueName("token hook"),
        type: "com.okta.oauth2.tokens.transform",
        version: "1.0.0",
        channel: { type: "HTTP", version: "1.0.0", config: { uri: `${hookUrl}/token-hook`, method: "POST", authScheme: { type: "HEADER", key: "Authorization", value: `hook-${tag}` } } },
      } as never,
    });
    expect(inline.status).toBe("ACTIVE");
    const audience = `api://e2e/hooks-${tag}`;
    const server = await createdJson("/authorizationServers", { name: uniqueName("hooks"), description: "e2e hooks", audiences: [audience] });
    await createdJson(`/authorizationServers/${server.id}/scopes`, { name: "partner:read" });
    const policy = await createdJson(`/authorizationServers/${server.id}/policies`, {
      type: "OAUTH_AUTHORIZATION_POLICY", name: "hooks", description: "hooks", priority: 1, conditions: { clients: { include: ["ALL_CLIENTS"] } },
    });
    await createdJson(`/authorizationServers/${server.id}/policies/${policy.id}/rules`, {
      type: "RESOURCE_ACCESS",
      name: "with hook",
      conditions: { grantTypes: { include: ["client_credentials"] }, scopes: { include: ["*"] } },
      actions: { token: { accessTokenLifetimeMinutes: 60, refreshTokenLifetimeMinutes: 0, refreshTokenWindowMinutes: 10080, inlineHook: { id: inline.id } } },
    });
    const app = await createdJson("/apps", {
      name: "oidc_client", label: uniqueName("hook client"), signOnMode: "OPENID_CONNECT",
      credentials: { oauthClient: { token_endpoint_auth_method: "client_secret_basic" } },
      settings: { oauthClient: { application_type: "service", grant_types: ["client_credentials"] } },
    });
    const { client_id, client_secret } = app.credentials.oauthClient;
    const issuer = `${baseUrl}/oauth2/${server.id}`;
    const res = await fetch(`${issuer}/v1/token`, {
      method: "POST",
      headers: { Authorization: `Basic ${btoa(`${client_id}:${client_secret}`)}`, "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
      body: new URLSearchParams({ grant_type: "client_credentials", scope: "partner:read" }),
    });
    expect(res.status).toBe(200);
    const { access_token } = (await res.json()) as { access_token: string };
    const { payload } = await jwtVerify(access_token, createRemoteJWKSet(new URL(`${issuer}/v1/keys`)), { issuer, audience });
    expect(payload.partner_tier).toBe("gold");
    const call = received.find((r) => r.path === "/token-hook")!;
    expect(call.headers.authorization).toBe(`hook-${tag}`);
    expect(call.body).toMatchObject({ eventType: "com.okta.oauth2.tokens.transform", data: { access: { claims: { cid: client_id } } } });
  }, TEST_MS);

  it("filters events with Okta's EL (events.filter, set through the SDK): only the Sales membership reaches the hook", async () => {
    const expression = "event.target.?[type eq 'UserGroup' && displayName eq 'Sales'].size() > 0";
    const hook = await okta.eventHookApi.createEventHook({
      eventHook: {
        name: uniqueName("filtered hook"),
        events: {
          type: "EVENT_TYPE",
          items: ["group.user_membership.add"],
          filter: { type: "EXPRESSION_LANGUAGE", eventFilterMap: [{ event: "group.user_membership.add", condition: { expression } }] },
        },
        channel: { type: "HTTP", version: "1.0.0", config: { uri: `${hookUrl}/filtered`, authScheme: { type: "HEADER", key: "Authorization", value: `secret-${tag}` } } },
      } as never,
    });
    expect(hook.events!.filter).toMatchObject({ type: "EXPRESSION_LANGUAGE", eventFilterMap: [{ event: "group.user_membership.add", condition: { expression } }] });
    expect((await okta.eventHookApi.verifyEventHook({ eventHookId: hook.id! })).verificationStatus).toBe("VERIFIED");
    const person = await createdJson("/users?activate=true", { profile: { firstName: "Filter", lastName: "Person", email: `filter-${tag}@example.com`, login: `filter-${tag}@example.com` } });
    const support = await createdJson("/groups", { profile: { name: `Support` } });
    const sales = await createdJson("/groups", { profile: { name: `Sales` } });
    await createdJson(`/groups/${support.id}/users/${person.id}`, undefined, "PUT");
    await createdJson(`/groups/${sales.id}/users/${person.id}`, undefined, "PUT");
    const delivered = () => received.filter((r) => r.path === "/filtered" && r.method === "POST").flatMap((r) => r.body.data.events as any[]);
    const sent = await waitFor(() => delivered().find((e) => e.target?.some((t: any) => t.id === sales.id)), "the Sales membership delivery");
    expect(sent).toMatchObject({ eventType: "group.user_membership.add", target: [{ id: person.id, type: "User" }, { id: sales.id, type: "UserGroup", displayName: "Sales" }] });
    // The Support membership is in the System Log, but never delivered to the filtered hook.
    await waitFor(async () => {
      const events = [];
      for await (const e of await okta.systemLogApi.listLogEvents({ since: new Date(Date.now() - 3600_000).toISOString(), until: new Date(Date.now() + 60_000).toISOString(), filter: `eventType eq "group.user_membership.add" and target.id eq "${support.id}"` })) events.push(e);
      return events.length ? events : undefined;
    }, "the Support membership in the System Log");
    await new Promise((r) => setTimeout(r, 1000));
    expect(delivered().filter((e) => e.target?.some((t: any) => t.id === support.id))).toEqual([]);
    await okta.eventHookApi.deactivateEventHook({ eventHookId: hook.id! });
    await okta.eventHookApi.deleteEventHook({ eventHookId: hook.id! });
  }, TEST_MS);

  it("deactivates and deletes the hooks with Okta's SDK", async () => {
    await okta.eventHookApi.deactivateEventHook({ eventHookId });
    await okta.eventHookApi.deleteEventHook({ eventHookId });
    const hooks = [];
    for await (const h of await okta.eventHookApi.listEventHooks()) hooks.push(h);
    expect(hooks.map((h) => h?.id)).not.toContain(eventHookId);
  }, TEST_MS);
});
