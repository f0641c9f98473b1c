import { describe, expect, it } from "vitest";
import { actorOf, type EventInput } from "../../src/log/event";
import { deflateText, inflateText } from "../../src/deflate";
import { fromBase64url } from "../../src/encoding";
import { encodeEntry, encodeMessages, entriesOfMessage, expandEntries, MAX_MESSAGE_BYTES, SharedParts, sharedForLog, wireMessageOf, type WireEntry, type WireMessage } from "../../src/log/wire";
import { uuidV7 } from "../../src/ids";
import { base64url } from "../../src/encoding";

/** The System Log's queue messages (src/log/wire.ts): what a flush of an isolate's entries becomes. */
const T0 = Date.UTC(2026, 11, 7, 12, 0, 0);

/** Incompressible text: base64url of `bytes` random bytes (getRandomValues gives at most 64 KB a call). */
const randomText = (bytes: number): string =>
  Array.from({ length: Math.ceil(bytes / 65536) }, (_, k) => base64url(crypto.getRandomValues(new Uint8Array(Math.min(65536, bytes - k * 65536))))).join("");

function entry(i: number, noise = 0): WireEntry {
  const input: EventInput = {
    eventType: i % 2 ? "app.oauth2.as.token.grant.access_token" : "user.session.start",
    displayMessage: "test",
    debugData: noise ? { noise: randomText(noise) } : { n: i },
  };
  return {
    origin: { now: T0 + i, transactionId: `t${i}`, transactionType: "WEB", ipAddress: "203.0.113.7", userAgent: "node", requestUri: "/x", actor: actorOf("a", "User") },
    events: [{ uuid: uuidV7(T0 + i), input }],
  };
}

describe("the System Log's queue messages", () => {
  it("carry a flush as one compressed message with the chunk's times, count and types, and give the entries back", async () => {
    const entries = Array.from({ length: 50 }, (_, i) => entry(i));
    const { messages, oversized } = await encodeMessages(entries.map((e) => encodeEntry(e)));
    expect(oversized).toBe(0);
    expect(messages).toHaveLength(1);
    const m = wireMessageOf(JSON.parse(JSON.stringify(messages[0])))!;
    expect(m).toMatchObject({ v: 2, firstPublished: T0, lastPublished: T0 + 49, count: 50 });
    expect(new Set(m.eventTypes)).toEqual(new Set(["app.oauth2.as.token.grant.access_token", "user.session.start"]));
    expect(await entriesOfMessage(m)).toEqual(entries);
    expect(expandEntries(entries).map((e) => e.published)).toEqual(entries.map((e) => new Date(e.origin.now).toISOString()));
  });

  it("writes an entry as JSON.stringify does, with or without shared parts, for web and job origins", () => {
    const plain = entry(3);
    expect(encodeEntry(plain).json).toBe(JSON.stringify(plain));
    const actor = sharedForLog(actorOf("0oa1", "PublicClientApp", "0oa1", 'Label "quoted" \u2028'));
    const input = sharedForLog<EventInput>({ eventType: "app.oauth2.as.token.grant.access_token", displayMessage: "m", actor, target: [actor], debugData: { scopes: "a b" } });
    const job: WireEntry = {
      origin: { now: T0, transactionId: "j1", transactionType: "JOB", ipAddress: null, userAgent: null, requestUri: null, actor },
      events: [{ uuid: uuidV7(T0), input }, { uuid: uuidV7(T0), input }],
    };
    const web: WireEntry = { origin: { ...plain.origin, actor, transactionDetail: sharedForLog({ requestApiTokenId: "00T1" }) }, events: [{ uuid: uuidV7(T0), input }] };
    for (const e of [job, web]) {
      const encoded = encodeEntry(e);
      expect(encoded.json).toBe(JSON.stringify(e));
      expect(encoded).toMatchObject({ now: e.origin.now, count: e.events.length, eventTypes: e.events.map((x) => x.input.eventType) });
    }
  });

  it("freezes a shared part, so a later change cannot make its stored text stale", () => {
    const input = sharedForLog<EventInput>({ eventType: "x", displayMessage: "m", target: [actorOf("t", "User")] });
    expect(() => {
      (input as { displayMessage: string }).displayMessage = "changed";
    }).toThrow(TypeError);
    expect(() => input.target!.push(actorOf("u", "User"))).toThrow(TypeError);
  });

  it("writes a part a flush's entries share once per message, and gives every entry back whole", async () => {
    const actor = sharedForLog(actorOf("0oaShared", "PublicClientApp", "0oaShared", "Shared client"));
    const input = sharedForLog<EventInput>({ eventType: "app.oauth2.as.token.grant.access_token", displayMessage: "OAuth2 access token is granted", actor, debugData: { grantedScopes: "a" } });
    const entries: WireEntry[] = Array.from({ length: 40 }, (_, i) => ({ ...entry(i), events: [{ uuid: uuidV7(T0 + i), input }] }));
    const parts = new SharedParts();
    const { messages } = await encodeMessages(entries.map((e) => encodeEntry(e, parts)));
    expect(messages).toHaveLength(1);
    const text = await inflateText(fromBase64url(messages[0]!.body));
    expect(text.split('"Shared client"')).toHaveLength(2);
    expect(await entriesOfMessage(messages[0]!)).toEqual(entries);
  });

  it("gives each part of a split flush only the shared parts its entries refer to", async () => {
    const inputs = Array.from({ length: 2 }, (_, k) => sharedForLog<EventInput>({ eventType: "x", displayMessage: `part ${k}` }));
    // The first half refers to part 0 only, the second to part 1 only; a random user agent makes the flush split in two.
    const entries: WireEntry[] = Array.from({ length: 60 }, (_, i) => ({
      origin: { ...entry(i).origin, userAgent: randomText(3000) },
      events: [{ uuid: uuidV7(T0 + i), input: inputs[i < 30 ? 0 : 1]! }],
    }));
    const parts = new SharedParts();
    const { messages } = await encodeMessages(entries.map((e) => encodeEntry(e, parts)));
    expect(messages.length).toBeGreaterThan(1);
    const back = await Promise.all(messages.map((m) => entriesOfMessage(m)));
    for (const [i, m] of messages.entries()) {
      const text = await inflateText(fromBase64url(m.body));
      const referred = new Set(back[i]!.map((e) => e.events[0]!.input.displayMessage));
      expect(["part 0", "part 1"].filter((p) => text.includes(`"${p}"`))).toEqual([...referred].sort());
    }
    expect(new Set(back.map((b) => b![0]!.events[0]!.input.displayMessage)).size).toBe(2);
    expect(back.flat()).toEqual(entries);
  });

  it("is not this producer's entries when a number refers to no part", async () => {
    const body = { parts: {}, entries: [{ origin: { ...entry(0).origin, actor: 7 }, events: [{ uuid: uuidV7(T0), input: 3 }] }] };
    const message: WireMessage = { v: 2, firstPublished: T0, lastPublished: T0, count: 1, eventTypes: ["x"], body: base64url(await deflateText(JSON.stringify(body))) };
    expect(await entriesOfMessage(message)).toBeNull();
  });

  it("splits a flush that would pass Queues' 128 KB into messages that fit, losing no entry", async () => {
    // Random bytes do not compress: 60 entries of 4 KB cannot fit one message.
    const entries = Array.from({ length: 60 }, (_, i) => entry(i, 3000));
    const { messages, oversized } = await encodeMessages(entries.map((e) => encodeEntry(e)));
    expect(oversized).toBe(0);
    expect(messages.length).toBeGreaterThan(1);
    for (const m of messages) expect(JSON.stringify(m).length).toBeLessThan(128 * 1024);
    const back = (await Promise.all(messages.map((m) => entriesOfMessage(m)))).flat();
    expect(back.map((e) => e!.origin.transactionId)).toEqual(entries.map((e) => e.origin.transactionId));
    expect(messages.reduce((n, m) => n + m.count, 0)).toBe(60);
  });

  it("leaves out and counts an entry that alone could never fit, and sends the rest", async () => {
    const entries = [entry(0), entry(1, MAX_MESSAGE_BYTES), entry(2)];
    const { messages, oversized } = await encodeMessages(entries.map((e) => encodeEntry(e)));
    expect(oversized).toBe(1);
    const back = (await Promise.all(messages.map((m) => entriesOfMessage(m)))).flat();
    expect(back.map((e) => e!.origin.transactionId)).toEqual(["t0", "t2"]);
  });

  it("is not a message of this producer when a field is missing or the body is not base64url", () => {
    expect(wireMessageOf({ v: 2, firstPublished: 1, lastPublished: 2, count: 1, eventTypes: ["x"] })).toBeNull();
    expect(wireMessageOf({ v: 2, firstPublished: 1, lastPublished: 2, count: 1, eventTypes: ["x"], body: "not base64!" })).toBeNull();
    expect(wireMessageOf([{ uuid: "u" }])).toBeNull();
  });
});
