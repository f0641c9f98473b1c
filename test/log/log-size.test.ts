import { env } from "cloudflare:workers";
import { createMessageBatch } from "cloudflare:test";
import { expect, it } from "vitest";
import worker from "../../src/index";
import { uuidV7 } from "../../src/ids";
import type { LogEvent } from "../../src/log/event";
import { clientCredentials, createApp, readyServer } from "../support/clients";
import { waitForEvents } from "../support/log";

/**
 * What the System Log costs in D1 per client_credentials token (README "System Log"): real token events, as the
 * token endpoint writes them, cloned with fresh uuids, request ids and times 10 ms apart (100 tokens/s), 24 to a
 * queue message as emit.ts coalesces them, stored by the consumer. The README's figure was measured with
 * EVENTS = 10,000.
 */
const EVENTS = 2400;
const PER_MESSAGE = 24;

it("grows D1 by under 300 bytes per client_credentials token event (it was about 1.7 KB a row per event)", { timeout: 120_000 }, async () => {
  const rs = await readyServer();
  const client = await createApp({ application_type: "service", grant_types: ["client_credentials"] });
  expect((await clientCredentials(rs.id, client, "orders:read")).status).toBe(200);
  const [real] = await waitForEvents((e) => e.eventType === "app.oauth2.as.token.grant.access_token" && e.client.id === client.clientId);
  const t0 = Date.parse(real!.published) + 60_000;
  const before = await env.DB.prepare("SELECT count(*) AS n, coalesce(sum(length(body)), 0) AS body FROM log_chunks").first<{ n: number; body: number }>();
  const sizeBefore = (await env.DB.prepare("SELECT 1").run()).meta.size_after;
  const events: LogEvent[] = Array.from({ length: EVENTS }, (_, i) => {
    const requestId = crypto.randomUUID().replace(/-/g, "").slice(0, 24);
    return {
      ...real!,
      uuid: uuidV7(t0 + i * 10),
      published: new Date(t0 + i * 10).toISOString(),
      client: { ...real!.client, ipAddress: "203.0.113.7", userAgent: { rawUserAgent: "node", os: null, browser: null } },
      request: { ipChain: [{ ip: "203.0.113.7", geographicalContext: null, version: "V4", source: null }] },
      transaction: { ...real!.transaction, id: requestId },
      debugContext: { debugData: { ...real!.debugContext.debugData, requestId } },
    };
  });
  const messages = Array.from({ length: Math.ceil(EVENTS / PER_MESSAGE) }, (_, m) => ({
    id: crypto.randomUUID().replace(/-/g, ""),
    timestamp: new Date(),
    attempts: 1,
    body: events.slice(m * PER_MESSAGE, (m + 1) * PER_MESSAGE),
  }));
  for (let i = 0; i < messages.length; i += 100) await worker.queue!(createMessageBatch("mintgate-log", messages.slice(i, i + 100)) as never, env);
  const after = await env.DB.prepare("SELECT count(*) AS n, coalesce(sum(length(body)), 0) AS body FROM log_chunks").first<{ n: number; body: number }>();
  const sizeAfter = (await env.DB.prepare("SELECT 1").run()).meta.size_after;
  const chunks = after!.n - before!.n;
  const body = after!.body - before!.body;
  // A chunk's other columns and its three index entries (message_id, first_published, last_published): a queue
  // message id (32 hex), 4 integers and the event types, counted twice for the index entries' keys. The database
  // grows by more (size_after): a chunk row of about 2 KB fills a 4 KB page alone.
  const overhead = 2 * (50 + 4 * 8 + real!.eventType.length + 2);
  const perEvent = (body + chunks * overhead) / EVENTS;
  console.log(JSON.stringify({ events: EVENTS, chunks, jsonBytesPerEvent: JSON.stringify(real).length, compressedBodyPerEvent: body / EVENTS, storedPerEvent: perEvent, databaseGrowthPerEvent: (sizeAfter - sizeBefore) / EVENTS }));
  expect(chunks).toBe(messages.length);
  expect(perEvent).toBeLessThan(300);
  expect((sizeAfter - sizeBefore) / EVENTS).toBeLessThan(300);
});
