/** SQL for trusted origins (Okta TrustedOrigin). Rows are mapped to domain types here and nowhere else. */
import { z } from "zod";
import { startsWith } from "./sql";
import { at, parseStored } from "./stored-json";

export type TrustedOriginScopeType = "CORS" | "REDIRECT" | "IFRAME_EMBED";
export type TrustedOriginStatus = "ACTIVE" | "INACTIVE";

export interface TrustedOriginScope {
  type: TrustedOriginScopeType;
  allowedOktaApps?: Array<"OKTA_ENDUSER">;
}

export interface TrustedOriginRecord {
  seq: number;
  id: string;
  name: string;
  origin: string;
  scopes: TrustedOriginScope[];
  status: TrustedOriginStatus;
  created: string;
  createdBy: string;
  lastUpdated: string;
  lastUpdatedBy: string;
}

interface Row {
  seq: number;
  id: string;
  name: string;
  origin: string;
  scopes: string;
  status: TrustedOriginStatus;
  created: string;
  created_by: string;
  last_updated: string;
  last_updated_by: string;
}

const ScopesSchema: z.ZodType<TrustedOriginScope[]> = z.array(
  z.object({ type: z.enum(["CORS", "REDIRECT", "IFRAME_EMBED"]), allowedOktaApps: z.array(z.literal("OKTA_ENDUSER")).optional() }),
);

const COLUMNS = "seq, id, name, origin, scopes, status, created, created_by, last_updated, last_updated_by";

const toTrustedOrigin = (r: Row): TrustedOriginRecord => ({
  seq: r.seq,
  id: r.id,
  name: r.name,
  origin: r.origin,
  scopes: parseStored(ScopesSchema, r.scopes, at("trusted_origins.scopes", r.id)),
  status: r.status,
  created: r.created,
  createdBy: r.created_by,
  lastUpdated: r.last_updated,
  lastUpdatedBy: r.last_updated_by,
});


export async function getTrustedOrigin(db: D1Database, id: string): Promise<TrustedOriginRecord | null> {
  const row = await db.prepare(`SELECT ${COLUMNS} FROM trusted_origins WHERE id = ?1`).bind(id).first<Row>();
  return row ? toTrustedOrigin(row) : null;
}

/** A filter clause (Okta filter on name, origin, status or type of scopes), always `eq`. */
export interface TrustedOriginClause {
  field: "name" | "origin" | "status" | "type";
  value: string;
}

const CLAUSE_SQL: Record<TrustedOriginClause["field"], (n: number) => string> = {
  name: (n) => `name = ?${n}`,
  origin: (n) => `origin = ?${n}`,
  status: (n) => `status = ?${n}`,
  type: (n) => `EXISTS (SELECT 1 FROM json_each(scopes) WHERE json_extract(value, '$.type') = ?${n})`,
};

/** A page in creation order; Okta: q matches the start of the name or the origin. */
export async function listTrustedOrigins(
  db: D1Database,
  opts: { q?: string; clauses: TrustedOriginClause[]; limit: number; afterSeq?: number },
): Promise<{ items: TrustedOriginRecord[]; more: boolean }> {
  const where = ["seq > ?1", `(?3 IS NULL OR ${startsWith("name", "?3")} OR ${startsWith("origin", "?3")})`];
  const binds: unknown[] = [opts.afterSeq ?? 0, opts.limit + 1, opts.q || null];
  for (const c of opts.clauses) {
    binds.push(c.value);
    where.push(CLAUSE_SQL[c.field](binds.length));
  }
  const { results } = await db
    .prepare(`SELECT ${COLUMNS} FROM trusted_origins WHERE ${where.join(" AND ")} ORDER BY seq LIMIT ?2`)
    .bind(...binds)
    .all<Row>();
  return { items: results.slice(0, opts.limit).map(toTrustedOrigin), more: results.length > opts.limit };
}

export type TrustedOriginWrite = { name: string; origin: string; scopes: TrustedOriginScope[] };

/** Which unique field another trusted origin already holds, if any. */
async function conflictOf(db: D1Database, t: TrustedOriginWrite, exceptId: string | null): Promise<"name" | "origin" | null> {
  const row = await db
    .prepare(`SELECT name = ?1 AS same_name FROM trusted_origins WHERE (name = ?1 OR origin = ?2) AND id IS NOT ?3 LIMIT 1`)
    .bind(t.name, t.origin, exceptId)
    .first<{ same_name: number }>();
  return row ? (row.same_name === 1 ? "name" : "origin") : null;
}

/** Inserts an ACTIVE trusted origin; name and origin are unique (a conflict is reported by field). */
export async function insertTrustedOrigin(
  db: D1Database,
  t: TrustedOriginWrite & { id: string; by: string; now: string },
): Promise<TrustedOriginRecord | { conflict: "name" | "origin" }> {
  const row = await db
    .prepare(
      `INSERT INTO trusted_origins (id, name, origin, scopes, status, created, created_by, last_updated, last_updated_by)
       VALUES (?1, ?2, ?3, ?4, 'ACTIVE', ?5, ?6, ?5, ?6) ON CONFLICT DO NOTHING RETURNING ${COLUMNS}`,
    )
    .bind(t.id, t.name, t.origin, JSON.stringify(t.scopes), t.now, t.by)
    .first<Row>();
  if (row) return toTrustedOrigin(row);
  return { conflict: (await conflictOf(db, t, null)) ?? "name" };
}

/** Replaces name, origin and scopes; null when the trusted origin is gone. */
export async function replaceTrustedOrigin(
  db: D1Database,
  t: TrustedOriginWrite & { id: string; by: string; now: string },
): Promise<TrustedOriginRecord | { conflict: "name" | "origin" } | null> {
  const row = await db
    .prepare(
      `UPDATE OR IGNORE trusted_origins SET name = ?2, origin = ?3, scopes = ?4, last_updated = ?5, last_updated_by = ?6
       WHERE id = ?1 RETURNING ${COLUMNS}`,
    )
    .bind(t.id, t.name, t.origin, JSON.stringify(t.scopes), t.now, t.by)
    .first<Row>();
  if (row) return toTrustedOrigin(row);
  if (!(await getTrustedOrigin(db, t.id))) return null;
  return { conflict: (await conflictOf(db, t, t.id)) ?? "name" };
}

export async function setTrustedOriginStatus(
  db: D1Database,
  id: string,
  status: TrustedOriginStatus,
  by: string,
  now: string,
): Promise<TrustedOriginRecord | null> {
  const row = await db
    .prepare(`UPDATE trusted_origins SET status = ?2, last_updated = ?3, last_updated_by = ?4 WHERE id = ?1 RETURNING ${COLUMNS}`)
    .bind(id, status, now, by)
    .first<Row>();
  return row ? toTrustedOrigin(row) : null;
}

export async function deleteTrustedOrigin(db: D1Database, id: string): Promise<boolean> {
  const res = await db.prepare(`DELETE FROM trusted_origins WHERE id = ?1`).bind(id).run();
  return res.meta.changes > 0;
}

/** For CORS and redirect checks: every ACTIVE trusted origin with its scope types. */
export async function listActiveTrustedOrigins(db: D1Database): Promise<Array<{ origin: string; scopes: string[] }>> {
  const { results } = await db.prepare(`SELECT id, origin, scopes FROM trusted_origins WHERE status = 'ACTIVE' ORDER BY seq`).all<Pick<Row, "id" | "origin" | "scopes">>();
  return results.map((r) => ({ origin: r.origin, scopes: parseStored(ScopesSchema, r.scopes, at("trusted_origins.scopes", r.id)).map((s) => s.type) }));
}
