import { env } from "cloudflare:workers";
import { createMessageBatch } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../src/index";
import type { LogEvent } from "../../src/log/event";
import { consoleSession, page, type ConsoleSession } from "./console-session";

/** The console's System Log screen: GET /api/v1/logs newest first, filtered by event type and outcome, paged by Link. */
const tag = crypto.randomUUID().slice(0, 8);
const TYPE = `console.test.${tag}`;
const NOW = Date.now();

function event(i: number): LogEvent {
  return {
    uuid: crypto.randomUUID(),
    published: new Date(NOW - 60_000 + i * 1000).toISOString(),
    eventType: i === 0 ? `${TYPE}.other` : TYPE,
    version: "0",
    severity: "INFO",
    legacyEventType: null,
    displayMessage: `event ${i} ${tag}`,
    actor: { id: `00u${i}`, type: "User", alternateId: `person${i}@example.com`, displayName: i === 1 ? "Ada <Admin>" : null },
    client: { userAgent: null, zone: null, device: null, id: null, ipAddress: null, geographicalContext: null },
    device: null,
    authenticationContext: { authenticationProvider: null, credentialProvider: null, credentialType: null, issuer: null, interface: null, authenticationStep: 0, externalSessionId: null },
    outcome: { result: i % 3 ? "SUCCESS" : "FAILURE", reason: i % 3 ? null : "INVALID_CREDENTIALS" },
    securityContext: { asNumber: null, asOrg: null, isp: null, domain: null, isProxy: null },
    debugContext: { debugData: {} },
    transaction: { type: "WEB", id: `tx${i}`, detail: {} },
    request: { ipChain: [] },
    target: [{ id: `tgt${i}`, type: "AuthorizationServer", alternateId: null, displayName: `Server ${i}` }],
  } as LogEvent;
}

// 0: other type; 1..60 of TYPE, FAILURE when i % 3 == 0 (3, 6, ..., 60: 20 events).
const EVENTS = Array.from({ length: 61 }, (_, i) => event(i));
let s: ConsoleSession;

beforeAll(async () => {
  const batch = createMessageBatch("mintgate-log", EVENTS.map((body, n) => ({ id: `m${n}`, timestamp: new Date(), attempts: 1, body })));
  await worker.queue!(batch as never, env);
  s = await consoleSession();
});

const messages = (html: string) => [...html.matchAll(new RegExp(`<td>event (\\d+) ${tag}</td>`, "g"))].map((m) => Number(m[1]));
const nextHref = (html: string) => /<a href="([^"]+)" rel="next">Next page \(older events\)<\/a>/.exec(html)?.[1]?.replaceAll("&amp;", "&");

describe("the console's System Log screen", () => {
  it("is in the console's navigation", async () => {
    const html = await (await page(s, "/admin/people")).text();
    expect(html).toContain(`<a href="/admin/logs">System Log</a>`);
    expect(await (await page(s, "/admin/logs")).text()).toContain(`<a href="/admin/logs" aria-current="page">System Log</a>`);
  });

  it("has a labelled GET form for event type and outcome", async () => {
    const html = await (await page(s, "/admin/logs")).text();
    expect(html).toContain(`<form method="get" action="/admin/logs" role="search" aria-label="Filter the System Log">`);
    expect(html).toContain(`<label for="eventType">Event type</label>`);
    expect(html).toContain(`<label for="outcome">Outcome</label>`);
  });

  it("lists one event type newest first, 50 a page, with a next link that follows the API's Link header", async () => {
    const res = await page(s, `/admin/logs?eventType=${TYPE}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(messages(html)).toEqual(Array.from({ length: 50 }, (_, i) => 60 - i));
    const next = nextHref(html)!;
    expect(next).toMatch(new RegExp(`^/admin/logs\\?eventType=${TYPE.replaceAll(".", "\\.")}&after=[A-Za-z0-9+/=%]+$`));
    const older = await (await page(s, next)).text();
    expect(messages(older)).toEqual(Array.from({ length: 10 }, (_, i) => 10 - i));
    expect(nextHref(older)).toBeUndefined();
    expect(older).toContain(`<a href="/admin/logs?eventType=${TYPE}">Back to the newest</a>`);
  });

  it("filters by outcome and shows time, type, message, actor (name and login), outcome and targets, escaped", async () => {
    const html = await (await page(s, `/admin/logs?eventType=${TYPE}&outcome=FAILURE`)).text();
    expect(messages(html)).toEqual([60, 57, 54, 51, 48, 45, 42, 39, 36, 33, 30, 27, 24, 21, 18, 15, 12, 9, 6, 3]);
    expect(nextHref(html)).toBeUndefined();
    const e = EVENTS[3]!;
    expect(html).toContain(
      `<tr><td><time datetime="${e.published}">${e.published}</time></td><td><code>${TYPE}</code></td><td>event 3 ${tag}</td><td>person3@example.com</td><td class="status-FAILURE">FAILURE (INVALID_CREDENTIALS)</td><td><div>AuthorizationServer: Server 3</div></td></tr>`,
    );
    const success = await (await page(s, `/admin/logs?eventType=${TYPE}&outcome=SUCCESS`)).text();
    expect(success).toContain(`<td>event 1 ${tag}</td><td>Ada &lt;Admin&gt; (person1@example.com)</td>`);
    expect(success).toContain(`<option value="SUCCESS" selected="">SUCCESS</option>`);
  });

  it("quotes the event type as a filter literal, so a quote in it cannot widen the filter", async () => {
    const res = await page(s, `/admin/logs?eventType=${encodeURIComponent(`${TYPE}" or eventType pr "`)}`);
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(messages(html)).toEqual([]);
    expect(html).toContain("<p>No events.</p>");
  });
});
