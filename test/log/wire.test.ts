import { describe, expect, it } from "vitest";
import { actorOf, type EventInput } from "../../src/log/event";
import { encodeEntry, encodeMessages, entriesOfMessage, expandEntries, MAX_MESSAGE_BYTES, wireMessageOf, type WireEntry } from "../../src/log/wire";
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
    const { messages, oversized } = await encodeMessages(entries.map(encodeEntry));
    expect(oversized).toBe(0);
    expect(messages).toHaveLength(1);
    const m = wireMessageOf(JSON.parse(JSON.stringify(messages[0])))!;
    expect(m).toMatchObject({ v: 2, firstPublished: T0, lastPublished: T0 + 49, count: 50 });
    expect(new Set(m.eventTypes)).toEqual(new Set(["app.oauth2.as.token.grant.access_token", "user.session.start"]));
    expect(await entriesOfMessage(m)).toEqual(entries);
    expect(expandEntries(entries).map((e) => e.published)).toEqual(entries.map((e) => new Date(e.origin.now).toISOString()));
  });

  it("splits a flush that would pass Queues' 128 KB into messages that fit, losing no entry", async () => {
    // Random bytes do not compress: 60 entries of 4 KB cannot fit one message.
    const entries = Array.from({ length: 60 }, (_, i) => entry(i, 3000));
    const { messages, oversized } = await encodeMessages(entries.map(encodeEntry));
    expect(oversized).toBe(0);
    expect(messages.length).toBeGreaterThan(1);
    for (const m of messages) expect(JSON.stringify(m).length).toBeLessThan(128 * 1024);
    const back = (await Promise.all(messages.map((m) => entriesOfMessage(m)))).flat();
    expect(back.map((e) => e!.origin.transactionId)).toEqual(entries.map((e) => e.origin.transactionId));
    expect(messages.reduce((n, m) => n + m.count, 0)).toBe(60);
  });

  it("leaves out and counts an entry that alone could never fit, and sends the rest", async () => {
    const entries = [entry(0), entry(1, MAX_MESSAGE_BYTES), entry(2)];
    const { messages, oversized } = await encodeMessages(entries.map(encodeEntry));
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
