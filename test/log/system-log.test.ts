import { env } from "cloudflare:workers";
import { createMessageBatch } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../src/index";
import { runRetention } from "../../src/jobs/retention";
import type { LogEvent } from "../../src/log/event";
import { admin } from "../support/admin";
import { basicAuth, clientCredentials, createApp, oauthPost, readyServer, tokenBody, type Client, type ReadyServer } from "../support/clients";
import { appFor, createPerson, peopleServer, refresh, tokensFor } from "../support/people";
import { orgToken, serviceApp } from "../support/org";
import { allEvents, waitForEvents } from "../support/log";

let rs: ReadyServer;
let client: Client;

beforeAll(async () => {
  rs = await readyServer();
  client = await createApp({ application_type: "service", grant_types: ["client_credentials"] });
});

const isType = (t: string) => (e: LogEvent) => e.eventType === t;

describe("the System Log's events", () => {
  it("records a client_credentials token in Okta's LogEvent shape, actor the client, with no storage call on the request", async () => {
    const res = await clientCredentials(rs.id, client, "orders:read");
    expect(res.status).toBe(200);
    const [e] = await waitForEvents((e) => e.eventType === "app.oauth2.as.token.grant.access_token" && e.client.id === client.clientId);
    expect(Object.keys(e!).sort()).toEqual(
      ["actor", "authenticationContext", "client", "debugContext", "device", "displayMessage", "eventType", "legacyEventType", "outcome", "published", "request", "securityContext", "severity", "target", "transaction", "uuid", "version"].sort(),
    );
    expect(e).toMatchObject({
      version: "0",
      severity: "INFO",
      displayMessage: "OAuth2 access token is granted",
      actor: { id: client.clientId, type: "PublicClientApp", alternateId: client.clientId },
      outcome: { result: "SUCCESS", reason: null },
      target: [{ id: rs.id, type: "AuthorizationServer" }],
      transaction: { type: "WEB", id: res.headers.get("X-Okta-Request-Id") },
      debugContext: { debugData: { grantType: "client_credentials", grantedScopes: "orders:read", requestUri: `/oauth2/${rs.id}/v1/token` } },
    });
    expect(e!.uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(e!.published)).not.toBeNaN();
  });

  it("records every client_credentials token as its own event, and a renamed client's next token under its new name", async () => {
    const mine = await createApp({ application_type: "service", grant_types: ["client_credentials"] });
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) ids.push((await clientCredentials(rs.id, mine, "orders:read")).headers.get("X-Okta-Request-Id")!);
    const label = `renamed ${crypto.randomUUID()}`;
    const renamed = await admin(`/apps/${mine.id}`, { method: "PUT", json: { ...mine.app, label } });
    expect(renamed.status).toBe(200);
    ids.push((await clientCredentials(rs.id, mine, "orders:read")).headers.get("X-Okta-Request-Id")!);
    const events = await waitForEvents((e) => e.eventType === "app.oauth2.as.token.grant.access_token" && e.client.id === mine.clientId, 3);
    const byRequest = new Map(events.map((e) => [e.transaction.id, e]));
    expect([...byRequest.keys()].sort()).toEqual([...ids].sort());
    expect(new Set(events.map((e) => e.uuid)).size).toBe(3);
    expect(ids.map((id) => byRequest.get(id)!.actor.displayName)).toEqual([mine.app.label, mine.app.label, label]);
  });

  it("records a refused token request as app.oauth2.as.token.grant FAILURE with the OAuth error as the reason", async () => {
    const res = await oauthPost(rs.id, "token", { grant_type: "client_credentials", scope: "orders:read" }, { Authorization: basicAuth(client.clientId, "wrong-secret-wrong-secret-wrong") });
    expect(res.status).toBe(401);
    const [e] = await waitForEvents((e) => e.eventType === "app.oauth2.as.token.grant" && e.transaction.id === res.headers.get("X-Okta-Request-Id"));
    expect(e).toMatchObject({ severity: "WARN", outcome: { result: "FAILURE", reason: "invalid_client" }, client: { id: client.clientId }, debugContext: { debugData: { grantType: "client_credentials", error: "invalid_client" } } });
  });

  it("records a policy refusal with its reason", async () => {
    const res = await clientCredentials(rs.id, client, "unknown:scope");
    expect(res.status).toBe(400);
    const [e] = await waitForEvents((e) => e.eventType === "app.oauth2.as.token.grant" && e.transaction.id === res.headers.get("X-Okta-Request-Id"));
    expect(e!.outcome).toEqual({ result: "FAILURE", reason: "invalid_scope" });
  });

  it("records access, ID and refresh tokens, refresh reuse and revocation for a person", async () => {
    const server = await peopleServer();
    const person = await createPerson();
    const app = await appFor(person);
    const first = await tokensFor(server.id, app, person, { extra: { scope: "openid offline_access" } });
    const second = await tokenBody(await refresh(server.id, app, first.refresh_token));
    // Revoked while live (the reuse below revokes the whole family, its access tokens included).
    const revoke = await oauthPost(server.id, "revoke", { token: second.access_token }, { Authorization: basicAuth(app.clientId, app.secret) });
    expect(revoke.status).toBe(200);
    expect((await refresh(server.id, app, first.refresh_token)).status).toBe(400);
    const mine = (e: LogEvent) => e.client.id === app.clientId || e.actor.id === person.id;
    const events = await waitForEvents((e) => mine(e) && e.eventType === "app.oauth2.as.token.revoke");
    const types = (await allEvents()).filter(mine).map((e) => e.eventType);
    for (const t of [
      "user.session.start",
      "app.oauth2.as.authorize.code",
      "app.oauth2.as.token.grant.access_token",
      "app.oauth2.as.token.grant.id_token",
      "app.oauth2.as.token.grant.refresh_token",
      "app.oauth2.as.token.detect_reuse",
    ]) expect(types).toContain(t);
    expect(events[0]!.outcome.result).toBe("SUCCESS");
    const grant = (await allEvents()).find((e) => mine(e) && e.eventType === "app.oauth2.as.token.grant.access_token")!;
    expect(grant.target).toEqual([expect.objectContaining({ id: server.id }), expect.objectContaining({ id: person.id, type: "User" })]);
  });

  it("records an admin write once, with the API token as the actor and the object as the target", async () => {
    const res = await admin("/trustedOrigins", { method: "POST", json: { name: `o-${crypto.randomUUID()}`, origin: `https://${crypto.randomUUID()}.example`, scopes: [{ type: "CORS" }] } });
    const created = (await res.json()) as { id: string; name: string };
    const [e] = await waitForEvents((e) => e.eventType === "security.trusted_origin.create" && e.target[0]?.id === created.id);
    expect(e).toMatchObject({
      actor: { id: "bootstrap", type: "ApiToken" },
      target: [{ id: created.id, type: "TrustedOrigin", displayName: created.name }],
      transaction: { type: "WEB", detail: { requestApiTokenId: "bootstrap" } },
    });
  });

  it("records an admin write by an org token with its client as the actor (and as the trusted origin's author)", async () => {
    const app = await serviceApp(["okta.trustedOrigins.manage"]);
    const token = await orgToken(app, "okta.trustedOrigins.manage");
    const res = await admin("/trustedOrigins", {
      method: "POST",
      headers: { Authorization: `Bearer ${token}` },
      json: { name: `o-${crypto.randomUUID()}`, origin: `https://${crypto.randomUUID()}.example`, scopes: [{ type: "CORS" }] },
    });
    const created = (await res.json()) as { id: string; createdBy: string };
    expect(created.createdBy).toBe(app.clientId);
    const [e] = await waitForEvents((e) => e.eventType === "security.trusted_origin.create" && e.target[0]?.id === created.id);
    expect(e!.actor).toMatchObject({ id: app.clientId, type: "PublicClientApp" });
  });

  it.each([
    ["a scope", (id: string) => admin(`/authorizationServers/${id}/scopes`, { method: "POST", json: { name: `s${crypto.randomUUID().slice(0, 8)}` } }), "oauth2.scope.created"],
    ["a policy", (id: string) => admin(`/authorizationServers/${id}/policies/${rs.policy.id}/lifecycle/deactivate`, { method: "POST" }), "policy.lifecycle.deactivate"],
    ["a key rotation", (id: string) => admin(`/authorizationServers/${id}/credentials/lifecycle/keyRotate`, { method: "POST", json: { use: "sig" } }), "app.oauth2.as.key.rollover"],
  ])("records %s", async (_what, write, eventType) => {
    const res = await write(rs.id);
    expect(res.status).toBeLessThan(300);
    await waitForEvents((e) => e.eventType === eventType && e.transaction.id === res.headers.get("X-Okta-Request-Id"));
  });

  it("records nothing for a refused admin write", async () => {
    const res = await admin("/trustedOrigins", { method: "POST", json: { name: "" } });
    expect(res.status).toBe(400);
    const id = res.headers.get("X-Okta-Request-Id");
    await new Promise((r) => setTimeout(r, 2500));
    expect((await allEvents()).filter((e) => e.transaction.id === id)).toEqual([]);
  });
});

const DAY = 24 * 3600 * 1000;

describe("the queue consumer", () => {
  const event = (uuid: string): LogEvent => ({ ...sample, uuid });
  const sample = { uuid: "", published: new Date().toISOString(), eventType: "user.session.end", version: "0", severity: "INFO", legacyEventType: null, displayMessage: "x", actor: { id: "u", type: "User", alternateId: null, displayName: null }, client: { userAgent: null, zone: null, device: null, id: null, ipAddress: null, geographicalContext: null }, device: null, authenticationContext: { authenticationProvider: null, credentialProvider: null, credentialType: null, issuer: null, interface: null, authenticationStep: 0, externalSessionId: null }, outcome: { result: "SUCCESS", reason: null }, securityContext: { asNumber: null, asOrg: null, isp: null, domain: null, isProxy: null }, debugContext: { debugData: {} }, transaction: { type: "JOB", id: "t", detail: {} }, request: { ipChain: [] }, target: [] } as LogEvent;

  it("writes a batch in one go and a redelivered batch inserts nothing twice (message id)", async () => {
    const uuids = [crypto.randomUUID(), crypto.randomUUID()];
    for (let i = 0; i < 2; i++) {
      const batch = createMessageBatch("mintgate-log", uuids.map((u, n) => ({ id: `m${n}`, timestamp: new Date(), attempts: i + 1, body: event(u) })));
      await worker.queue!(batch as never, env);
    }
    expect((await allEvents()).filter((e) => uuids.includes(e.uuid)).map((e) => e.uuid).sort()).toEqual([...uuids].sort());
  });

  it("expands the queue's wire form into Okta's LogEvent, keeping the request's uuid, and drops an item that is neither", async () => {
    const uuid = crypto.randomUUID();
    const now = Date.now();
    const entry = {
      origin: { now, transactionId: "wire-tx", transactionType: "WEB", ipAddress: "2001:db8::1", userAgent: "curl/8", requestUri: "/api/v1/groups", actor: { id: "bootstrap", type: "ApiToken", alternateId: null, displayName: null, detailEntry: null } },
      events: [{ uuid, input: { eventType: "group.lifecycle.create", displayMessage: "Create okta user group", target: [{ id: "00gwire", type: "UserGroup", alternateId: null, displayName: "Wire", detailEntry: null }] } }],
    };
    const batch = createMessageBatch("mintgate-log", [{ id: `wire-${uuid}`, timestamp: new Date(), attempts: 1, body: [entry, { not: "an event" }] }]);
    await worker.queue!(batch as never, env);
    const [e] = (await allEvents()).filter((e) => e.uuid === uuid);
    expect(e).toMatchObject({
      published: new Date(now).toISOString(),
      eventType: "group.lifecycle.create",
      severity: "INFO",
      actor: { id: "bootstrap", type: "ApiToken" },
      client: { ipAddress: "2001:db8::1", userAgent: { rawUserAgent: "curl/8" } },
      request: { ipChain: [{ ip: "2001:db8::1", version: "V6" }] },
      transaction: { type: "WEB", id: "wire-tx" },
      debugContext: { debugData: { requestUri: "/api/v1/groups" } },
      target: [{ id: "00gwire", type: "UserGroup" }],
    });
  });

  it("the retention job purges events older than LOG_RETENTION_DAYS and keeps newer ones", async () => {
    // Both within the API's window today; the retention run is dated so that only `old` is past 90 days then.
    const now = Date.now();
    const old = { ...event(crypto.randomUUID()), published: new Date(now - 2 * DAY).toISOString() };
    const fresh = { ...event(crypto.randomUUID()), published: new Date(now).toISOString() };
    const batch = createMessageBatch("mintgate-log", [old, fresh].map((body, n) => ({ id: `r${n}`, timestamp: new Date(), attempts: 1, body })));
    await worker.queue!(batch as never, env);
    await runRetention(env, now + 89 * DAY);
    expect((await allEvents()).filter((e) => e.uuid === old.uuid || e.uuid === fresh.uuid).map((e) => e.uuid)).toEqual([fresh.uuid]);
  });
});

