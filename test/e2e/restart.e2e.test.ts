import type { AuthorizationServer, AuthorizationServerJsonWebKey } from "@okta/okta-sdk-nodejs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { all, oktaClient, serverBody } from "./support/okta";
import { join } from "node:path";
import { LOG_DIR, makeTempState, randomSecret, randomToken, startServer, type RunningServer, type TempState } from "./support/server";

interface Snapshot {
  servers: AuthorizationServer[];
  adminKeys: Record<string, AuthorizationServerJsonWebKey[]>;
  jwks: Record<string, unknown>;
}

/** What a client can observe of the given servers: their admin view, admin key lists and public JWKS. */
async function observe(server: RunningServer, adminToken: string, ids: string[]): Promise<Snapshot> {
  const { api } = oktaClient({ baseUrl: server.baseUrl, token: adminToken });
  const servers = await Promise.all(ids.map((authServerId) => api.getAuthorizationServer({ authServerId })));
  const adminKeys: Snapshot["adminKeys"] = {};
  const jwks: Snapshot["jwks"] = {};
  for (const id of ids) {
    adminKeys[id] = (await all<AuthorizationServerJsonWebKey>(await api.listAuthorizationServerKeys({ authServerId: id }))).map(
      // _links carry the origin, which changes with the port; the keys themselves must not change.
      ({ _links, ...k }) => k as AuthorizationServerJsonWebKey,
    );
    const res = await fetch(`${server.baseUrl}/oauth2/${id}/v1/keys`);
    expect(res.status).toBe(200);
    jwks[id] = await res.json();
  }
  return { servers, adminKeys, jwks };
}

/** The fields of a server that must survive a restart (issuer and _links name the origin, which may change). */
const durable = (s: AuthorizationServer) => ({
  id: s.id,
  name: s.name,
  description: s.description,
  audiences: s.audiences,
  status: s.status,
  created: s.created,
  lastUpdated: s.lastUpdated,
  credentials: s.credentials,
});

// This file runs its own server on its own state folder, so stopping it disturbs no other file.
describe("a restart on the same state", () => {
  const adminToken = randomToken();
  const keyEncryptionSecret = randomSecret();
  let state: TempState;
  let server: RunningServer | undefined;
  const serverOptions = () => ({
    persistDir: state.persistDir,
    adminToken,
    keyEncryptionSecret,
    tempDir: state.dir,
    logFile: join(LOG_DIR, "restart-server.log"),
  });

  beforeAll(async () => {
    state = makeTempState();
    server = await startServer(serverOptions());
  });

  afterAll(async () => {
    try {
      await server?.stop();
    } finally {
      state?.remove();
    }
  });

  // Two starts of wrangler dev inside one test: allowed the hooks' time, not a single request's.
  it("keeps every server, its signing keys and its JWKS exactly as they were", { timeout: 120_000 }, async () => {
    const { api } = oktaClient({ baseUrl: server!.baseUrl, token: adminToken });
    const auto = await api.createAuthorizationServer({ authorizationServer: serverBody("restart-auto") });
    const manual = await api.createAuthorizationServer({
      authorizationServer: serverBody("restart-manual", { credentials: { signing: { rotationMode: "MANUAL" } } } as Partial<AuthorizationServer>),
    });
    // A rotated server has ACTIVE, NEXT and EXPIRED keys: all three must come back.
    await all(await api.rotateAuthorizationServerKeys({ authServerId: manual.id!, use: { use: "sig" } }));
    const inactive = await api.createAuthorizationServer({ authorizationServer: serverBody("restart-inactive") });
    await api.deactivateAuthorizationServer({ authServerId: inactive.id! });
    const ids = ["default", auto.id!, manual.id!];

    const before = await observe(server!, adminToken, ids);
    expect(before.adminKeys[manual.id!]!.map((k) => k.status).sort()).toEqual(["ACTIVE", "EXPIRED", "NEXT"]);
    const beforeInactive = await api.getAuthorizationServer({ authServerId: inactive.id! });

    const oldBase = server!.baseUrl;
    await server!.stop();
    server = undefined;
    // Really stopped: nothing answers on the old port any more.
    await expect(fetch(`${oldBase}/.well-known/openid-configuration`)).rejects.toThrow();
    // A different port: nothing may depend on the origin the state was written under.
    server = await startServer(serverOptions());

    const after = await observe(server, adminToken, ids);
    expect(after.servers.map(durable)).toEqual(before.servers.map(durable));
    expect(after.adminKeys).toEqual(before.adminKeys);
    expect(after.jwks).toEqual(before.jwks);
    for (const s of after.servers) expect(s.issuer).toBe(`${server.baseUrl}/oauth2/${s.id}`);

    const { api: again } = oktaClient({ baseUrl: server.baseUrl, token: adminToken });
    expect(durable(await again.getAuthorizationServer({ authServerId: inactive.id! }))).toEqual(durable(beforeInactive));
    const listed = (await all<AuthorizationServer>(await again.listAuthorizationServers())).map((s) => s.id);
    expect(listed.sort()).toEqual([...ids, inactive.id!].sort());
  });
});
