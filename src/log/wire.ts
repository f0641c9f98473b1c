/**
 * What crosses the System Log's queue, and what log_chunks stores: per request, its origin once and, per event,
 * the uuid and what the call site said (a wire entry). Okta's LogEvent is built from it when someone reads it (the
 * API, an event hook): the null-filled skeleton, most of an event's bytes, is never moved or stored.
 *
 * A queue message is a flush of one isolate's entries (emit.ts), compressed on the way out, with the columns
 * log_chunks indexes; the consumer stores its bytes as they came. Measured in `npm run bench` (README, "What logging
 * costs"): with structured-cloned entries, 24 to a message, the consumer expanding, re-serialising and
 * compressing them, client_credentials ES256 lost about a third of its rate; most of it went to moving and
 * handling many small messages and many small objects on the request's core under Miniflare.
 *
 * Parts many entries share (an actor, a client's token events: sharedForLog) are written once per message, in its
 * body's "parts", and entries refer to them by number: most of an entry's text was such parts, and DEFLATE's time
 * grows with the text it is given (issue 13's cost, measured with perf in `npm run bench`'s logging twins).
 *
 * The uuid is made on the request, so that a redelivered message carries the same uuids to the event hooks (Okta's
 * at-least-once delivery, receivers de-duplicate by uuid). Messages of whole LogEvents, or arrays of entries (what
 * earlier producers sent, and the tests' hand-made batches), are still read.
 */
import { z } from "zod";
import { deflateText, inflateText } from "../deflate";
import { base64url, fromBase64url } from "../encoding";
import { buildEvent, type EventInput, type EventOrigin, type LogEvent } from "./event";

export interface WireEntry {
  origin: EventOrigin;
  events: Array<{ uuid: string; input: EventInput }>;
}

/**
 * A queue message of this producer: a few numbers and one string, sent as JSON (the runtimes' structured clone of a
 * message does not keep a Uint8Array everywhere: the vitest pool's queue delivers it as a plain object).
 */
export interface WireMessage {
  v: 2;
  firstPublished: number;
  lastPublished: number;
  count: number;
  eventTypes: string[];
  /** base64url of the deflate-raw of the JSON text of WireEntry[]. */
  body: string;
}

/** Queues take messages of up to 128 KB; a flush whose message would be larger is split. */
export const MAX_MESSAGE_BYTES = 120_000;

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

/** An actor or a target as stored (the wire form and whole LogEvents alike). */
export const Party = z.looseObject({ id: z.string(), type: z.string(), alternateId: z.string().nullable(), displayName: z.string().nullable() });
/** The fields buildEvent reads without a default; anything else in an entry is kept as written. */
const WireEntrySchema = z.object({
  origin: z.looseObject({
    now: z.number().int().min(0).max(8.64e15),
    transactionId: z.string(),
    transactionType: z.enum(["WEB", "JOB"]),
    ipAddress: z.string().nullable(),
    userAgent: z.string().nullable(),
    requestUri: z.string().nullable(),
    actor: Party,
  }),
  events: z
    .array(z.object({ uuid: z.string(), input: z.looseObject({ eventType: z.string(), displayMessage: z.string() }) }))
    .min(1),
});
export const WireEntries = z.array(WireEntrySchema).min(1);

const WireMessageSchema = z.object({
  v: z.literal(2),
  firstPublished: z.number().int(),
  lastPublished: z.number().int(),
  count: z.number().int().positive(),
  eventTypes: z.array(z.string()).min(1),
  body: z.string().regex(/^[A-Za-z0-9_-]+$/),
});

export const wireMessageOf = (body: unknown): WireMessage | null => {
  const parsed = WireMessageSchema.safeParse(body);
  return parsed.success ? (parsed.data as WireMessage) : null;
};

const order = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** (published, uuid): a chunk's order. published is always toISOString's fixed form, so its text sorts by time. */
export const byTimeThenUuid = (a: LogEvent, b: LogEvent) => order(a.published, b.published) || order(a.uuid, b.uuid);

/** The LogEvents of entries, in (published, uuid) order: the order of a chunk's events (log/read.ts). */
export function expandEntries(entries: WireEntry[]): LogEvent[] {
  const events: LogEvent[] = [];
  for (const entry of entries) for (const e of entry.events) events.push(buildEvent(e.input, entry.origin, e.uuid));
  return events.sort(byTimeThenUuid);
}

/**
 * An entry as its JSON text, made when the request records it: a buffer of strings costs the collector little
 * while it waits (emit.ts), where a buffer of entries' object graphs lived long enough to be promoted.
 */
export interface EncodedEntry {
  json: string;
  now: number;
  count: number;
  eventTypes: string[];
  /** The shared parts the text refers to by number, and the table that numbers them. */
  refs: number[];
  parts: SharedParts | null;
}

/** The JSON text of each part registered with sharedForLog, made once. */
const sharedTexts = new WeakMap<object, string>();

function deepFreeze(v: unknown): void {
  if (typeof v !== "object" || v === null || Object.isFrozen(v)) return;
  Object.freeze(v);
  for (const child of Object.values(v)) deepFreeze(child);
}

/**
 * Marks a part of events (an actor, an EventInput) that many requests record unchanged, such as the
 * client_credentials token events a call site keeps per client: it is frozen, its JSON text is made once, and a
 * flush writes it once (SharedParts) instead of in every entry that carries it.
 */
export function sharedForLog<T extends object>(part: T): T {
  if (!sharedTexts.has(part)) {
    deepFreeze(part);
    sharedTexts.set(part, JSON.stringify(part));
  }
  return part;
}

/** The shared parts of one flush's entries, numbered in the order first met. */
export class SharedParts {
  readonly texts: string[] = [];
  private readonly numbers = new Map<object, number>();

  numberOf(part: object, text: string): number {
    let n = this.numbers.get(part);
    if (n === undefined) {
      n = this.texts.push(text) - 1;
      this.numbers.set(part, n);
    }
    return n;
  }
}

const str = (v: string | null): string => (v === null ? "null" : JSON.stringify(v));

/**
 * An entry's JSON text: JSON.stringify(entry) when there is no table; with one, each shared part (actor, transaction
 * detail, event input) is its number in the table (resolveParts puts it back).
 */
export function encodeEntry(entry: WireEntry, parts: SharedParts | null = null): EncodedEntry {
  const refs: number[] = [];
  const textOf = (v: object): string => {
    const text = sharedTexts.get(v);
    if (text === undefined) return JSON.stringify(v);
    if (!parts) return text;
    const n = parts.numberOf(v, text);
    refs.push(n);
    return String(n);
  };
  const o = entry.origin;
  let json =
    `{"origin":{"now":${o.now},"transactionId":${str(o.transactionId)},"transactionType":"${o.transactionType}",` +
    `"ipAddress":${str(o.ipAddress)},"userAgent":${str(o.userAgent)},"requestUri":${str(o.requestUri)},"actor":${textOf(o.actor)}` +
    `${o.transactionDetail === undefined ? "" : `,"transactionDetail":${textOf(o.transactionDetail)}`}},"events":[`;
  const eventTypes: string[] = [];
  entry.events.forEach((e, i) => {
    json += `${i ? "," : ""}{"uuid":${str(e.uuid)},"input":${textOf(e.input)}}`;
    eventTypes.push(e.input.eventType);
  });
  return { json: `${json}]}`, now: o.now, count: entry.events.length, eventTypes, refs, parts };
}

/** A body's text: the entries, and the shared parts they refer to (only those, so a split message stays small). */
function bodyText(entries: EncodedEntry[]): string {
  const used = new Map<number, string>();
  for (const e of entries) for (const n of e.refs) if (!used.has(n)) used.set(n, e.parts!.texts[n]!);
  const parts = [...used].map(([n, text]) => `"${n}":${text}`).join(",");
  return `{"parts":{${parts}},"entries":[${entries.map((e) => e.json).join(",")}]}`;
}

async function encode(entries: EncodedEntry[]): Promise<WireMessage> {
  let first = Infinity;
  let last = -Infinity;
  let count = 0;
  const types = new Set<string>();
  for (const entry of entries) {
    first = Math.min(first, entry.now);
    last = Math.max(last, entry.now);
    count += entry.count;
    for (const t of entry.eventTypes) types.add(t);
  }
  const body = await deflateText(bodyText(entries));
  return { v: 2, firstPublished: first, lastPublished: last, count, eventTypes: [...types], body: base64url(body) };
}

/**
 * The queue messages carrying these entries: one when it fits under MAX_MESSAGE_BYTES, else halves, recursively.
 * An entry that alone exceeds the limit is left out and counted (event.ts caps what a request can make large, so
 * that is a bug to log, not a message the queue would refuse).
 */
export async function encodeMessages(entries: EncodedEntry[]): Promise<{ messages: WireMessage[]; oversized: number }> {
  if (!entries.length) return { messages: [], oversized: 0 };
  const message = await encode(entries);
  if (message.body.length <= MAX_MESSAGE_BYTES) return { messages: [message], oversized: 0 };
  if (entries.length === 1) return { messages: [], oversized: 1 };
  const half = Math.ceil(entries.length / 2);
  const [a, b] = await Promise.all([encodeMessages(entries.slice(0, half)), encodeMessages(entries.slice(half))]);
  return { messages: [...a.messages, ...b.messages], oversized: a.oversized + b.oversized };
}

/**
 * A body's JSON with its shared parts put back where entries refer to them by number: this producer's
 * {parts, entries} becomes the array of entries an earlier producer wrote, which is returned as it is. Check the
 * result with WireEntries.
 */
export function resolveParts(json: unknown): unknown {
  if (!isObject(json) || !isObject(json.parts) || !Array.isArray(json.entries)) return json;
  const parts = json.parts;
  const part = (v: unknown) => (typeof v === "number" ? parts[String(v)] : v);
  return json.entries.map((e: unknown) => {
    if (!isObject(e) || !isObject(e.origin) || !Array.isArray(e.events)) return e;
    const origin = { ...e.origin, actor: part(e.origin.actor), ...("transactionDetail" in e.origin ? { transactionDetail: part(e.origin.transactionDetail) } : {}) };
    return { origin, events: e.events.map((ev: unknown) => (isObject(ev) ? { ...ev, input: part(ev.input) } : ev)) };
  });
}

/** Whether stored JSON is in a wire form (entries, with or without shared parts) rather than whole LogEvents. */
export const isWireForm = (json: unknown): boolean =>
  (isObject(json) && "entries" in json) || (Array.isArray(json) && isObject(json[0]) && "origin" in json[0]);

/** A message's entries, or null when its body is not this producer's (Throws on bytes that do not inflate). */
export async function entriesOfMessage(message: WireMessage): Promise<WireEntry[] | null> {
  const parsed = WireEntries.safeParse(resolveParts(JSON.parse(await inflateText(fromBase64url(message.body)))));
  return parsed.success ? (parsed.data as WireEntry[]) : null;
}

/** An earlier producer's message body (an array of entries or of whole LogEvents): its events, and what was not. */
export function eventsOfLegacyMessage(body: unknown): { events: LogEvent[]; dropped: number } {
  const items: unknown[] = Array.isArray(body) ? body : [body];
  const events: LogEvent[] = [];
  let dropped = 0;
  for (const item of items) {
    const entry = WireEntrySchema.safeParse(item);
    if (entry.success) events.push(...expandEntries([entry.data as WireEntry]));
    else if (isLogEvent(item)) events.push(item);
    else dropped++;
  }
  return { events, dropped };
}
