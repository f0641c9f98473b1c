import { env } from "cloudflare:workers";
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { openPrivateKey } from "../../src/keys/crypto";
import { forgetKeys } from "../../src/cache/keys";
import type { KeyStore } from "../../src/keys/key-store";
import { admin, call, createServer } from "../support/admin";
import { createManualServer, getServer, jwks, keyStoreOf, kidsOf, OVERLAP_MS, PERIOD_MS, rotateKeys } from "../support/fixtures";

const LEAD_MS = Math.floor(PERIOD_MS / 2);

type KeyRow = {
  kid: string;
  status: string;
  public_jwk: string;
  sealed: string;
  created: number;
  retire_at: number | null;
};

/** What the Durable Object holds in its own SQLite storage. */
function storage(id: string) {
  return runInDurableObject(keyStoreOf(id), async (_: KeyStore, state) => ({
    meta: Object.fromEntries(state.storage.sql.exec<{ k: string; v: string }>("SELECT k, v FROM meta").toArray().map((r) => [r.k, r.v])),
    keys: state.storage.sql.exec<KeyRow>("SELECT kid, status, public_jwk, sealed, created, retire_at FROM keys ORDER BY created, kid").toArray(),
    alarm: await state.storage.getAlarm(),
  }));
}

/** Writes storage behind the instance's back, then restarts it so that it reloads what is stored. */
async function rewriteAndRestart(id: string, write: (sql: SqlStorage) => void): Promise<void> {
  const stub = keyStoreOf(id);
  await runInDurableObject(stub, (_: KeyStore, state) => write(state.storage.sql));
  await evictDurableObject(stub);
}

const setNextRotation = (id: string, at: number) =>
  rewriteAndRestart(id, (sql) => sql.exec("UPDATE meta SET v = ? WHERE k = 'next_rotation'", String(at)));

/** The public JWKS as a client fetching it after the isolate's bounded staleness has passed would see it. */
async function freshJwksKids(id: string): Promise<string[]> {
  forgetKeys(id);
  return kidsOf((await jwks(id)).keys);
}

/** Runs the alarm and reports the wall-clock window it ran in. */
async function runAlarm(id: string): Promise<{ before: number; after: number }> {
  const before = Date.now();
  expect(await runDurableObjectAlarm(keyStoreOf(id))).toBe(true);
  return { before, after: Date.now() };
}

const statusOf = (keys: { kid: string; status: string }[]) => Object.fromEntries(keys.map((k) => [k.kid, k.status]));

describe("AUTO rotation driven by the alarm", () => {
  it("arms the alarm at creation for when the NEXT key is due, halfway through the period", async () => {
    const s = await createServer();
    const { meta, keys, alarm } = await storage(s.id);
    expect(keys.map((k) => k.status)).toEqual(["ACTIVE"]);
    expect(Number(meta.next_rotation) - Number(meta.last_rotated)).toBe(PERIOD_MS);
    expect(alarm).toBe(Number(meta.next_rotation) - LEAD_MS);
    expect(new Date(Number(meta.next_rotation)).toISOString()).toBe(s.credentials.signing.nextRotation);
  });

  it("changes nothing when the alarm runs before anything is due", async () => {
    const s = await createServer();
    const before = await storage(s.id);
    await runAlarm(s.id);
    const after = await storage(s.id);
    expect(after.keys).toEqual(before.keys);
    expect(after.meta.next_rotation).toBe(before.meta.next_rotation);
    expect(after.alarm).toBe(before.alarm);
  });

  it("generates a NEXT key once halfway through the period, publishes it, and re-arms for the rotation", async () => {
    const s = await createServer();
    const activeKid = s.credentials.signing.kid;
    const nextRotation = Date.now() + LEAD_MS - 60_000;
    await setNextRotation(s.id, nextRotation);

    const { before, after } = await runAlarm(s.id);
    const stored = await storage(s.id);
    expect(statusOf(stored.keys)).toMatchObject({ [activeKid]: "ACTIVE" });
    expect(stored.keys.map((k) => k.status).sort()).toEqual(["ACTIVE", "NEXT"]);
    const nextKey = stored.keys.find((k) => k.status === "NEXT")!;
    expect(nextKey.created).toBeGreaterThanOrEqual(before);
    expect(nextKey.created).toBeLessThanOrEqual(after);
    expect(nextKey.retire_at).toBeNull();
    // Not a rotation: the same key still signs and the schedule stands.
    expect(Number(stored.meta.next_rotation)).toBe(nextRotation);
    expect(stored.alarm).toBe(nextRotation);
    expect((await getServer(s.id)).credentials.signing.kid).toBe(activeKid);

    expect(await freshJwksKids(s.id)).toEqual(kidsOf(stored.keys));
    const listed = (await (await admin(`/authorizationServers/${s.id}/credentials/keys`)).json()) as any[];
    expect(statusOf(listed)).toEqual(statusOf(stored.keys));
  });

  it("at rotation makes NEXT ACTIVE and the old key EXPIRED until now + overlap, and re-arms", async () => {
    const s = await createServer();
    const oldKid = s.credentials.signing.kid;
    await setNextRotation(s.id, Date.now() + LEAD_MS - 60_000);
    await runAlarm(s.id);
    const nextKid = (await storage(s.id)).keys.find((k) => k.status === "NEXT")!.kid;

    await setNextRotation(s.id, Date.now() - 1000);
    const { before, after } = await runAlarm(s.id);
    const stored = await storage(s.id);
    expect(statusOf(stored.keys)).toEqual({ [oldKid]: "EXPIRED", [nextKid]: "ACTIVE" });
    const retireAt = stored.keys.find((k) => k.kid === oldKid)!.retire_at!;
    expect(retireAt).toBeGreaterThanOrEqual(before + OVERLAP_MS);
    expect(retireAt).toBeLessThanOrEqual(after + OVERLAP_MS);
    const lastRotated = Number(stored.meta.last_rotated);
    expect(lastRotated).toBeGreaterThanOrEqual(before);
    expect(lastRotated).toBeLessThanOrEqual(after);
    expect(Number(stored.meta.next_rotation)).toBe(lastRotated + PERIOD_MS);
    // The earliest of: the old key's retirement and the next NEXT key.
    expect(stored.alarm).toBe(Math.min(retireAt, lastRotated + PERIOD_MS - LEAD_MS));

    const server = await getServer(s.id);
    expect(server.credentials.signing).toMatchObject({
      kid: nextKid,
      lastRotated: new Date(lastRotated).toISOString(),
      nextRotation: new Date(lastRotated + PERIOD_MS).toISOString(),
    });
    expect(await freshJwksKids(s.id)).toEqual([nextKid, oldKid].sort());
  });

  it("rotates even when no NEXT key was published in time", async () => {
    const s = await createServer();
    const oldKid = s.credentials.signing.kid;
    await setNextRotation(s.id, Date.now() - 1000);
    await runAlarm(s.id);
    const stored = await storage(s.id);
    expect(stored.keys.map((k) => k.status).sort()).toEqual(["ACTIVE", "EXPIRED"]);
    expect(statusOf(stored.keys)[oldKid]).toBe("EXPIRED");
    expect((await getServer(s.id)).credentials.signing.kid).not.toBe(oldKid);
  });

  it("removes the EXPIRED key from the JWKS once the overlap has passed, and re-arms for the next NEXT key", async () => {
    const s = await createServer();
    const oldKid = s.credentials.signing.kid;
    await setNextRotation(s.id, Date.now() - 1000);
    await runAlarm(s.id);
    const rotated = await storage(s.id);
    const newKid = rotated.keys.find((k) => k.status === "ACTIVE")!.kid;
    expect(await freshJwksKids(s.id)).toContain(oldKid);

    await rewriteAndRestart(s.id, (sql) => sql.exec("UPDATE keys SET retire_at = ? WHERE status = 'EXPIRED'", Date.now() - 1));
    await runAlarm(s.id);
    const stored = await storage(s.id);
    expect(statusOf(stored.keys)).toEqual({ [newKid]: "ACTIVE" });
    expect(stored.alarm).toBe(Number(stored.meta.next_rotation) - LEAD_MS);
    expect(await freshJwksKids(s.id)).toEqual([newKid]);
    expect(kidsOf((await (await admin(`/authorizationServers/${s.id}/credentials/keys`)).json()) as any[])).toEqual([newKid]);
  });

  it("keeps an EXPIRED key published while its overlap lasts", async () => {
    const s = await createServer();
    const oldKid = s.credentials.signing.kid;
    await setNextRotation(s.id, Date.now() - 1000);
    await runAlarm(s.id);
    await rewriteAndRestart(s.id, (sql) => sql.exec("UPDATE keys SET retire_at = ? WHERE status = 'EXPIRED'", Date.now() + 60_000));
    await runAlarm(s.id);
    expect(statusOf((await storage(s.id)).keys)[oldKid]).toBe("EXPIRED");
    expect(await freshJwksKids(s.id)).toContain(oldKid);
  });

  it("retires EXPIRED keys of MANUAL servers on the alarm too", async () => {
    const s = await createManualServer();
    expect((await rotateKeys(s.id)).status).toBe(200);
    const rotated = await storage(s.id);
    const expired = rotated.keys.find((k) => k.status === "EXPIRED")!;
    expect(rotated.alarm).toBe(expired.retire_at);

    await rewriteAndRestart(s.id, (sql) => sql.exec("UPDATE keys SET retire_at = ? WHERE status = 'EXPIRED'", Date.now() - 1));
    await runAlarm(s.id);
    const stored = await storage(s.id);
    expect(stored.keys.map((k) => k.status).sort()).toEqual(["ACTIVE", "NEXT"]);
    // MANUAL: nothing left to schedule.
    expect(stored.alarm).toBeNull();
    expect(stored.meta.next_rotation).toBe("");
  });
});

describe("a manual rotation of an AUTO server", () => {
  it("restarts the schedule from the rotation and re-arms the alarm for it", async () => {
    const s = await createServer();
    const oldKid = s.credentials.signing.kid;
    const before = Date.now();
    expect((await rotateKeys(s.id)).status).toBe(200);
    const after = Date.now();
    const stored = await storage(s.id);
    expect(stored.meta.mode).toBe("AUTO");
    const lastRotated = Number(stored.meta.last_rotated);
    expect(lastRotated).toBeGreaterThanOrEqual(before);
    expect(lastRotated).toBeLessThanOrEqual(after);
    expect(Number(stored.meta.next_rotation)).toBe(lastRotated + PERIOD_MS);
    const expired = stored.keys.find((k) => k.kid === oldKid)!;
    expect(expired.status).toBe("EXPIRED");
    expect(expired.retire_at).toBe(lastRotated + OVERLAP_MS);
    // The earliest of: the old key's retirement and the NEXT key halfway through the new period.
    expect(stored.alarm).toBe(Math.min(lastRotated + OVERLAP_MS, lastRotated + PERIOD_MS - LEAD_MS));
  });

  it("leaves the alarm nothing to do until the restarted schedule is due", async () => {
    const s = await createServer();
    expect((await rotateKeys(s.id)).status).toBe(200);
    const rotated = await storage(s.id);
    await runAlarm(s.id);
    const after = await storage(s.id);
    expect(after.keys).toEqual(rotated.keys);
    expect(after.meta.next_rotation).toBe(rotated.meta.next_rotation);
    expect(after.alarm).toBe(rotated.alarm);
  });

  it("is followed by the alarm's own NEXT key and rotation on the restarted schedule", async () => {
    const s = await createServer();
    const manual = (await (await rotateKeys(s.id)).json()) as { kid: string; status: string }[];
    const manualKid = manual.find((k) => k.status === "ACTIVE")!.kid;
    await setNextRotation(s.id, Date.now() + LEAD_MS - 60_000);
    await runAlarm(s.id);
    const withNext = await storage(s.id);
    const nextKid = withNext.keys.find((k) => k.status === "NEXT")!.kid;
    expect(statusOf(withNext.keys)[manualKid]).toBe("ACTIVE");

    await setNextRotation(s.id, Date.now() - 1000);
    await runAlarm(s.id);
    const stored = await storage(s.id);
    expect(statusOf(stored.keys)).toMatchObject({ [manualKid]: "EXPIRED", [nextKid]: "ACTIVE" });
    expect(Number(stored.meta.next_rotation)).toBe(Number(stored.meta.last_rotated) + PERIOD_MS);
    expect((await getServer(s.id)).credentials.signing.kid).toBe(nextKid);
  });
});

describe("restarts", () => {
  it("come back with identical keys, signing summary and snapshot", async () => {
    const s = await createManualServer();
    expect((await rotateKeys(s.id)).status).toBe(200);
    const stub = keyStoreOf(s.id);
    const before = {
      keys: await stub.listKeys(s.id),
      signing: await stub.signing(s.id),
      snapshot: await stub.snapshot(s.id),
      stored: await storage(s.id),
    };

    await evictDurableObject(stub);

    expect(await stub.listKeys(s.id)).toEqual(before.keys);
    expect(await stub.signing(s.id)).toEqual(before.signing);
    expect(await stub.snapshot(s.id)).toEqual(before.snapshot);
    expect(await storage(s.id)).toEqual(before.stored);
    expect(before.keys.map((k) => k.status)).toEqual(["ACTIVE", "NEXT", "EXPIRED"]);
  });

  it("keep serving the same JWKS and admin view after a restart", async () => {
    const s = await createServer();
    const jwksBefore = await jwks(s.id);
    const serverBefore = await getServer(s.id);
    await evictDurableObject(keyStoreOf(s.id));
    forgetKeys(s.id);
    expect(await jwks(s.id)).toEqual(jwksBefore);
    expect(await getServer(s.id)).toEqual(serverBefore);
  });

  it("keep a rotation made just before the restart", async () => {
    const s = await createManualServer();
    const res = await rotateKeys(s.id);
    const rotated = (await res.json()) as any[];
    await evictDurableObject(keyStoreOf(s.id));
    const listed = (await (await admin(`/authorizationServers/${s.id}/credentials/keys`)).json()) as any[];
    expect(listed).toEqual(rotated);
  });
});

describe("private keys at rest", () => {
  const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi"];

  it("are stored sealed, never as a private JWK in clear", async () => {
    const s = await createManualServer();
    const { keys } = await storage(s.id);
    expect(keys).toHaveLength(2);
    for (const k of keys) {
      expect(k.sealed).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
      for (const m of PRIVATE_MEMBERS) expect(k.sealed).not.toContain(`"${m}":`);
      const pub = JSON.parse(k.public_jwk) as Record<string, unknown>;
      expect(Object.keys(pub).sort()).toEqual(["alg", "e", "kid", "kty", "n", "use"]);
      // Not the key in any other plain encoding either.
      expect(k.sealed).not.toContain(pub.n as string);
    }
  });

  it("open with the server's own id into the private half of the published key", async () => {
    const s = await createServer();
    const [k] = (await storage(s.id)).keys;
    const jwk = await openPrivateKey(env.KEY_ENCRYPTION_SECRET!, s.id, k!.kid, k!.sealed);
    const pub = JSON.parse(k!.public_jwk) as Record<string, unknown>;
    for (const m of PRIVATE_MEMBERS) expect(typeof (jwk as Record<string, unknown>)[m]).toBe("string");
    expect({ n: jwk.n, e: jwk.e, kty: jwk.kty }).toEqual({ n: pub.n, e: pub.e, kty: pub.kty });
  });

  it.each([
    ["another server's id", (s: { id: string; kid: string }) => [env.KEY_ENCRYPTION_SECRET!, "ausSomeOtherServer01", s.kid] as const],
    ["the default server's id", (s: { id: string; kid: string }) => [env.KEY_ENCRYPTION_SECRET!, "default", s.kid] as const],
    ["another kid", (s: { id: string; kid: string }) => [env.KEY_ENCRYPTION_SECRET!, s.id, "another-kid"] as const],
    ["another secret", (s: { id: string; kid: string }) => ["a-different-key-encryption-secret-0123456789", s.id, s.kid] as const],
  ])("do not open with %s", async (_, args) => {
    const s = await createServer();
    const [k] = (await storage(s.id)).keys;
    const [secret, serverId, kid] = args({ id: s.id, kid: k!.kid });
    await expect(openPrivateKey(secret, serverId, kid, k!.sealed)).rejects.toThrow();
  });
});

describe("deleting the server", () => {
  it("erases its keys, its rotation state and its alarm", async () => {
    const s = await createManualServer();
    expect((await rotateKeys(s.id)).status).toBe(200);
    expect((await admin(`/authorizationServers/${s.id}`, { method: "DELETE" })).status).toBe(204);
    expect(await storage(s.id)).toEqual({ meta: {}, keys: [], alarm: null });
  });

  it("does not grow new keys when the deleted server is asked for them", async () => {
    const s = await createServer();
    expect((await admin(`/authorizationServers/${s.id}`, { method: "DELETE" })).status).toBe(204);
    for (const path of [`/oauth2/${s.id}/v1/keys`, `/oauth2/${s.id}/.well-known/openid-configuration`]) expect((await call(path)).status).toBe(404);
    for (const path of [`/authorizationServers/${s.id}`, `/authorizationServers/${s.id}/credentials/keys`]) expect((await admin(path)).status).toBe(404);
    expect((await rotateKeys(s.id)).status).toBe(404);
    expect(await storage(s.id)).toEqual({ meta: {}, keys: [], alarm: null });
  });
});
