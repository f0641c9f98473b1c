import { env } from "cloudflare:workers";
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it, vi, type MockInstance } from "vitest";
import type { Env } from "../../src/env";
import worker from "../../src/index";
import { recordAssertion } from "../../src/store/assertions";
import { LONGEST_ACCESS_TOKEN_SECONDS, purgeExpired } from "../../src/store/retention";
import { expectOAuthError, tokenBody } from "../support/clients";
import { appFor, createPerson, INVALID_REFRESH, peopleServer, refresh, tokensFor } from "../support/people";

// Issue 10, section 6: the Cron Trigger purges what is dead, in bounded batches, and keeps everything that can still
// change an answer. Rows are seeded around each boundary of a fixed instant T and the Worker's scheduled() is run at T.

const T = 2_000_000_000;
const DAY = LONGEST_ACCESS_TOKEN_SECONDS;
const CRON = "17 * * * *";
const tag = () => crypto.randomUUID().slice(0, 8);

/** Runs the Worker's scheduled() handler, as the Cron Trigger would, with the given scheduled time. */
async function runCron(scheduledTimeMs: number): Promise<void> {
  const ctx = createExecutionContext();
  const handler: ExportedHandler<Env> = worker;
  await handler.scheduled!(createScheduledController({ scheduledTime: scheduledTimeMs, cron: CRON }), env, ctx);
  await waitOnExecutionContext(ctx);
}

const ids = async (sql: string, ...binds: unknown[]) =>
  (await env.DB.prepare(sql).bind(...binds).all<{ id: string }>()).results.map((r) => r.id).sort();

const code = (hash: string, expiresAt: number, consumedAt: number | null = null) =>
  env.DB.prepare(
    `INSERT INTO authorization_codes (code_hash, auth_server_id, client_id, user_id, redirect_uri, grant_json, expires_at, consumed_at)
     VALUES (?1, 'default', 'c', 'u', 'https://app.example/cb', '{}', ?2, ?3)`,
  ).bind(hash, expiresAt, consumedAt);

const refreshRow = (id: string, family: string, o: { expiresAt: number | null; idleExpiresAt: number; rotated?: boolean; revoked?: boolean }) =>
  env.DB.prepare(
    `INSERT INTO refresh_tokens (token_hash, id, family_id, auth_server_id, client_id, user_id, grant_json, created, expires_at, idle_expires_at, rotated_at, revoked)
     VALUES (?1, ?1, ?2, 'default', 'c', 'u', '{}', ?3, ?4, ?5, ?6, ?7)`,
  ).bind(id, family, T - 10 * DAY, o.expiresAt, o.idleExpiresAt, o.rotated ? T - 5 * DAY : null, o.revoked ? 1 : 0);

const marker = (family: string, revokedAt: number) =>
  env.DB.prepare(`INSERT INTO revoked_families (family_id, revoked_at) VALUES (?1, ?2)`).bind(family, revokedAt);

const device = (hash: string, expiresAt: number) =>
  env.DB.prepare(
    `INSERT INTO device_authorizations (device_code_hash, user_code_hash, auth_server_id, client_id, scopes, status, poll_interval, created, expires_at)
     VALUES (?1, ?1, 'default', 'c', '["openid"]', 'PENDING', 5, ?2, ?3)`,
  ).bind(hash, expiresAt - 600, expiresAt);

describe("the scheduled retention job at T", () => {
  let userId: string;
  let logs: MockInstance<typeof console.log>;

  beforeAll(async () => {
    userId = (await createPerson()).id;
    const session = (id: string, expiresAt: number) =>
      env.DB.prepare(`INSERT INTO sessions (id_hash, user_id, auth_time, amr, created, expires_at) VALUES (?1, ?2, ?3, '["pwd"]', ?3, ?4)`).bind(
        id,
        userId,
        T - DAY,
        expiresAt,
      );
    await env.DB.batch([
      code("code-expired-over-a-day", T - DAY - 1),
      code("code-redeemed-expired-over-a-day", T - DAY - 1, T - DAY - 200),
      code("code-expired-exactly-a-day", T - DAY),
      code("code-redeemed-expired-an-hour", T - 3600, T - 3700),
      code("code-live", T + 60),

      // Unlimited lifetime (NULL expires_at): only the idle window ends it.
      refreshRow("rt-unlimited-idle-passed", "fam-unlimited-idle-passed", { expiresAt: null, idleExpiresAt: T - 1 }),
      refreshRow("rt-unlimited-idle-ends-now", "fam-unlimited-idle-ends-now", { expiresAt: null, idleExpiresAt: T }),
      // Absolute expiry passed, idle window not: past its lifetime.
      refreshRow("rt-absolute-passed", "fam-absolute-passed", { expiresAt: T - 1, idleExpiresAt: T + 1000 }),
      refreshRow("rt-absolute-ends-now", "fam-absolute-ends-now", { expiresAt: T, idleExpiresAt: T + 1000 }),
      // A rotated row past its idle window stays while a newer token of its family lives: its reuse revokes the family.
      refreshRow("rt-rotated-of-live-family", "fam-live", { expiresAt: null, idleExpiresAt: T - 100, rotated: true }),
      refreshRow("rt-newest-of-live-family", "fam-live", { expiresAt: null, idleExpiresAt: T + 100 }),
      // Every row of the family past its lifetime: the family goes.
      refreshRow("rt-rotated-of-dead-family", "fam-dead", { expiresAt: T + DAY, idleExpiresAt: T - 200, rotated: true }),
      refreshRow("rt-newest-of-dead-family", "fam-dead", { expiresAt: T + DAY, idleExpiresAt: T - 100 }),
      // A revoked family whose rows have not reached the end of their lifetime yet.
      refreshRow("rt-revoked-within-lifetime", "fam-revoked-within-lifetime", { expiresAt: T + DAY, idleExpiresAt: T + 100, revoked: true }),
      // A revoked family whose rows are all past their lifetime.
      refreshRow("rt-revoked-past-lifetime", "fam-revoked-past-lifetime", { expiresAt: T - 1, idleExpiresAt: T - 1, revoked: true }),

      marker("fam-revoked-within-lifetime", T - 2 * DAY),
      marker("fam-revoked-past-lifetime", T - 2 * DAY),
      marker("fam-no-rows-revoked-over-a-day", T - DAY - 1),
      marker("fam-no-rows-revoked-exactly-a-day", T - DAY),
      marker("fam-no-rows-revoked-just-now", T - 5),

      env.DB.prepare(`INSERT INTO revoked_tokens (jti, auth_server_id, expires_at) VALUES ('AT.expired', 'default', ?1)`).bind(T - 1),
      env.DB.prepare(`INSERT INTO revoked_tokens (jti, auth_server_id, expires_at) VALUES ('AT.expires-now', 'default', ?1)`).bind(T),

      session("session-expired", T - 1),
      session("session-expires-now", T),
      session("session-live", T + DAY),

      env.DB.prepare(`INSERT INTO used_assertions (client_id, jti, expires_at) VALUES ('c', 'jti-expired', ?1)`).bind(T - 1),
      env.DB.prepare(`INSERT INTO used_assertions (client_id, jti, expires_at) VALUES ('c', 'jti-expires-now', ?1)`).bind(T),

      device("dev-expired-over-a-day", T - DAY - 1),
      device("dev-expired-exactly-a-day", T - DAY),
      device("dev-live", T + 600),
      env.DB.prepare(`INSERT OR REPLACE INTO user_code_attempts (address, window_start, count) VALUES ('addr-old', ?1, 3)`).bind(T - 901),
      env.DB.prepare(`INSERT OR REPLACE INTO user_code_attempts (address, window_start, count) VALUES ('addr-current', ?1, 3)`).bind(T - 900),
    ]);
    logs = vi.spyOn(console, "log");
    await runCron(T * 1000);
  });

  afterEach(() => {
    logs.mockClear();
  });

  it("deletes codes more than a day (the longest access token) past their expiry, redeemed or not, and keeps the rest", async () => {
    expect(await ids(`SELECT code_hash AS id FROM authorization_codes WHERE code_hash LIKE 'code-%'`)).toEqual([
      "code-expired-exactly-a-day",
      "code-live",
      "code-redeemed-expired-an-hour",
    ]);
  });

  it("deletes a family's refresh tokens once every one is past its absolute expiry or idle window, and no sooner", async () => {
    expect(await ids(`SELECT id FROM refresh_tokens WHERE id LIKE 'rt-%'`)).toEqual([
      "rt-absolute-ends-now",
      "rt-newest-of-live-family",
      "rt-revoked-within-lifetime",
      "rt-rotated-of-live-family",
      "rt-unlimited-idle-ends-now",
    ]);
  });

  it("deletes revoked-family markers only when the family has no tokens left and the revocation is over a day old", async () => {
    expect(await ids(`SELECT family_id AS id FROM revoked_families WHERE family_id LIKE 'fam-%'`)).toEqual([
      "fam-no-rows-revoked-exactly-a-day",
      "fam-no-rows-revoked-just-now",
      "fam-revoked-within-lifetime",
    ]);
  });

  it("deletes revoked access tokens, sessions and used assertion ids strictly past their expiry", async () => {
    expect(await ids(`SELECT jti AS id FROM revoked_tokens WHERE jti LIKE 'AT.%'`)).toEqual(["AT.expires-now"]);
    expect(await ids(`SELECT id_hash AS id FROM sessions WHERE user_id = ?1`, userId)).toEqual(["session-expires-now", "session-live"]);
    expect(await ids(`SELECT jti AS id FROM used_assertions WHERE client_id = 'c'`)).toEqual(["jti-expires-now"]);
  });

  it("deletes device authorizations more than a day past their expiry, and guessing windows that are over", async () => {
    expect(await ids(`SELECT device_code_hash AS id FROM device_authorizations WHERE device_code_hash LIKE 'dev-%'`)).toEqual(["dev-expired-exactly-a-day", "dev-live"]);
    expect(await ids(`SELECT address AS id FROM user_code_attempts WHERE address LIKE 'addr-%'`)).toEqual(["addr-current"]);
  });

  it("logs one line with the rows it deleted per table, and a second run finds nothing left to delete", async () => {
    await runCron(T * 1000);
    const lines = logs.mock.calls.map((args) => String(args[0])).filter((l) => l.includes('"event":"retention"'));
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      {
        event: "retention",
        scheduledTime: new Date(T * 1000).toISOString(),
        deleted: { authorization_codes: 0, log_events: 0, refresh_tokens: 0, revoked_families: 0, revoked_tokens: 0, sessions: 0, used_assertions: 0, family_access_tokens: 0, retired_client_ids: 0, pushed_requests: 0, used_dpop_proofs: 0, device_authorizations: 0, user_code_attempts: 0, token_holders: 0 },
      },
    ]);
  });
});

describe("bounded batches", () => {
  it("deletes at most batch × maxBatches rows per table in one run and the rest on the next", async () => {
    const at = T + 6 * DAY;
    await purgeExpired(env.DB, at); // what earlier tests left, so that the counts below are this test's rows alone
    const prefix = `AT.batch-${tag()}-`;
    await env.DB.batch(
      Array.from({ length: 10 }, (_, i) =>
        env.DB.prepare(`INSERT INTO revoked_tokens (jti, auth_server_id, expires_at) VALUES (?1, 'default', ?2)`).bind(`${prefix}${i}`, T + 5 * DAY),
      ),
    );
    const left = async () => (await env.DB.prepare(`SELECT COUNT(*) AS n FROM revoked_tokens WHERE jti LIKE ?1`).bind(`${prefix}%`).first<{ n: number }>())!.n;
    const first = await purgeExpired(env.DB, at, { batch: 2, maxBatches: 3 });
    expect(first.revoked_tokens).toBe(6);
    expect(await left()).toBe(4);
    const second = await purgeExpired(env.DB, at, { batch: 2, maxBatches: 3 });
    expect(second.revoked_tokens).toBe(4);
    expect(await left()).toBe(0);
  });
});

describe("what the job keeps still works", () => {
  it("leaves a person's live refresh token usable and its rotated predecessor still recognised as reuse", async () => {
    const server = await peopleServer({ rule: { accessTokenLifetimeMinutes: 10, refreshTokenLifetimeMinutes: 120, refreshTokenWindowMinutes: 30 } });
    const person = await createPerson();
    const client = await appFor(person);
    const t0 = await tokensFor(server.id, client, person);
    const t1 = await tokenBody(await refresh(server.id, client, t0.refresh_token));
    await runCron(Date.now());
    const t2 = await tokenBody(await refresh(server.id, client, t1.refresh_token));
    // Reusing the rotated t0 revokes the family, so the newest token stops working too.
    await expectOAuthError(await refresh(server.id, client, t0.refresh_token), 400, "invalid_grant", INVALID_REFRESH);
    await expectOAuthError(await refresh(server.id, client, t2.refresh_token), 400, "invalid_grant", INVALID_REFRESH);
  });
});

describe("used client-assertion ids", () => {
  it("refuses a jti again while its assertion is valid and accepts it once that assertion has expired", async () => {
    const jti = `jti-${tag()}`;
    expect(await recordAssertion(env.DB, "c2", jti, T + 60, T)).toBe(true);
    expect(await recordAssertion(env.DB, "c2", jti, T + 120, T + 60)).toBe(false);
    expect(await recordAssertion(env.DB, "c2", jti, T + 300, T + 61)).toBe(true);
    expect(await recordAssertion(env.DB, "c2", jti, T + 400, T + 200)).toBe(false);
    expect(await recordAssertion(env.DB, "other-client", jti, T + 60, T)).toBe(true);
  });
});
