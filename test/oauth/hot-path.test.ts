import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from "jose";
import { beforeEach, describe, expect, it } from "vitest";
import { app } from "../../src/app";
import type { Env } from "../../src/env";
import { ADMIN_TOKEN, BASE } from "../support/admin";
import {
  appBody,
  basicAuth,
  BASIC_CHALLENGE,
  CLIENT_AUTH_FAILED,
  createApp,
  FORM,
  POLICY_FAILED,
  readyServer,
  type Client,
  type Json,
  type ReadyServer,
} from "../support/clients";
import { serverNotFound } from "../support/fixtures";
import { aroundMethods } from "../support/around-methods";

/**
 * The token hot path, observed from outside: the Worker's own fetch handler runs over bindings wrapped in
 * counting proxies, so every D1 query and every Durable Object lookup or RPC is seen. The isolate caches
 * live in module scope, so requests through `app.fetch` share them exactly as requests to one isolate do.
 */
interface Counts {
  d1: number;
  durableObjects: number;
  calls: string[];
  /** Issue 17: calls to the SessionStore objects (SESSIONS), counted apart from the key objects. */
  sessions?: number;
}

function countingEnv(base: Env): { env: Env; counts: Counts; d1Trips: () => number; replicaTrips: () => number; reset: () => void } {
  const counts: Counts = { d1: 0, durableObjects: 0, calls: [] };
  // D1 round trips: a statement run on its own (first, all, run, raw) or a batch; preparing one is not a trip.
  // Those of a Sessions API session (DB.withSession, "first-unconstrained": reads any replica may serve) apart.
  const trips = { primary: 0, replica: 0 };
  const RUNS = new Set(["first", "all", "run", "raw"]);
  const unwrap = new WeakMap<object, D1PreparedStatement>();
  const counted = (st: D1PreparedStatement, where: keyof typeof trips): D1PreparedStatement => {
    const proxy = aroundMethods(st, (prop, _args, invoke) => {
      if (RUNS.has(String(prop))) trips[where]++;
      const result = invoke();
      return prop === "bind" ? counted(result as D1PreparedStatement, where) : result;
    });
    unwrap.set(proxy, st);
    return proxy;
  };
  const record = (kind: "d1" | "durableObjects", name: string) => {
    counts[kind]++;
    counts.calls.push(name);
  };
  // Every D1 query starts at the binding (or at a session of it): prepare, batch, exec, withSession.
  const countingDb = <T extends object>(target: T, name: string, where: keyof typeof trips): T =>
    aroundMethods(target, (prop, args, invoke) => {
      record("d1", `${name}.${String(prop)}`);
      if (prop === "batch") {
        trips[where]++;
        // The statements reach the binding as they were prepared (not through the counting proxy).
        return invoke([(args[0] as D1PreparedStatement[]).map((st) => unwrap.get(st) ?? st)]);
      }
      const result = invoke();
      if (prop === "withSession") return countingDb(result as D1DatabaseSession, `${name}.session`, args[0] === "first-primary" ? "primary" : "replica");
      return prop === "prepare" ? counted(result as D1PreparedStatement, where) : result;
    });
  const db = countingDb(base.DB, "DB", "primary");
  // A stub's RPC methods are counted too, in case a stub is ever kept across requests.
  const stub = (s: object) =>
    aroundMethods(
      s,
      (prop, _args, invoke) => {
        record("durableObjects", `stub.${String(prop)}`);
        return invoke();
      },
      { stub: true },
    );
  const keys = aroundMethods(base.KEYS, (prop, _args, invoke) => {
    record("durableObjects", `KEYS.${String(prop)}`);
    const result = invoke();
    return prop === "get" || prop === "getByName" ? stub(result as object) : result;
  });
  // Issue 17: the SessionStore namespace; only RPCs on its stubs are round trips (getting a stub is local).
  const sessionStub = (s: object) =>
    aroundMethods(
      s,
      (prop, _args, invoke) => {
        counts.sessions = (counts.sessions ?? 0) + 1;
        record("durableObjects", `SESSIONS.${String(prop)}`);
        return invoke();
      },
      { stub: true },
    );
  const sessions = aroundMethods(base.SESSIONS, (prop, _args, invoke) => {
    const result = invoke();
    return prop === "get" ? sessionStub(result as object) : result;
  });
  return {
    env: { ...base, DB: db, KEYS: keys, SESSIONS: sessions } as Env,
    counts,
    d1Trips: () => trips.primary,
    replicaTrips: () => trips.replica,
    reset: () => {
      trips.primary = 0;
      trips.replica = 0;
      counts.d1 = 0;
      counts.durableObjects = 0;
      counts.calls = [];
      delete counts.sessions;
    },
  };
}

const counting = countingEnv(env);

/** A request to the Worker's fetch handler in this isolate, over the counting bindings. */
async function fetchApp(path: string, init: RequestInit & { json?: unknown } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set("Content-Type", "application/json");
    body = JSON.stringify(init.json);
  }
  const ctx = createExecutionContext();
  const res = await app.fetch(new Request(`${BASE}${path}`, { ...init, headers, body }), counting.env, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

const adminApp = (path: string, init: RequestInit & { json?: unknown } = {}) =>
  fetchApp(`/api/v1${path}`, { ...init, headers: { Authorization: `SSWS ${ADMIN_TOKEN}`, ...(init.headers as Record<string, string>) } });

type Auth = "client_secret_basic" | "client_secret_post";

function tokenRequest(serverId: string, client: Pick<Client, "clientId" | "secret">, auth: Auth = "client_secret_basic"): Promise<Response> {
  const params = new URLSearchParams({ grant_type: "client_credentials", scope: "orders:read" });
  const headers: Record<string, string> = { "Content-Type": FORM };
  if (auth === "client_secret_basic") headers.Authorization = basicAuth(client.clientId, client.secret);
  else params.set("client_id", client.clientId), params.set("client_secret", client.secret);
  return fetchApp(`/oauth2/${serverId}/v1/token`, { method: "POST", headers, body: params.toString() });
}

async function ok(res: Response): Promise<Json> {
  const body = (await res.json()) as Json;
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body;
}

async function oauthError(res: Response): Promise<Json> {
  return { status: res.status, body: await res.json(), challenge: res.headers.get("WWW-Authenticate") };
}

describe("the client_credentials hot path", () => {
  it.each<Auth>(["client_secret_basic", "client_secret_post"])(
    "mints tokens from a warm isolate with no D1 query and no Durable Object call (%s)",
    async (method) => {
      const server = await readyServer();
      const client = await createApp({ method });

      counting.reset();
      const first = await ok(await tokenRequest(server.id, client, method));
      // The cold request did load the server, the client and the keys: the counters do see the bindings.
      expect(counting.counts.d1).toBeGreaterThan(0);
      expect(counting.counts.durableObjects).toBeGreaterThan(0);

      counting.reset();
      const tokens: string[] = [];
      for (let i = 0; i < 5; i++) tokens.push((await ok(await tokenRequest(server.id, client, method))).access_token);
      expect(counting.counts).toEqual({ d1: 0, durableObjects: 0, calls: [] });

      // And the tokens are real: signed by the published ACTIVE key, each with its own jti.
      const keySet = createLocalJWKSet((await (await fetchApp(`/oauth2/${server.id}/v1/keys`)).json()) as never);
      for (const token of [first.access_token, ...tokens]) {
        await jwtVerify(token, keySet, { issuer: `${BASE}/oauth2/${server.id}`, audience: server.audience });
      }
      expect(new Set(tokens.map((t) => decodeJwt(t).jti)).size).toBe(tokens.length);
    },
  );
});

describe("admin changes in the same isolate", () => {
  let server: ReadyServer;
  let client: Client;

  beforeEach(async () => {
    server = await readyServer();
    client = await createApp();
    // Warm every cache this isolate keeps for the server and the client.
    await ok(await tokenRequest(server.id, client));
    await ok(await tokenRequest(server.id, client));
  });

  it("refuses a client at once after it is deactivated", async () => {
    expect((await adminApp(`/apps/${client.id}/lifecycle/deactivate`, { method: "POST" })).status).toBe(200);
    expect(await oauthError(await tokenRequest(server.id, client))).toEqual({
      status: 401,
      body: { error: "invalid_client", error_description: CLIENT_AUTH_FAILED },
      challenge: BASIC_CHALLENGE,
    });
    expect((await adminApp(`/apps/${client.id}/lifecycle/activate`, { method: "POST" })).status).toBe(200);
    await ok(await tokenRequest(server.id, client));
  });

  it("refuses the old client secret at once after a new one is issued", async () => {
    const res = await fetchApp(`/oauth2/v1/clients/${client.clientId}/lifecycle/newSecret`, {
      method: "POST",
      headers: { Authorization: `SSWS ${ADMIN_TOKEN}` },
    });
    const { client_secret } = await ok(res);
    expect(await oauthError(await tokenRequest(server.id, client))).toEqual({
      status: 401,
      body: { error: "invalid_client", error_description: CLIENT_AUTH_FAILED },
      challenge: BASIC_CHALLENGE,
    });
    await ok(await tokenRequest(server.id, { clientId: client.clientId, secret: client_secret }));
  });

  it("uses a changed rule lifetime at once", async () => {
    const res = await adminApp(`/authorizationServers/${server.id}/policies/${server.policy.id}/rules/${server.rule.id}`, {
      method: "PUT",
      json: { type: "RESOURCE_ACCESS", name: server.rule.name, conditions: server.rule.conditions, actions: { token: { accessTokenLifetimeMinutes: 5 } } },
    });
    expect(res.status).toBe(200);
    expect((await ok(await tokenRequest(server.id, client))).expires_in).toBe(300);
  });

  it("denies at once after the only policy is deactivated", async () => {
    const res = await adminApp(`/authorizationServers/${server.id}/policies/${server.policy.id}/lifecycle/deactivate`, { method: "POST" });
    expect(res.status).toBe(204);
    expect(await oauthError(await tokenRequest(server.id, client))).toEqual({
      status: 400,
      body: { error: "access_denied", error_description: POLICY_FAILED },
      challenge: null,
    });
  });

  it("answers 404 at once after the server is deactivated", async () => {
    expect((await adminApp(`/authorizationServers/${server.id}/lifecycle/deactivate`, { method: "POST" })).status).toBe(204);
    const res = await tokenRequest(server.id, client);
    const [errorCode, errorSummary] = serverNotFound(server.id);
    expect({ status: res.status, body: await res.json() }).toMatchObject({ status: 404, body: { errorCode, errorSummary } });
  });

  it("accepts a client at once when it is created right after a request named its client_id", async () => {
    const clientId = `late-${crypto.randomUUID()}`;
    const secret = "late-client-secret-0123456789";
    // The unknown client_id is looked up (and its absence remembered) before the app exists.
    expect((await oauthError(await tokenRequest(server.id, { clientId, secret }))).status).toBe(401);
    const created = await adminApp("/apps", { method: "POST", json: appBody({ client_id: clientId, client_secret: secret }) });
    expect(created.status).toBe(201);
    await ok(await tokenRequest(server.id, { clientId, secret }));
  });

  it("signs with the new ACTIVE key at once after a manual key rotation", async () => {
    const manual = await readyServer();
    const toManual = await adminApp(`/authorizationServers/${manual.id}`, {
      method: "PUT",
      json: { name: manual.server.name, audiences: [manual.audience], credentials: { signing: { rotationMode: "MANUAL" } } },
    });
    expect(toManual.status).toBe(200);
    const before = decodeProtectedHeader((await ok(await tokenRequest(manual.id, client))).access_token).kid;
    const rotated = (await ok(await adminApp(`/authorizationServers/${manual.id}/credentials/lifecycle/keyRotate`, { method: "POST", json: { use: "sig" } }))) as unknown as Json[];
    const active = rotated.find((k) => k.status === "ACTIVE")!.kid;
    expect(active).not.toBe(before);
    const after = (await ok(await tokenRequest(manual.id, client))).access_token;
    expect(decodeProtectedHeader(after).kid).toBe(active);
    const keySet = createLocalJWKSet((await (await fetchApp(`/oauth2/${manual.id}/v1/keys`)).json()) as never);
    await jwtVerify(after, keySet, { audience: manual.audience });
  });
});

describe("the DPoP client_credentials path (RFC 9449)", () => {
  it("costs one D1 statement per request, the atomic jti record, and no Durable Object call", async () => {
    const { dpopKey, dpopProof } = await import("../support/dpop");
    const server = await readyServer();
    const created = await adminApp("/apps", { method: "POST", json: { ...appBody(), settings: { oauthClient: { application_type: "service", grant_types: ["client_credentials"], dpop_bound_access_tokens: true } } } });
    const app = (await created.json()) as Json;
    const client = { clientId: app.credentials.oauthClient.client_id, secret: app.credentials.oauthClient.client_secret };
    const key = await dpopKey();
    const htu = `${BASE}/oauth2/${server.id}/v1/token`;
    const dpopRequest = (proof: string) =>
      fetchApp(`/oauth2/${server.id}/v1/token`, {
        method: "POST",
        headers: { "Content-Type": FORM, Authorization: basicAuth(client.clientId, client.secret), DPoP: proof },
        body: new URLSearchParams({ grant_type: "client_credentials", scope: "orders:read" }).toString(),
      });
    const first = await dpopRequest(await dpopProof(key, { htu }));
    const nonce = first.headers.get("DPoP-Nonce")!;
    await ok(await dpopRequest(await dpopProof(key, { htu, nonce })));

    counting.reset();
    for (let i = 0; i < 5; i++) expect((await ok(await dpopRequest(await dpopProof(key, { htu, nonce })))).token_type).toBe("DPoP");
    expect(counting.counts).toEqual({ d1: 5, durableObjects: 0, calls: Array(5).fill("DB.prepare") });
  });
});

describe("the person-facing hot paths (issue 17)", () => {
  /**
   * With the configuration caches warm (server bundle, client, keys), a code redemption and a refresh each make no
   * D1 query and exactly one call to the SessionStore the code or token names; /authorize with a session reads D1
   * (the session and the person today) and stores the code in its SessionStore with one call.
   */
  it("redeems a code and rotates a refresh token with no D1 query and one SessionStore call each", async () => {
    const { appFor, createPerson, peopleServer } = await import("../support/people");
    const { codeFor } = await import("../support/code-flow");
    const { REDIRECT } = await import("../support/people-constants");
    const ps = await peopleServer();
    const person = await createPerson();
    const web = await appFor(person);
    const form = (params: Record<string, string>) =>
      fetchApp(`/oauth2/${ps.id}/v1/token`, { method: "POST", headers: { "Content-Type": FORM, Authorization: basicAuth(web.clientId, web.secret!) }, body: new URLSearchParams(params).toString() });
    const redeemCode = async () => {
      const a = await codeFor(ps.id, web, person);
      return { a, res: () => form({ grant_type: "authorization_code", code: a.code, redirect_uri: REDIRECT, code_verifier: a.verifier }) };
    };
    // Warm this isolate's caches (server, client, keys) with one whole flow.
    const warm = await ok(await (await redeemCode()).res());
    await ok(await form({ grant_type: "refresh_token", refresh_token: warm.refresh_token }));

    const { res } = await redeemCode();
    counting.reset();
    const tokens = await ok(await res());
    expect(counting.counts).toEqual({ d1: 0, durableObjects: 1, sessions: 1, calls: ["SESSIONS.redeem"] });

    counting.reset();
    const rotated = await ok(await form({ grant_type: "refresh_token", refresh_token: tokens.refresh_token }));
    expect(counting.counts).toEqual({ d1: 0, durableObjects: 1, sessions: 1, calls: ["SESSIONS.refresh"] });
    expect(rotated.refresh_token).not.toBe(tokens.refresh_token);
  });

  it("signs in with one round trip to D1's primary (the attempt, the session, the index row and the person at the app, in one batch) after one replica read of the person's row", async () => {
    const { appFor, createPerson, peopleServer } = await import("../support/people");
    const { authorizePath, codeParams, formPage } = await import("../support/browser-flow");
    const ps = await peopleServer();
    const person = await createPerson();
    const web = await appFor(person);
    const page = await formPage(await fetchApp(authorizePath(ps.id, codeParams(web)), { redirect: "manual" }));
    counting.reset();
    const res = await fetchApp(page.action, {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: page.csrfCookie },
      body: new URLSearchParams({ tx: page.tx, csrf: page.csrf, username: person.login, password: person.password }).toString(),
    });
    expect(res.status).toBe(302);
    expect(new URL(res.headers.get("Location")!).searchParams.get("code")).toBeTruthy();
    // Issue 17's target: one far round trip (store/lockout.ts attemptSignIn) and one near (the code's SessionStore);
    // the person's row, to check the password against, comes from a replica (store/replica.ts).
    expect({ primary: counting.d1Trips(), replica: counting.replicaTrips() }).toEqual({ primary: 1, replica: 1 });
    expect(counting.counts.calls.filter((c) => c.startsWith("SESSIONS."))).toEqual(["SESSIONS.saveCode"]);
    expect(counting.counts.calls.filter((c) => c.endsWith(".batch") || c === "DB.withSession")).toEqual(["DB.withSession", "DB.batch"]);
  });

  it("authorizes with a session: the D1 reads of the session and the person, the index row, and one SessionStore call", async () => {
    const { appFor, createPerson, peopleServer } = await import("../support/people");
    const { codeFor } = await import("../support/code-flow");
    const { authorizePath, codeParams } = await import("../support/browser-flow");
    const ps = await peopleServer();
    const person = await createPerson();
    const web = await appFor(person);
    const { sid } = await codeFor(ps.id, web, person);
    const authorize = () => fetchApp(authorizePath(ps.id, codeParams(web)), { headers: { Cookie: sid }, redirect: "manual" });
    expect((await authorize()).status).toBe(302);
    counting.reset();
    expect((await authorize()).status).toBe(302);
    // The code is stored with one SessionStore call.
    expect({ sessions: counting.counts.sessions, sessionCalls: counting.counts.calls.filter((c) => c.startsWith("SESSIONS.")) }).toEqual({ sessions: 1, sessionCalls: ["SESSIONS.saveCode"] });
    // Two D1 round trips on the primary: one batch for the session and its person (row, groups, assignment,
    // consent: store/person-at-app.ts), and the index row's write. NOT yet the target (one): a replica
    // would serve the reads but could miss an unassignment whose revocation fan-out the new code then escapes;
    // the reads and the write in one batch is the next step.
    expect({ primary: counting.d1Trips(), replica: counting.replicaTrips() }).toEqual({ primary: 2, replica: 0 });
    expect(counting.counts.calls.filter((c) => c.startsWith("DB."))).toEqual([...Array(5).fill("DB.prepare"), "DB.batch", "DB.prepare"]);
  });
});
