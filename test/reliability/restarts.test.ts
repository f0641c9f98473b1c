import { evictDurableObject } from "cloudflare:test";
import { decodeProtectedHeader } from "jose";
import { describe, expect, it, vi } from "vitest";
import { forgetKeys } from "../../src/cache/keys";
import { createServer } from "../support/admin";
import { asBasic, createApp, createPolicy, createRule, createScope, oauthPost, type Json } from "../support/clients";
import { adminKeys, jwks, keyStoreOf, rotateKeys } from "../support/fixtures";
import { alarmRotation, storedKeys } from "./support/keys";
import { report, scaled } from "./support/run";

/**
 * Part 5 (in workerd): the key Durable Object evicted between requests and in the middle of a rotation (by hand
 * and by the alarm). After each restart every key published before it is still published (none is past its
 * retirement in this test), exactly one key is ACTIVE, and the next token is signed with it: keys_lost counts the
 * keys that went missing and the tokens signed with anything else. workerd itself is restarted in the end-to-end part.
 */

const RESTARTS = scaled(4, 24);

describe("the key Durable Object restarted", () => {
  it(`${RESTARTS} evictions between requests and mid-rotation: no key lost, signing resumes with ACTIVE`, { timeout: scaled(60_000, 600_000) }, async () => {
    const audience = `api://restart-${crypto.randomUUID()}`;
    const server = await createServer({ audiences: [audience] });
    await createScope(server.id, { name: "orders:read" });
    await createRule(server.id, (await createPolicy(server.id)).id);
    const client = await createApp();
    const stub = keyStoreOf(server.id);

    let restarts = 0;
    let keysLost = 0;
    const problems: string[] = [];
    const kinds: Record<string, number> = {};
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      for (let i = 0; i < RESTARTS; i++) {
        const before = new Set((await jwks(server.id)).keys.map((k) => k.kid as string));
        const kind = ["between requests", "during keyRotate", "during the alarm's rotation"][i % 3]!;
        kinds[kind] = (kinds[kind] ?? 0) + 1;
        let rotation: Promise<unknown> = Promise.resolve();
        if (kind === "during keyRotate") rotation = rotateKeys(server.id).then((r) => r.arrayBuffer()).catch(() => {});
        if (kind === "during the alarm's rotation") rotation = alarmRotation(server.id).catch(() => {});
        // Let the rotation reach the object (it runs inside blockConcurrencyWhile), then pull it away.
        await new Promise((r) => setTimeout(r, i % 2 ? 0 : 5));
        await evictDurableObject(stub);
        restarts++;
        await rotation;
        forgetKeys(server.id);

        const stored = await storedKeys(server.id);
        const published = new Set((await jwks(server.id)).keys.map((k) => k.kid as string));
        for (const kid of before) {
          if (!published.has(kid)) {
            keysLost++;
            problems.push(`${kind} #${i}: ${kid} was published and is gone`);
          }
        }
        const active = (await adminKeys(server.id)).filter((k: Json) => k.status === "ACTIVE");
        if (active.length !== 1 || stored.filter((k) => k.status === "ACTIVE").length !== 1) problems.push(`${kind} #${i}: ${active.length} ACTIVE keys`);
        const res = await oauthPost(server.id, "token", { grant_type: "client_credentials", scope: "orders:read" }, asBasic(client));
        const body = (await res.json()) as Json;
        if (res.status !== 200) {
          problems.push(`${kind} #${i}: minting answered ${res.status}`);
          continue;
        }
        const kid = decodeProtectedHeader(body.access_token).kid;
        if (kid !== active[0]?.kid) {
          keysLost++;
          problems.push(`${kind} #${i}: signed with ${kid}, ACTIVE is ${active[0]?.kid}`);
        }
      }
    } finally {
      log.mockRestore();
    }
    report("restarts-workerd", { restarts, keys_lost: keysLost }, { kinds, problems });
    expect(problems).toEqual([]);
  });
});
