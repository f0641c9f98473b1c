import { env } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { purgeExpired } from "../../src/store/retention";
import { epochSeconds, nowMs } from "../../src/clock";
import { advanceTime, freezeTime, restoreTime } from "../support/clock";
import { codeFor, refresh, tokensFor } from "../support/code-flow";
import { appFor, createPerson, peopleServer, type PeopleServer, type Person } from "../support/people";
import { tokenBody, type Client } from "../support/clients";
import { holderStub, sqlInHolder } from "../support/sessions";

/** Issue 17: each SessionStore deletes its own dead state from its alarm; the cron purges the D1 index. */
let ps: PeopleServer;
let person: Person;
let client: Client;
const DAY_MS = 24 * 3600 * 1000;

beforeAll(async () => {
  ps = await peopleServer();
  person = await createPerson();
  client = await appFor(person);
});
afterEach(() => restoreTime());

const rows = (token: string) =>
  sqlInHolder<{ c: number; r: number; a: number }>(
    token,
    `SELECT (SELECT COUNT(*) FROM authorization_codes) AS c, (SELECT COUNT(*) FROM refresh_tokens) AS r, (SELECT COUNT(*) FROM family_access_tokens) AS a`,
  );

describe("a SessionStore's alarm", () => {
  it("keeps a live family (and its rotated rows, for reuse detection) and deletes nothing early", async () => {
    freezeTime();
    const t = await tokensFor(ps.id, client, person);
    await tokenBody(await refresh(ps.id, client, t.refresh_token));
    expect(await runDurableObjectAlarm(holderStub(t.refresh_token))).toBe(true);
    expect(await rows(t.refresh_token)).toEqual([{ c: 1, r: 2, a: 2 }]);
  });

  it("deletes the code, the family and its records once all are past their lifetime, and sets no new alarm", async () => {
    freezeTime();
    const t = await tokensFor(ps.id, client, person);
    // The rule's refresh token lifetime is unlimited by default, its idle window 7 days: past it (and a day more for
    // the code's replay window) nothing can change an answer.
    advanceTime(8 * DAY_MS);
    expect(await runDurableObjectAlarm(holderStub(t.refresh_token))).toBe(true);
    expect(await rows(t.refresh_token)).toEqual([{ c: 0, r: 0, a: 0 }]);
    expect(await runDurableObjectAlarm(holderStub(t.refresh_token))).toBe(false);
  });

  it("deletes an unredeemed code a day after it expired", async () => {
    freezeTime();
    const a = await codeFor(ps.id, client, person);
    advanceTime(DAY_MS + 301_000);
    expect(await runDurableObjectAlarm(holderStub(a.code))).toBe(true);
    expect(await rows(a.code)).toEqual([{ c: 0, r: 0, a: 0 }]);
  });
});

describe("the D1 index", () => {
  it("is purged by the cron a day after nothing it names can be alive", async () => {
    freezeTime();
    const a = await codeFor(ps.id, client, person, { extra: { scope: "openid" } });
    const doId = a.code.slice(0, 64);
    const count = async () => (await env.DB.prepare(`SELECT COUNT(*) AS n FROM token_holders WHERE do_id = ?1`).bind(doId).first<{ n: number }>())!.n;
    expect(await count()).toBe(1);
    await purgeExpired(env.DB, epochSeconds(nowMs()) + 301 + 24 * 3600 - 1);
    expect(await count()).toBe(1);
    await purgeExpired(env.DB, epochSeconds(nowMs()) + 301 + 24 * 3600 + 1);
    expect(await count()).toBe(0);
  });
});
