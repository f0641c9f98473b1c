import { exports } from "cloudflare:workers";
import { createRemoteJWKSet, customFetch, decodeProtectedHeader, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { BASE, createServer } from "../support/admin";
import { asBasic, createApp, createPolicy, createRule, createScope, oauthPost, type Client } from "../support/clients";
import { rotateKeys } from "../support/fixtures";
import { alarmPublishNext, alarmRotation } from "./support/keys";
import { report, scaled } from "./support/run";

/**
 * Part 3: rotation under load. Tokens are minted without pause while keys rotate, by hand (keyRotate on a MANUAL
 * server, which keeps a NEXT key published) and by the Durable Object's alarm (an AUTO server: one alarm publishes
 * the NEXT key, as halfway through a period, a later one promotes it), in turn; every token is verified as a
 * relying party would: jose's remote JWKS, caching the set for as long as its Cache-Control allows and refetching
 * on an unknown kid (at most once per its 30-second cooldown). The full run spaces rotations past that cooldown, as
 * real rotations (days apart) always are; the slice, which cannot wait, lets the relying party refetch at once.
 * Not measured here: keyRotate on an AUTO server before its NEXT key is published signs with a key no one has seen
 * (README, "Consistency"), which a verifier in its refetch cooldown refuses.
 */

const ROTATIONS = scaled(2, 6);
const SPACING_MS = scaled(1_500, 32_000);
const MINTERS = 4;

/** The relying party: jose's remote JWKS over the Worker's fetch, honouring the JWKS's own max-age. */
async function relyingParty(serverId: string) {
  const url = `${BASE}/oauth2/${serverId}/v1/keys`;
  const first = await exports.default.fetch(url);
  await first.arrayBuffer();
  const maxAge = Number(/max-age=(\d+)/.exec(first.headers.get("Cache-Control") ?? "")?.[1] ?? 0);
  return createRemoteJWKSet(new URL(url), {
    cacheMaxAge: maxAge * 1000,
    ...(scaled(true, false) ? { cooldownDuration: 0 } : {}),
    [customFetch]: (input, init) => exports.default.fetch(new Request(input, init)),
  });
}

describe("rotation under load", () => {
  it(`${ROTATIONS} rotations, by hand and by the alarm, while tokens are minted: every token verifies`, { timeout: scaled(60_000, 900_000) }, async () => {
    const client: Client = await createApp();
    const ready = async (mode: "AUTO" | "MANUAL") => {
      const audience = `api://rotation-${crypto.randomUUID()}`;
      const server = await createServer({ audiences: [audience], credentials: { signing: { rotationMode: mode } } });
      await createScope(server.id, { name: "orders:read" });
      await createRule(server.id, (await createPolicy(server.id)).id);
      return { id: server.id as string, audience, issuer: `${BASE}/oauth2/${server.id}`, jwks: await relyingParty(server.id) };
    };
    const servers = { manual: await ready("MANUAL"), alarm: await ready("AUTO") };

    let minted = 0;
    let mintErrors = 0;
    let verifyFailures = 0;
    const failures: string[] = [];
    const kids = new Set<string>();
    let rotating = true;

    async function minter(n: number): Promise<void> {
      const server = n % 2 ? servers.alarm : servers.manual;
      while (rotating) {
        // The warm client_credentials path does no I/O: without a macrotask turn the rotator's timer never fires.
        await new Promise((r) => setTimeout(r, 0));
        const res = await oauthPost(server.id, "token", { grant_type: "client_credentials", scope: "orders:read" }, asBasic(client));
        const body = (await res.json()) as { access_token?: string };
        if (res.status !== 200 || !body.access_token) {
          mintErrors++;
          if (failures.length < 20) failures.push(`mint ${res.status} ${JSON.stringify(body)}`);
          continue;
        }
        minted++;
        kids.add(decodeProtectedHeader(body.access_token).kid!);
        try {
          await jwtVerify(body.access_token, server.jwks, { issuer: server.issuer, audience: server.audience });
        } catch (err) {
          verifyFailures++;
          if (failures.length < 20) failures.push(`verify ${decodeProtectedHeader(body.access_token).kid}: ${(err as Error).message}`);
        }
      }
    }

    const rotations: string[] = [];
    async function rotator(): Promise<void> {
      try {
        for (let i = 0; i < ROTATIONS; i++) {
          if (i % 2 === 0) {
            await new Promise((r) => setTimeout(r, SPACING_MS));
            const res = await rotateKeys(servers.manual.id);
            await res.arrayBuffer();
            rotations.push(`manual ${res.status}`);
          } else {
            await alarmPublishNext(servers.alarm.id);
            await new Promise((r) => setTimeout(r, SPACING_MS));
            await alarmRotation(servers.alarm.id);
            rotations.push("alarm");
          }
        }
        // Let the last key sign for a while before stopping.
        await new Promise((r) => setTimeout(r, SPACING_MS));
      } finally {
        rotating = false;
      }
    }

    await Promise.all([rotator(), ...Array.from({ length: MINTERS }, (_, n) => minter(n))]);
    report("rotation", { rotations: rotations.length, verify_failures: verifyFailures, rotation_tokens: minted, rotation_mint_errors: mintErrors, rotation_kids_seen: kids.size }, { rotations, failures });
    expect(failures).toEqual([]);
    expect(rotations.filter((r) => r === "manual 200" || r === "alarm")).toHaveLength(ROTATIONS);
    // Each rotation's new key signed some of the tokens (the alarm's after the isolate's bounded staleness, or at once here).
    expect(kids.size).toBeGreaterThan(1);
  });
});
