import { env } from "cloudflare:workers";
import { createMessageBatch } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import { runRetention } from "../../src/jobs/retention";
import type { LogEvent } from "../../src/log/event";
import { deflateText } from "../../src/deflate";
import { base64url } from "../../src/encoding";
import { admin, BASE } from "../support/admin";
import { expectOktaOutage } from "../support/faults";

/**
 * The System Log stored as chunks (one row per queue message, schema.sql log_chunks), seen through the API:
 * redelivery, time order across overlapping chunks, eventType pruning, a corrupt chunk, and retention.
 */
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const NOW = Math.floor(Date.now() / 1000) * 1000;

/** A deterministic generator (mulberry32), so a failure reproduces. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function event(published: number, over: Partial<LogEvent> = {}): LogEvent {
  return {
    uuid: crypto.randomUUID(),
    published: new Date(published).toISOString(),
    eventType: "user.session.start",
    version: "0",
    severity: "INFO",
    legacyEventType: null,
    displayMessage: "x",
    actor: { id: "00u1", type: "User", alternateId: "person@example.com", displayName: null },
    client: { userAgent: null, zone: null, device: null, id: null, ipAddress: "10.0.0.1", geographicalContext: null },
    device: null,
    authenticationContext: { authenticationProvider: null, credentialProvider: null, credentialType: null, issuer: null, interface: null, authenticationStep: 0, externalSessionId: null },
    outcome: { result: "SUCCESS", reason: null },
    securityContext: { asNumber: null, asOrg: null, isp: null, domain: null, isProxy: null },
    debugContext: { debugData: {} },
    transaction: { type: "WEB", id: "tx", detail: {} },
    request: { ipChain: [] },
    target: [],
    ...over,
  } as LogEvent;
}

/** Delivers queue messages (each an array of events) to the consumer, as the queue would, in one batch. */
async function deliver(messages: Array<{ id: string; events: LogEvent[] }>, attempts = 1): Promise<void> {
  const batch = createMessageBatch("mintgate-log", messages.map((m) => ({ id: m.id, timestamp: new Date(), attempts, body: m.events })));
  await worker.queue!(batch as never, env);
}

const nextLink = (res: Response) => /<([^>]+)>; rel="next"/.exec(res.headers.get("Link") ?? "")?.[1];

/** Every page of a query, following rel="next" (a polling query: until the page is not full). */
async function follow(query: string, polling = false): Promise<{ uuids: string[]; pages: number }> {
  const uuids: string[] = [];
  let path: string | undefined = `/logs?${query}`;
  let pages = 0;
  while (path) {
    const res = await admin(path);
    expect(res.status).toBe(200);
    const page = (await res.json()) as LogEvent[];
    uuids.push(...page.map((e) => e.uuid));
    pages++;
    const next = nextLink(res);
    path = next && !(polling && page.length < Number(/limit=(\d+)/.exec(query)![1])) ? next.slice(`${BASE}/api/v1`.length) : undefined;
  }
  return { uuids, pages };
}

const window = (since: number, until: number) => `since=${new Date(since).toISOString()}&until=${new Date(until).toISOString()}`;
const q = (filter: string) => `filter=${encodeURIComponent(filter)}`;

afterEach(() => vi.restoreAllMocks());

describe("log chunks: a queue message is one chunk", () => {
  it("stores a redelivered message once, including a message split for spanning more than a minute", async () => {
    const t = NOW - 10 * HOUR;
    const tag = crypto.randomUUID();
    const short = [event(t, { displayMessage: tag }), event(t + 1, { displayMessage: tag })];
    const long = [event(t + 2, { displayMessage: tag }), event(t + 2 + 3 * MINUTE, { displayMessage: tag }), event(t + 2 + 6 * MINUTE, { displayMessage: tag })];
    const messages = [{ id: `short-${tag}`, events: short }, { id: `long-${tag}`, events: long }];
    await deliver(messages);
    await deliver(messages, 2);
    await deliver([messages[1]!], 3);
    const { uuids } = await follow(`${window(t, t + HOUR)}&${q(`displayMessage eq "${tag}"`)}&limit=1000`);
    expect(uuids).toEqual([...short, ...long].map((e) => e.uuid));
  });

  it("drops what its producer never writes (no uuid, an unreadable published) with a log line, and stores the rest", async () => {
    const t = NOW - 11 * HOUR;
    const tag = crypto.randomUUID();
    const good = event(t, { displayMessage: tag });
    const bad = [{ ...event(t, { displayMessage: tag }), published: "yesterday" }, { ...event(t, { displayMessage: tag }), published: "2026-12-01" }, { nonsense: true }];
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    await deliver([{ id: `mixed-${tag}`, events: [...bad, good] as LogEvent[] }]);
    expect(errors.mock.calls.map((a) => String(a[0]))).toContain(JSON.stringify({ event: "system_log_bad_messages", dropped: 3 }));
    const { uuids } = await follow(`${window(t - HOUR, t + HOUR)}&${q(`displayMessage eq "${tag}"`)}&limit=10`);
    expect(uuids).toEqual([good.uuid]);
  });
});

describe("log chunks: pages in time order across overlapping chunks", () => {
  // 120 chunks (more than one load batch), each 3 events within 300 ms of its start, starts 10 ms apart: every
  // chunk overlaps the next 30; some events share a published millisecond with another chunk's.
  const T = NOW - 3 * HOUR;
  const tag = crypto.randomUUID();
  const rnd = random(13);
  const types = ["app.oauth2.as.token.grant.access_token", "user.session.start", "user.session.end"];
  const chunks = Array.from({ length: 120 }, (_, k) =>
    Array.from({ length: 3 }, (_, i) =>
      event(T + k * 10 + (i === 0 ? 0 : Math.floor(rnd() * 300)), {
        displayMessage: `${tag} ${k}.${i}`,
        eventType: types[Math.floor(rnd() * 3)]!,
        outcome: { result: rnd() < 0.3 ? "FAILURE" : "SUCCESS", reason: null },
        target: [{ id: `tgt${k % 7}`, type: "AuthorizationServer", alternateId: null, displayName: null }],
      }),
    ),
  );
  const WINDOW = window(T - 1000, T + HOUR);
  // Chunks arrive in three batches, the second holding chunks published before some of the first's.
  const arrivals = [chunks.slice(0, 60).filter((_, k) => k % 2 === 0), chunks.slice(0, 60).filter((_, k) => k % 2 === 1), chunks.slice(60)];
  const storedOrder = arrivals.flat();
  // Persistence order: chunk by chunk, each sorted by (published, uuid).
  const stored = storedOrder.flatMap((events, seq) => [...events].sort((a, b) => a.published.localeCompare(b.published) || a.uuid.localeCompare(b.uuid)).map((e) => ({ e, seq })));
  // A bounded query's order: published; ties in persistence order.
  const byTime = [...stored].sort((a, b) => a.e.published.localeCompare(b.e.published) || a.seq - b.seq).map((x) => x.e);

  beforeAll(async () => {
    let n = 0;
    for (const batch of arrivals) await deliver(batch.map((events) => ({ id: `chunk${n++}-${tag}`, events })));
  });

  const cases: Array<[string, string, (e: LogEvent) => boolean]> = [
    ["all", `displayMessage sw "${tag}"`, () => true],
    ["a type and an outcome", `displayMessage sw "${tag}" and eventType eq "user.session.start" and outcome.result eq "FAILURE"`, (e) => e.eventType === "user.session.start" && e.outcome.result === "FAILURE"],
    ["a target", `displayMessage sw "${tag}" and target.id eq "tgt3"`, (e) => e.target[0]!.id === "tgt3"],
  ];

  it.each(cases)("ASC and DESC, at several limits, following Link next (after): %s", async (_what, filter, pick) => {
    const expected = byTime.filter(pick).map((e) => e.uuid);
    expect(expected.length).toBeGreaterThan(10);
    // Small pages cross chunk boundaries often, and about 150 events is one load batch of chunks (log/read.ts); "all"
    // at limit 2 would be 180 requests.
    for (const limit of _what === "all" ? [1000, 149, 7] : [1000, 7, 2]) {
      const asc = await follow(`${WINDOW}&${q(filter)}&limit=${limit}`);
      expect(asc.uuids).toEqual(expected);
      expect(asc.pages).toBe(Math.ceil(expected.length / limit));
      const desc = await follow(`${WINDOW}&${q(filter)}&limit=${limit}&sortOrder=DESCENDING`);
      expect(desc.uuids).toEqual([...expected].reverse());
    }
  });

  it.each(cases)("polls in persistence order, chunk by chunk: %s", async (_what, filter, pick) => {
    const expected = stored.map((x) => x.e).filter(pick).map((e) => e.uuid);
    expect((await follow(`since=${new Date(T - 1000).toISOString()}&${q(filter)}&limit=7`, true)).uuids).toEqual(expected);
  });

  it("prunes chunks by eventType and answers as without pruning", async () => {
    const same: Array<[string, string]> = [
      ['eventType eq "user.session.end"', 'not (eventType ne "user.session.end")'],
      ['eventType eq "user.session.end" or eventType eq "user.session.start"', 'not (eventType ne "user.session.end" and eventType ne "user.session.start")'],
      ['eventType eq "user.session.end" and outcome.result eq "FAILURE"', 'outcome.result eq "FAILURE" and (eventType eq "user.session.end" or actor.id eq "nobody")'],
      ['eventType eq "user.session.end" and eventType eq "user.session.start"', 'eventType eq "user.session.end" and eventType ne "user.session.end"'],
      ['eventType eq "no.such.type"', 'eventType sw "no.such.type"'],
    ];
    for (const [pruned, unpruned] of same) {
      for (const order of ["", "&sortOrder=DESCENDING"]) {
        const a = await follow(`${WINDOW}&${q(`displayMessage sw "${tag}" and (${pruned})`)}&limit=25${order}`);
        const b = await follow(`${WINDOW}&${q(`displayMessage sw "${tag}" and (${unpruned})`)}&limit=25${order}`);
        expect(a.uuids, pruned).toEqual(b.uuids);
      }
    }
    const ends = byTime.filter((e) => e.eventType === "user.session.end").map((e) => e.uuid);
    expect((await follow(`${WINDOW}&${q(`displayMessage sw "${tag}" and eventType eq "user.session.end"`)}&limit=1000`)).uuids).toEqual(ends);
  });
});

describe("log chunks: polling goes on from where it read", () => {
  it("a first poll that finds nothing links to where later chunks will be, and so does a poll whose filter matches nothing", async () => {
    const tag = crypto.randomUUID();
    const filter = q(`displayMessage eq "${tag}"`);
    const first = await admin(`/logs?since=${new Date(Date.now() - MINUTE).toISOString()}&${filter}&limit=10`);
    expect(await first.json()).toEqual([]);
    await deliver([{ id: `noise-${tag}`, events: [event(Date.now())] }]);
    const quiet = await admin(nextLink(first)!.slice(`${BASE}/api/v1`.length));
    expect(await quiet.json()).toEqual([]);
    const mine = event(Date.now(), { displayMessage: tag });
    await deliver([{ id: `mine-${tag}`, events: [mine] }]);
    const found = await admin(nextLink(quiet)!.slice(`${BASE}/api/v1`.length));
    expect(((await found.json()) as LogEvent[]).map((e) => e.uuid)).toEqual([mine.uuid]);
    const after = await admin(nextLink(found)!.slice(`${BASE}/api/v1`.length));
    expect(await after.json()).toEqual([]);
  });
});

describe("log chunks: a page reads at most 1,000 chunks", () => {
  // 1,100 one-event chunks of which only the last matches: the first page of each kind stops early, empty, with a
  // next link, and following it finds the match.
  const T = NOW - 30 * HOUR;
  const tag = crypto.randomUUID();
  const events = Array.from({ length: 1100 }, (_, i) => event(T + i, { displayMessage: tag, actor: { id: i === 1099 ? "match" : "other", type: "User", alternateId: null, displayName: null } }));

  beforeAll(async () => {
    for (let i = 0; i < events.length; i += 100) await deliver(events.slice(i, i + 100).map((e, n) => ({ id: `bound-${i + n}-${tag}`, events: [e] })));
  });

  it.each([
    ["ascending", `${window(T - 1000, T + HOUR)}`],
    ["descending (the match is first)", `${window(T - 1000, T + HOUR)}&sortOrder=DESCENDING`],
    ["polling", `since=${new Date(T - 1000).toISOString()}`],
  ])("%s", async (what, query) => {
    const filter = q(`displayMessage eq "${tag}" and actor.id eq "match"`);
    const first = await admin(`/logs?${query}&${filter}&limit=5`);
    const page = (await first.json()) as LogEvent[];
    if (what.startsWith("descending")) {
      expect(page.map((e) => e.uuid)).toEqual([events[1099]!.uuid]);
      return;
    }
    expect(page).toEqual([]);
    const next = nextLink(first)!;
    const second = (await (await admin(next.slice(`${BASE}/api/v1`.length))).json()) as LogEvent[];
    expect(second.map((e) => e.uuid)).toEqual([events[1099]!.uuid]);
  });
});

describe("log chunks: storage faults and retention", () => {
  it.each([
    ["bytes that do not decompress", () => Promise.resolve(new Uint8Array([0xde, 0xad, 0xbe, 0xef]))],
    ["text that is not base64url", () => Promise.resolve("not base64url!")],
    ["base64url text that does not decompress", () => Promise.resolve(base64url(new Uint8Array([0xde, 0xad, 0xbe, 0xef])))],
    ["base64url text of JSON that is not LogEvents", async () => base64url(await deflateText(JSON.stringify([{ uuid: 5 }])))],
    ["JSON that is not LogEvents", () => deflateText(JSON.stringify([{ uuid: 5 }]))],
    ["an empty chunk", () => deflateText("[]")],
    ["wire entries missing their origin's time", () => deflateText(JSON.stringify([{ origin: { transactionId: "t" }, events: [] }]))],
  ])("answers a query reaching a chunk of %s with a logged 500 E0000009, never skipping it", async (_what, body) => {
    const t = NOW - 20 * HOUR;
    const id = `corrupt-${crypto.randomUUID()}`;
    await env.DB.prepare("INSERT INTO log_chunks (message_id, first_published, last_published, event_count, event_types, body) VALUES (?1, ?2, ?2, 1, '|x|', ?3)")
      .bind(id, t, await body())
      .run();
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const res = await admin(`/logs?${window(t - HOUR, t + HOUR)}`);
      const errorId = ((await res.clone().json()) as { errorId: string }).errorId;
      await expectOktaOutage(res, "corrupt chunk");
      const line = errors.mock.calls.map((a) => String(a[0])).find((l) => l.includes(errorId));
      expect(line).toContain("log_chunks.body");
    } finally {
      await env.DB.prepare("DELETE FROM log_chunks WHERE message_id = ?1").bind(id).run();
    }
  });

  it("reads a chunk an earlier consumer stored as a BLOB as it reads the text ones", async () => {
    const t = NOW - 21 * HOUR;
    const stored = event(t, { displayMessage: `blob ${crypto.randomUUID()}` });
    const id = `blob-${crypto.randomUUID()}`;
    await env.DB.prepare("INSERT INTO log_chunks (message_id, first_published, last_published, event_count, event_types, body) VALUES (?1, ?2, ?2, 1, '|user.session.start|', ?3)")
      .bind(id, t, await deflateText(JSON.stringify([stored])))
      .run();
    try {
      const { uuids } = await follow(`${window(t - HOUR, t + HOUR)}&${q(`displayMessage eq "${stored.displayMessage}"`)}`);
      expect(uuids).toEqual([stored.uuid]);
    } finally {
      await env.DB.prepare("DELETE FROM log_chunks WHERE message_id = ?1").bind(id).run();
    }
  });

  it("the retention job drops whole chunks whose last event is past LOG_RETENTION_DAYS, and keeps a chunk straddling the cutoff whole", async () => {
    const cutoff = NOW - 2 * DAY;
    const tag = crypto.randomUUID();
    const e = (t: number) => event(t, { displayMessage: tag });
    const old = [e(cutoff - 50_000), e(cutoff - 1)];
    const straddling = [e(cutoff - 30_000), e(cutoff + 10_000)];
    const fresh = [e(cutoff + 20_000)];
    await deliver([{ id: `old-${tag}`, events: old }, { id: `straddling-${tag}`, events: straddling }, { id: `fresh-${tag}`, events: fresh }]);
    const logged = vi.spyOn(console, "log").mockImplementation(() => {});
    await runRetention(env, cutoff + 90 * DAY);
    const line = JSON.parse(logged.mock.calls.map((a) => String(a[0])).find((l) => l.includes('"event":"retention"'))!) as { deleted: { log_events: number } };
    expect(line.deleted.log_events).toBe(2);
    const { uuids } = await follow(`${window(cutoff - HOUR, cutoff + HOUR)}&${q(`displayMessage eq "${tag}"`)}&limit=100`);
    expect(uuids).toEqual([straddling[0]!, straddling[1]!, fresh[0]!].map((x) => x.uuid));
  });
});
