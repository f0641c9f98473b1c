import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { attemptSignIn, succeeded } from "../../src/store/lockout";
import { insertHolder, personStillSignedIn } from "../../src/store/token-holders";
import { createPerson, userLifecycle } from "../support/people";

/**
 * Issue 17: a sign-in reads the person's row from a replica, checks the password in the Worker, and decides the
 * attempt in one batch on the primary (store/lockout.ts attemptSignIn). The batch re-checks what a lagging replica
 * could have got wrong, and a refused attempt writes none of the statements its success would have run.
 */
const LOCKOUT = { maxAttempts: 3, autoUnlockMinutes: 0, showLockoutFailures: false };
const NOW = Date.parse("2031-03-01T00:00:00.000Z");
const ISO = new Date(NOW).toISOString();

const hashOf = async (userId: string) => (await env.DB.prepare(`SELECT password_hash FROM users WHERE id = ?1`).bind(userId).first<string>("password_hash"))!;
const failuresOf = async (userId: string) => (await env.DB.prepare(`SELECT failures FROM sign_in_failures WHERE user_id = ?1`).bind(userId).first<number>("failures")) ?? 0;

/** A statement a success also runs, as the session's is written: a row only if the attempt succeeded. */
const marker = (attemptId: string, tag: string) =>
  env.DB.prepare(`INSERT INTO sign_in_verdicts (attempt_id, user_id) SELECT ?1, 'marker' WHERE ${succeeded(2)}`).bind(`${tag}-${attemptId}`, attemptId);
const markerWritten = async (attemptId: string, tag: string) =>
  (await env.DB.prepare(`SELECT 1 FROM sign_in_verdicts WHERE attempt_id = ?1`).bind(`${tag}-${attemptId}`).first()) !== null;

async function attempt(userId: string, checkedHash: string, correct: boolean) {
  const attemptId = crypto.randomUUID();
  const outcome = await attemptSignIn(env.DB, { userId, checkedHash, correct, attemptId }, LOCKOUT, NOW, ISO, [marker(attemptId, "m")]);
  const written = await markerWritten(attemptId, "m");
  await env.DB.prepare(`DELETE FROM sign_in_verdicts WHERE attempt_id = ?1`).bind(`m-${attemptId}`).run();
  return { ok: outcome.ok, written, lockedNow: outcome.lockedNow, status: outcome.user?.status, leftOver: await env.DB.prepare(`SELECT 1 FROM sign_in_verdicts WHERE attempt_id = ?1`).bind(attemptId).first() };
}

describe("a sign-in attempt decided in one batch on the primary", () => {
  it("succeeds with the right password, runs the success's statements, resets the counter and leaves no verdict behind", async () => {
    const p = await createPerson();
    const hash = await hashOf(p.id);
    expect(await attempt(p.id, hash, false)).toMatchObject({ ok: false, written: false });
    expect(await failuresOf(p.id)).toBe(1);
    expect(await attempt(p.id, hash, true)).toEqual({ ok: true, written: true, lockedNow: false, status: "ACTIVE", leftOver: null });
    expect(await failuresOf(p.id)).toBe(0);
  });

  it("neither admits nor counts a password checked against a hash the primary no longer has (a lagging replica)", async () => {
    const p = await createPerson();
    const stale = await hashOf(p.id);
    await env.DB.prepare(`UPDATE users SET password_hash = ?2 WHERE id = ?1`).bind(p.id, `${stale}x`).run();
    expect(await attempt(p.id, stale, true)).toMatchObject({ ok: false, written: false, leftOver: null });
    expect(await attempt(p.id, stale, false)).toMatchObject({ ok: false, written: false, leftOver: null });
    expect(await failuresOf(p.id)).toBe(0);
  });

  it("refuses the right password once maxAttempts failures are counted, and the failure that reached it locks", async () => {
    const p = await createPerson();
    const hash = await hashOf(p.id);
    expect(await attempt(p.id, hash, false)).toMatchObject({ ok: false, lockedNow: false });
    expect(await attempt(p.id, hash, false)).toMatchObject({ ok: false, lockedNow: false });
    expect(await attempt(p.id, hash, false)).toMatchObject({ ok: false, lockedNow: true, status: "LOCKED_OUT" });
    expect(await attempt(p.id, hash, true)).toMatchObject({ ok: false, written: false, status: "LOCKED_OUT" });
    expect(await failuresOf(p.id)).toBe(4);
  });

  it("refuses the right password of a person the replica showed ACTIVE but the primary has deactivated", async () => {
    const p = await createPerson();
    const hash = await hashOf(p.id);
    await userLifecycle(p.id, "deactivate");
    expect(await attempt(p.id, hash, true)).toMatchObject({ ok: false, written: false, status: "DEPROVISIONED" });
  });

  it("lets at most one of parallel attempts with the right password through per reset, and counts every other", async () => {
    const p = await createPerson();
    const hash = await hashOf(p.id);
    // Two failures counted: one slot left below maxAttempts (3) for the guesses racing here.
    await attempt(p.id, hash, false);
    await attempt(p.id, hash, false);
    const raced = await Promise.all([true, false, false, false, false].map((correct) => attempt(p.id, hash, correct)));
    const ok = raced.filter((r) => r.ok).length;
    expect(ok).toBeLessThanOrEqual(1);
    // A success resets the counter; failures after it start again from zero. Either way none was lost.
    if (ok === 0) expect(await failuresOf(p.id)).toBe(7);
    else expect(await failuresOf(p.id)).toBeLessThanOrEqual(4);
  });
});

describe("the index row /authorize writes after reading from a replica", () => {
  const row = (userId: string) => ({ doId: `do-${crypto.randomUUID()}`, userId, clientId: "client", authServerId: "server" });
  const nowSeconds = Math.floor(Date.now() / 1000);

  it("is written while the person is ACTIVE and the session live and theirs on the primary, and not otherwise", async () => {
    const p = await createPerson();
    const other = await createPerson();
    const sessionHash = `h-${crypto.randomUUID()}`;
    await env.DB.prepare(`INSERT INTO sessions (id_hash, user_id, auth_time, amr, created, expires_at) VALUES (?1, ?2, ?3, '["pwd"]', ?3, ?4)`)
      .bind(sessionHash, p.id, nowSeconds, nowSeconds + 60)
      .run();
    expect(await insertHolder(env.DB, row(p.id), nowSeconds, null, personStillSignedIn(sessionHash, nowSeconds))).toBe(true);
    // Another person's session, an expired one, no session at all.
    expect(await insertHolder(env.DB, row(other.id), nowSeconds, null, personStillSignedIn(sessionHash, nowSeconds))).toBe(false);
    expect(await insertHolder(env.DB, row(p.id), nowSeconds, null, personStillSignedIn(sessionHash, nowSeconds + 61))).toBe(false);
    expect(await insertHolder(env.DB, row(p.id), nowSeconds, null, personStillSignedIn(`h-${crypto.randomUUID()}`, nowSeconds))).toBe(false);
    // Ended on the primary a moment ago: signed out, or deactivated (which also ends their sessions).
    await userLifecycle(p.id, "suspend");
    const r = row(p.id);
    expect(await insertHolder(env.DB, r, nowSeconds, null, personStillSignedIn(null, nowSeconds))).toBe(false);
    expect(await env.DB.prepare(`SELECT 1 FROM token_holders WHERE do_id = ?1`).bind(r.doId).first()).toBeNull();
  });
});
