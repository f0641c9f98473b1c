/**
 * SQL for Okta's event hooks and inline hooks (schema.sql: event_hooks, inline_hooks). Channels are stored as
 * Okta's JSON without the auth header's value, which is kept sealed in auth_value and never read back to a client.
 */
import { z } from "zod";
import type { HookChannel } from "../hooks/channel";
import type { EventFilter } from "../log/hook-filter";
import { at, parseStored } from "./stored-json";

export type HookStatus = "ACTIVE" | "INACTIVE";

const ChannelSchema = z.object({
  type: z.literal("HTTP"),
  version: z.literal("1.0.0"),
  config: z.object({
    uri: z.string(),
    headers: z.array(z.object({ key: z.string(), value: z.string() })),
    method: z.literal("POST"),
    authScheme: z.object({ type: z.literal("HEADER"), key: z.string() }).nullable(),
  }),
});
const FilterSchema = z.object({
  type: z.literal("EXPRESSION_LANGUAGE"),
  eventFilterMap: z.array(z.object({ event: z.string(), condition: z.object({ version: z.null(), expression: z.string() }) })),
});
// Okta's events object as written: a hook saved before filters existed has none.
const EventsSchema = z.object({ type: z.literal("EVENT_TYPE"), items: z.array(z.string()), filter: FilterSchema.nullable().default(null) });

export interface EventHookRecord {
  id: string;
  name: string;
  description: string | null;
  status: HookStatus;
  verificationStatus: "UNVERIFIED" | "VERIFIED";
  /** Okta's events object; filter: Okta's EventHookFilters (log/hook-filter.ts), null when the hook has none. */
  events: { type: "EVENT_TYPE"; items: string[]; filter: EventFilter | null };
  channel: HookChannel;
  sealedAuth: string | null;
  createdBy: string;
  created: string;
  lastUpdated: string;
}

export interface InlineHookRecord {
  id: string;
  name: string;
  type: string;
  version: string;
  status: HookStatus;
  channel: HookChannel;
  sealedAuth: string | null;
  created: string;
  lastUpdated: string;
}

interface EventHookRow {
  id: string; name: string; description: string | null; status: HookStatus; verification_status: "UNVERIFIED" | "VERIFIED";
  events: string; channel: string; auth_value: string | null; created_by: string; created: string; last_updated: string;
}
interface InlineHookRow {
  id: string; name: string; type: string; version: string; status: HookStatus; channel: string; auth_value: string | null;
  created: string; last_updated: string;
}

const toEventHook = (r: EventHookRow): EventHookRecord => ({
  id: r.id,
  name: r.name,
  description: r.description,
  status: r.status,
  verificationStatus: r.verification_status,
  events: parseStored(EventsSchema, r.events, at("event_hooks.events", r.id)),
  channel: parseStored(ChannelSchema, r.channel, at("event_hooks.channel", r.id)),
  sealedAuth: r.auth_value,
  createdBy: r.created_by,
  created: r.created,
  lastUpdated: r.last_updated,
});

const toInlineHook = (r: InlineHookRow): InlineHookRecord => ({
  id: r.id,
  name: r.name,
  type: r.type,
  version: r.version,
  status: r.status,
  channel: parseStored(ChannelSchema, r.channel, at("inline_hooks.channel", r.id)),
  sealedAuth: r.auth_value,
  created: r.created,
  lastUpdated: r.last_updated,
});

// ---- event hooks

export async function listEventHooks(db: D1Database): Promise<EventHookRecord[]> {
  const { results } = await db.prepare("SELECT * FROM event_hooks ORDER BY created, id").all<EventHookRow>();
  return results.map(toEventHook);
}

/** Okta: only ACTIVE and VERIFIED hooks receive events. */
export async function listDeliverableEventHooks(db: D1Database): Promise<EventHookRecord[]> {
  const { results } = await db
    .prepare("SELECT * FROM event_hooks WHERE status = 'ACTIVE' AND verification_status = 'VERIFIED'")
    .all<EventHookRow>();
  return results.map(toEventHook);
}

export async function getEventHook(db: D1Database, id: string): Promise<EventHookRecord | null> {
  const row = await db.prepare("SELECT * FROM event_hooks WHERE id = ?1").bind(id).first<EventHookRow>();
  return row ? toEventHook(row) : null;
}

export async function countActiveEventHooks(db: D1Database): Promise<number> {
  return (await db.prepare("SELECT count(*) AS n FROM event_hooks WHERE status = 'ACTIVE'").first<number>("n")) ?? 0;
}

export async function insertEventHook(db: D1Database, h: EventHookRecord): Promise<void> {
  await db
    .prepare(
      `INSERT INTO event_hooks (id, name, description, status, verification_status, events, channel, auth_value, created_by, created, last_updated)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)`,
    )
    .bind(h.id, h.name, h.description, h.status, h.verificationStatus, JSON.stringify(h.events), JSON.stringify(h.channel), h.sealedAuth, h.createdBy, h.created)
    .run();
}

/** Replaces the writable fields; a changed channel needs verifying again (Okta). */
export async function replaceEventHook(
  db: D1Database,
  h: Pick<EventHookRecord, "id" | "name" | "description" | "events" | "channel" | "sealedAuth" | "lastUpdated">,
): Promise<EventHookRecord | null> {
  const row = await db
    .prepare(
      `UPDATE event_hooks SET name = ?2, description = ?3, events = ?4,
         verification_status = CASE WHEN channel = ?5 THEN verification_status ELSE 'UNVERIFIED' END,
         channel = ?5, auth_value = ?6, last_updated = ?7
       WHERE id = ?1 RETURNING *`,
    )
    .bind(h.id, h.name, h.description, JSON.stringify(h.events), JSON.stringify(h.channel), h.sealedAuth, h.lastUpdated)
    .first<EventHookRow>();
  return row ? toEventHook(row) : null;
}

export async function setEventHookStatus(db: D1Database, id: string, status: HookStatus, now: string): Promise<EventHookRecord | null> {
  const row = await db
    .prepare("UPDATE event_hooks SET status = ?2, last_updated = ?3 WHERE id = ?1 RETURNING *")
    .bind(id, status, now)
    .first<EventHookRow>();
  return row ? toEventHook(row) : null;
}

/** Marks the hook VERIFIED if its channel is still the one that answered the challenge. */
export async function markEventHookVerified(db: D1Database, id: string, channel: string, now: string): Promise<EventHookRecord | null> {
  const row = await db
    .prepare("UPDATE event_hooks SET verification_status = 'VERIFIED', last_updated = ?3 WHERE id = ?1 AND channel = ?2 RETURNING *")
    .bind(id, channel, now)
    .first<EventHookRow>();
  return row ? toEventHook(row) : null;
}

/** Okta: only an INACTIVE hook can be deleted. Returns what happened. */
export async function deleteEventHook(db: D1Database, id: string): Promise<"deleted" | "active" | "missing"> {
  const row = await db.prepare("DELETE FROM event_hooks WHERE id = ?1 AND status = 'INACTIVE' RETURNING id").bind(id).first();
  if (row) return "deleted";
  return (await getEventHook(db, id)) ? "active" : "missing";
}

// ---- inline hooks

export async function listInlineHooks(db: D1Database, type: string | null): Promise<InlineHookRecord[]> {
  const { results } = await db
    .prepare("SELECT * FROM inline_hooks WHERE ?1 IS NULL OR type = ?1 ORDER BY created, id")
    .bind(type)
    .all<InlineHookRow>();
  return results.map(toInlineHook);
}

export async function getInlineHook(db: D1Database, id: string): Promise<InlineHookRecord | null> {
  const row = await db.prepare("SELECT * FROM inline_hooks WHERE id = ?1").bind(id).first<InlineHookRow>();
  return row ? toInlineHook(row) : null;
}

export async function countInlineHooks(db: D1Database): Promise<number> {
  return (await db.prepare("SELECT count(*) AS n FROM inline_hooks").first<number>("n")) ?? 0;
}

export async function insertInlineHook(db: D1Database, h: InlineHookRecord): Promise<void> {
  await db
    .prepare(
      `INSERT INTO inline_hooks (id, name, type, version, status, channel, auth_value, created, last_updated)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)`,
    )
    .bind(h.id, h.name, h.type, h.version, h.status, JSON.stringify(h.channel), h.sealedAuth, h.created)
    .run();
}

export async function replaceInlineHook(
  db: D1Database,
  h: Pick<InlineHookRecord, "id" | "name" | "version" | "channel" | "sealedAuth" | "lastUpdated">,
): Promise<InlineHookRecord | null> {
  const row = await db
    .prepare("UPDATE inline_hooks SET name = ?2, version = ?3, channel = ?4, auth_value = ?5, last_updated = ?6 WHERE id = ?1 RETURNING *")
    .bind(h.id, h.name, h.version, JSON.stringify(h.channel), h.sealedAuth, h.lastUpdated)
    .first<InlineHookRow>();
  return row ? toInlineHook(row) : null;
}

export async function setInlineHookStatus(db: D1Database, id: string, status: HookStatus, now: string): Promise<InlineHookRecord | null> {
  const row = await db
    .prepare("UPDATE inline_hooks SET status = ?2, last_updated = ?3 WHERE id = ?1 RETURNING *")
    .bind(id, status, now)
    .first<InlineHookRow>();
  return row ? toInlineHook(row) : null;
}

export async function deleteInlineHook(db: D1Database, id: string): Promise<"deleted" | "active" | "missing"> {
  const row = await db.prepare("DELETE FROM inline_hooks WHERE id = ?1 AND status = 'INACTIVE' RETURNING id").bind(id).first();
  if (row) return "deleted";
  return (await getInlineHook(db, id)) ? "active" : "missing";
}
