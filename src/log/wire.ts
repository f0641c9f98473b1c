/**
 * What crosses the System Log's queue: per request, its origin once and, per event, the uuid and what the call site
 * said. The consumer expands it into Okta's LogEvent (event.ts buildEvent), so the null-filled skeleton (most of an
 * event's bytes) never crosses the queue. Measured in `npm run bench` (README, "The System Log's cost"): with whole
 * LogEvents on the queue, client_credentials ES256 lost about a third of its rate to serialising and moving them.
 *
 * The uuid is made on the request, so that a redelivered message carries the same uuids to the event hooks (Okta's
 * at-least-once delivery, receivers de-duplicate by uuid). A message of whole LogEvents (what producers before this
 * format sent) is still read as it is.
 */
import { buildEvent, type EventInput, type EventOrigin, type LogEvent } from "./event";

export interface WireEntry {
  origin: EventOrigin;
  events: Array<{ uuid: string; input: EventInput }>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === "string";

/** The instant as event.ts writes it (toISOString), which readers' zod schema requires (store/log-chunks.ts). */
const PUBLISHED = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** A whole LogEvent (the earlier message format, and the tests' hand-made batches). */
export const isLogEvent = (v: unknown): v is LogEvent =>
  isObject(v) &&
  isString(v.uuid) &&
  isString(v.eventType) &&
  isString(v.published) &&
  PUBLISHED.test(v.published) &&
  !Number.isNaN(Date.parse(v.published));

/** The fields buildEvent reads without a default; anything else in a message is dropped, never retried forever. */
function isWireEntry(v: unknown): v is WireEntry {
  if (!isObject(v) || !isObject(v.origin) || !Array.isArray(v.events)) return false;
  const o = v.origin;
  if (typeof o.now !== "number" || !Number.isFinite(o.now) || Number.isNaN(new Date(o.now).getTime())) return false;
  if (!isString(o.transactionId) || (o.transactionType !== "WEB" && o.transactionType !== "JOB") || !isObject(o.actor)) return false;
  return v.events.every((e) => isObject(e) && isString(e.uuid) && isObject(e.input) && isString(e.input.eventType) && isString(e.input.displayMessage));
}

/** A message body's events, expanded, and how many of its items were not events. */
export function eventsOfMessage(body: unknown): { events: LogEvent[]; dropped: number } {
  const items: unknown[] = Array.isArray(body) ? body : [body];
  const events: LogEvent[] = [];
  let dropped = 0;
  for (const item of items) {
    if (isWireEntry(item)) for (const e of item.events) events.push(buildEvent(e.input, item.origin, e.uuid));
    else if (isLogEvent(item)) events.push(item);
    else dropped++;
  }
  return { events, dropped };
}
