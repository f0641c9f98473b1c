import { join } from "node:path";
import { decodeProtectedHeader } from "jose";
import { LOG_DIR, makeTempState, randomSecret, randomToken, startServer } from "../support/server";
import { runSoak, type SoakFigures } from "./soak";
import { api, form, provision } from "./world";

/**
 * The end-to-end parts of `npm run reliability`, against a real `wrangler dev` (workerd) on a state folder of its
 * own: workerd restarted between requests and in the middle of a key rotation (keys_lost), and the soak — a mixed
 * load of tokens, refreshes, introspection, discovery, JWKS and admin reads and writes for `soakSeconds`, with
 * Mintgate's isolate's heap after GC and workerd's RSS at the start and the end (soak.ts).
 */

export interface E2eFigures extends SoakFigures {
  restarts: number;
  keys_lost: number;
  problems: string[];
}

async function publishedKids(base: string, serverId: string): Promise<Set<string>> {
  const res = await fetch(`${base}/oauth2/${serverId}/v1/keys`);
  return new Set(((await res.json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid));
}

export async function runE2eReliability(o: { soakSeconds: number; warmupSeconds: number; restarts: number; log?: (s: string) => void }): Promise<E2eFigures> {
  const log = o.log ?? (() => {});
  const state = makeTempState();
  const adminToken = randomToken();
  const keyEncryptionSecret = randomSecret();
  const options = () => ({ persistDir: state.persistDir, adminToken, keyEncryptionSecret, tempDir: state.dir, logFile: join(LOG_DIR, "reliability-server.log") });
  const f = { restarts: 0, keys_lost: 0, problems: [] as string[] } as E2eFigures;
  let server = await startServer(options());
  try {
    const w = await provision(server, adminToken);
    const a = () => api(server.baseUrl, adminToken);

    // Restarts of workerd: between requests, and right after a keyRotate was sent (in the middle of it, or just after).
    for (let i = 0; i < o.restarts; i++) {
      const before = await publishedKids(server.baseUrl, w.serverId);
      let rotation: Promise<unknown> = Promise.resolve();
      if (i % 2 === 1) {
        // One rotation that completes (so EXPIRED keys are among those that must survive), one still in flight.
        const done = await a()(`/authorizationServers/${w.serverId}/credentials/lifecycle/keyRotate`, { method: "POST", json: { use: "sig" } });
        if (done.status !== 200) f.problems.push(`restart ${i}: keyRotate answered ${done.status}`);
        before.clear();
        for (const kid of await publishedKids(server.baseUrl, w.serverId)) before.add(kid);
        rotation = a()(`/authorizationServers/${w.serverId}/credentials/lifecycle/keyRotate`, { method: "POST", json: { use: "sig" } }).catch(() => null);
        await new Promise((r) => setTimeout(r, 20));
      }
      await server.stop();
      await rotation;
      server = await startServer(options());
      f.restarts++;
      const after = await publishedKids(server.baseUrl, w.serverId);
      for (const kid of before) if (!after.has(kid)) (f.keys_lost++, f.problems.push(`restart ${i}: ${kid} lost`));
      const keys = (await a()(`/authorizationServers/${w.serverId}/credentials/keys`)).body as { kid: string; status: string }[];
      const active = keys.filter((k) => k.status === "ACTIVE");
      const minted = await form(server.baseUrl, `/oauth2/${w.serverId}/v1/token`, { grant_type: "client_credentials", scope: "orders:read" }, w);
      if (active.length !== 1 || minted.status !== 200) f.problems.push(`restart ${i}: ${active.length} ACTIVE, mint ${minted.status}`);
      else if (decodeProtectedHeader(minted.body.access_token).kid !== active[0]!.kid) (f.keys_lost++, f.problems.push(`restart ${i}: signed with a key that is not ACTIVE`));
      log(`restart ${i + 1}/${o.restarts}: ${after.size} keys published, ${f.keys_lost} lost`);
    }

    Object.assign(f, await runSoak({ server, world: w, adminToken, persistDir: state.persistDir, seconds: o.soakSeconds, warmupSeconds: o.warmupSeconds, problems: f.problems, log }));
  } finally {
    await server.stop();
    state.remove();
  }
  return f;
}
