import { env } from "cloudflare:workers";
import { createMessageBatch } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../src/index";
import type { LogEvent } from "../../src/log/event";
import { admin, BASE } from "../support/admin";
import { freezeTime } from "../support/clock";

const T0 = Date.parse("2026-12-01T10:00:00.000Z");
const tag = crypto.randomUUID().slice(0, 8);

function event(i: number, over: Partial<LogEvent> = {}): LogEvent {
  return {
    uuid: crypto.randomUUID(),
    published: new Date(T0 + i * 1000).toISOString(),
    eventType: i % 2 ? "user.session.start" : "app.oauth2.as.token.grant.access_token",
    version: "0",
    severity: "INFO",
    legacyEventType: null,
    displayMessage: `event ${i} ${tag}`,
    actor: { id: `00u${i}`, type: "User", alternateId: `person${i}@example.com`, displayName: null },
    client: { userAgent: null, zone: null, device: null, id: null, ipAddress: `10.0.0.${i}`, geographicalContext: null },
    device: null,
    authenticationContext: { authenticationProvider: null, credentialProvider: null, credentialType: null, issuer: null, interface: null, authenticationStep: 0, externalSessionId: null },
    outcome: { result: i % 3 ? "SUCCESS" : "FAILURE", reason: null },
    securityContext: { asNumber: null, asOrg: null, isp: null, domain: null, isProxy: null },
    debugContext: { debugData: { url: `/x/${i}` } },
    transaction: { type: "WEB", id: `tx${i}`, detail: {} },
    request: { ipChain: [] },
    target: [{ id: `tgt${i}`, type: "AuthorizationServer", alternateId: null, displayName: null }, { id: "shared", type: "User", alternateId: null, displayName: null }],
    ...over,
  } as LogEvent;
}

const EVENTS = Array.from({ length: 10 }, (_, i) => event(i));

beforeAll(async () => {
  const batch = createMessageBatch("mintgate-log", EVENTS.map((body, n) => ({ id: `m${n}`, timestamp: new Date(), attempts: 1, body })));
  await worker.queue!(batch as never, env);
});

const BOUNDED = `since=2026-12-01T09:00:00.000Z&until=2026-12-01T11:00:00.000Z`;
const logs = (query: string) => admin(`/logs?${query}`);
const ids = async (res: Response) => ((await res.json()) as LogEvent[]).map((e) => e.transaction.id);
const links = (res: Response) => Object.fromEntries([...(res.headers.get("Link") ?? "").matchAll(/<([^>]+)>; rel="(\w+)"/g)].map((m) => [m[2], m[1]]));

describe("GET /api/v1/logs", () => {
  it("returns events in Okta's shape, ascending by published, with a self link", async () => {
    freezeTime(T0 + 3600_000);
    const res = await logs(BOUNDED);
    expect(res.status).toBe(200);
    expect(await ids(res)).toEqual(EVENTS.map((e) => e.transaction.id));
    expect(links(res).self).toBe(`${BASE}/api/v1/logs?${BOUNDED}`);
    expect(links(res).next).toBeUndefined();
  });

  it.each([
    ['eventType eq "user.session.start"', [1, 3, 5, 7, 9]],
    ['eventType sw "app.oauth2" and outcome.result eq "FAILURE"', [0, 6]],
    ['eventType co "session" and (actor.id eq "00u1" or actor.id eq "00u9")', [1, 9]],
    ['eventType ew "access_token" and not (outcome.result eq "FAILURE")', [2, 4, 8]],
    ['target.id eq "tgt4"', [4]],
    ['target.id eq "shared" and client.ipAddress eq "10.0.0.7"', [7]],
    ['actor.alternateId sw "person1"', [1]],
    ['legacyEventType pr', []],
    ['EVENTTYPE eq "x" or actor.id ne "00u0" and actor.id ne "00u1" and actor.id le "00u3"', [2, 3]],
  ])("filters with %s", async (filter, expected) => {
    freezeTime(T0 + 3600_000);
    const res = await logs(`${BOUNDED}&filter=${encodeURIComponent(filter.replace("EVENTTYPE", "eventType"))}`);
    expect(res.status).toBe(200);
    expect(await ids(res)).toEqual(expected.map((i) => `tx${i}`));
  });

  it("matches every q keyword case-insensitively", async () => {
    freezeTime(T0 + 3600_000);
    expect(await ids(await logs(`${BOUNDED}&q=${encodeURIComponent(`EVENT ${tag.toUpperCase()} person3`)}`))).toEqual(["tx3"]);
  });

  it("pages a bounded query with limit and Link next, and the last page has no next", async () => {
    freezeTime(T0 + 3600_000);
    const seen: string[] = [];
    let url: string | undefined = `${BASE}/api/v1/logs?${BOUNDED}&limit=4`;
    let pages = 0;
    while (url) {
      const res = await admin(url.slice(`${BASE}/api/v1`.length));
      seen.push(...(await ids(res)));
      url = links(res).next;
      pages++;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(EVENTS.map((e) => e.transaction.id));
  });

  it("sorts DESCENDING", async () => {
    freezeTime(T0 + 3600_000);
    const res = await logs(`${BOUNDED}&sortOrder=DESCENDING&limit=3`);
    expect(await ids(res)).toEqual(["tx9", "tx8", "tx7"]);
    expect(await ids(await admin(links(res).next!.slice(`${BASE}/api/v1`.length)))).toEqual(["tx6", "tx5", "tx4"]);
  });

  it("polls: without until, ascending, the next link is there even when no new event has arrived", async () => {
    freezeTime(T0 + 3600_000);
    const first = await logs(`since=2026-12-01T09:00:00.000Z&filter=${encodeURIComponent('debugContext.debugData.url sw "/x/"')}&limit=20`);
    expect(await ids(first)).toHaveLength(10);
    const next = links(first).next!;
    expect(next).toBeDefined();
    const empty = await admin(next.slice(`${BASE}/api/v1`.length));
    expect(await ids(empty)).toEqual([]);
    expect(links(empty).next).toBe(next);
    const late = event(20, { published: new Date(T0 + 500).toISOString() });
    await worker.queue!(createMessageBatch("mintgate-log", [{ id: "late", timestamp: new Date(), attempts: 1, body: late }]) as never, env);
    // Persistence order: an event published earlier but written later is the next poll's.
    expect(await ids(await admin(next.slice(`${BASE}/api/v1`.length)))).toEqual(["tx20"]);
  });

  const errorBody = (code: string, summary: string, causes: string[] = []) => ({
    errorCode: code,
    errorSummary: summary,
    errorLink: code,
    errorId: expect.any(String),
    errorCauses: causes.map((errorSummary) => ({ errorSummary })),
  });

  it.each([
    [
      "until=yesterday",
      400,
      errorBody(
        "E0000001",
        "Api validation failed: 'until': The date format in your query is not recognized. Please enter dates using ISO8601 string format. 'until': must be a valid date-time or empty.",
        ["until: The date format in your query is not recognized. Please enter dates using ISO8601 string format.", "until: must be a valid date-time or empty."],
      ),
    ],
    [`filter=${encodeURIComponent('displayMessage eqq "x"')}`, 400, errorBody("E0000053", `Invalid filter 'displayMessage eqq "x"': Unrecognized attribute operator 'eqq' at position 15. Expected: eq,co,sw,pr,gt,ge,lt,le`)],
    [`filter=${encodeURIComponent('some_invalid_field eq "x"')}`, 400, errorBody("E0000053", "field is not valid: some_invalid_field")],
    [
      `filter=${encodeURIComponent('debugContext.debugData.url co "x"')}`,
      400,
      errorBody("E0000031", "Invalid search criteria.", ["The supplied combination of operator and field is not currently supported. Operator: co, Field: debugContext.debugData.url"]),
    ],
    ["since=2026-01-01T00:00:00Z", 400, errorBody("E0000053", "Invalid parameter: The since parameter is over 180 days prior to the current day.")],
    [
      `q=${"a".repeat(41)}`,
      400,
      errorBody(
        "E0000001",
        "Api validation failed: 'q': Freeform search cannot contain items longer than 40 characters. Please shorten the items in your search or use an advanced filter to query by specific fields.",
        ["q: Freeform search cannot contain items longer than 40 characters. Please shorten the items in your search or use an advanced filter to query by specific fields."],
      ),
    ],
    ["limit=1001", 400, errorBody("E0000001", "Api validation failed: 'limit': must be an integer from 0 to 1000.", ["limit: must be an integer from 0 to 1000."])],
    ["sortOrder=UP", 400, errorBody("E0000001", "Api validation failed: 'sortOrder': must be ASCENDING or DESCENDING.", ["sortOrder: must be ASCENDING or DESCENDING."])],
    ["after=bogus", 400, errorBody("E0000001", "Api validation failed: 'after': is not a cursor from a Link header.", ["after: is not a cursor from a Link header."])],
  ])("refuses %s with Okta's error", async (query, status, body) => {
    freezeTime(T0 + 3600_000);
    const res = await logs(query);
    expect(res.status).toBe(status);
    expect(res.headers.get("Content-Type")).toContain("application/json");
    expect(await res.json()).toEqual(body);
  });

  it("needs okta.logs.read with an org token", async () => {
    const res = await admin("/logs", { headers: { Authorization: "Bearer not-a-token" } });
    expect(res.status).toBe(401);
  });
});
