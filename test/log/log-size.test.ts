import { env } from "cloudflare:workers";
import { createMessageBatch } from "cloudflare:test";
import { expect, it } from "vitest";
import worker from "../../src/index";
import { uuidV7 } from "../../src/ids";
import type { LogEvent } from "../../src/log/event";
import { encodeEntry, encodeMessages, SharedParts, sharedForLog, type EncodedEntry, type WireEntry, type WireMessage } from "../../src/log/wire";
import { clientCredentials, createApp, readyServer } from "../support/clients";
import { waitForEvents } from "../support/log";

/**
 * What the System Log costs in D1 per client_credentials token (README "System Log"): a real token event, as the
 * token endpoint records it (its wire entry: the request's origin and the call site's input), cloned with fresh
 * uuids, request ids and times 10 ms apart (100 tokens/s), coalesced and compressed into queue messages as emit.ts
 * sends them (500 events at most), stored by the consumer and read back through the API. The README's figure was
 * measured with EVENTS = 10,000.
 */
const EVENTS = 2400;
const PER_MESSAGE = 500;

/**
 * The wire entry the token endpoint recorded for `real` (log/emit.ts), from the LogEvent built from it: the client's
 * token events and the anonymous origin actor are parts every such request shares (wire.ts sharedForLog).
 */
function entryMaker(real: LogEvent): (now: number, requestId: string) => WireEntry {
  const { requestId: _r, requestUri, url: _u, ...debugData } = real.debugContext.debugData as Record<string, unknown>;
  const actor = sharedForLog({ id: "unknown", type: "PublicClientApp", alternateId: "unknown", displayName: "Unknown", detailEntry: null });
  const transactionDetail = sharedForLog({});
  const input = sharedForLog({ eventType: real.eventType, displayMessage: real.displayMessage, actor: real.actor, clientId: real.client.id, target: real.target, debugData });
  return (now, requestId) => ({
    origin: { now, transactionId: requestId, transactionType: "WEB", ipAddress: "203.0.113.7", userAgent: "node", requestUri: String(requestUri), actor, transactionDetail },
    events: [{ uuid: uuidV7(now), input }],
  });
}

it("grows D1 by under 100 bytes per client_credentials token event (170 B when chunks held whole LogEvents, 1.7 KB as a row each)", { timeout: 120_000 }, async () => {
  const rs = await readyServer();
  const client = await createApp({ application_type: "service", grant_types: ["client_credentials"] });
  expect((await clientCredentials(rs.id, client, "orders:read")).status).toBe(200);
  const [real] = await waitForEvents((e) => e.eventType === "app.oauth2.as.token.grant.access_token" && e.client.id === client.clientId);
  const t0 = Date.parse(real!.published) + 60_000;
  const before = await env.DB.prepare("SELECT count(*) AS n, coalesce(sum(length(body)), 0) AS body FROM log_chunks").first<{ n: number; body: number }>();
  const sizeBefore = (await env.DB.prepare("SELECT 1").run()).meta.size_after;
  const entryOf = entryMaker(real!);
  const entries: EncodedEntry[] = [];
  const bodies: WireMessage[] = [];
  for (let i = 0; i < EVENTS; i += PER_MESSAGE) {
    // One flush: its entries number their shared parts in one table, as emit.ts's buffer does.
    const parts = new SharedParts();
    const flush = Array.from({ length: Math.min(PER_MESSAGE, EVENTS - i) }, (_, k) => encodeEntry(entryOf(t0 + (i + k) * 10, crypto.randomUUID().replace(/-/g, "").slice(0, 24)), parts));
    entries.push(...flush);
    bodies.push(...(await encodeMessages(flush)).messages);
  }
  const messages = bodies.map((body) => ({ id: crypto.randomUUID().replace(/-/g, ""), timestamp: new Date(), attempts: 1, body }));
  await worker.queue!(createMessageBatch("mintgate-log", messages) as never, env);
  const after = await env.DB.prepare("SELECT count(*) AS n, coalesce(sum(length(body)), 0) AS body FROM log_chunks").first<{ n: number; body: number }>();
  const sizeAfter = (await env.DB.prepare("SELECT 1").run()).meta.size_after;
  const chunks = after!.n - before!.n;
  const body = after!.body - before!.body;
  // A chunk's other columns and its three index entries (message_id, first_published, last_published): a queue
  // message id (32 hex), 4 integers and the event types, counted twice for the index entries' keys.
  const overhead = 2 * (50 + 4 * 8 + real!.eventType.length + 2);
  const perEvent = (body + chunks * overhead) / EVENTS;
  console.log(JSON.stringify({ events: EVENTS, chunks, jsonBytesPerEvent: JSON.stringify(real).length, wireBytesPerEvent: entries[0]!.json.length, messageBytesPerEvent: bodies.reduce((n, b) => n + b.body.length, 0) / EVENTS, compressedBodyPerEvent: body / EVENTS, storedPerEvent: perEvent, databaseGrowthPerEvent: (sizeAfter - sizeBefore) / EVENTS }));
  expect(chunks).toBe(messages.length);
  expect(perEvent).toBeLessThan(100);
  expect((sizeAfter - sizeBefore) / EVENTS).toBeLessThan(100);
  // What was stored reads back as the LogEvent the request would have produced (the API expands the wire form).
  const [last] = await waitForEvents((e) => e.uuid === JSON.parse(entries.at(-1)!.json).events[0].uuid);
  expect({ ...last, uuid: real!.uuid, published: real!.published, transaction: real!.transaction, debugContext: real!.debugContext, client: real!.client, request: real!.request }).toEqual(real);
  expect(last!.debugContext.debugData).toEqual({ ...real!.debugContext.debugData, requestId: last!.transaction.id });
});
