/**
 * A D1 database's schema as comparable data: every table, index, view and trigger with its CREATE text normalised
 * (comments and layout dropped), each table's columns (type, NOT NULL, default, key position, hidden), foreign
 * keys and indexes (unique, partial, the indexed columns), and, unless `rows` is false, each table's rows without
 * the columns that hold the time they were written (seed rows carry strftime('now')).
 */
export interface SchemaObject {
  type: string;
  name: string;
  table: string;
  sql: string | null;
  columns?: unknown[];
  foreignKeys?: unknown[];
  indexes?: unknown[];
  rows?: unknown[];
}

// D1's own bookkeeping and SQLite's: not part of Mintgate's schema.
const INTERNAL = /^(sqlite_|_cf_|d1_migrations$)/;
const TIME_COLUMNS = new Set(["created", "last_updated", "last_membership_updated", "status_changed", "activated"]);

export function normaliseSql(sql: string | null): string | null {
  if (sql === null) return null;
  return sql
    .replace(/--[^\n]*/g, "")
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/\s+/g, " ")
    .replace(/\s*([(),])\s*/g, "$1")
    .trim();
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

async function pragma(db: D1Database, name: string, arg: string): Promise<Record<string, unknown>[]> {
  return (await db.prepare(`PRAGMA ${name}(${quote(arg)})`).all<Record<string, unknown>>()).results;
}

export async function describeSchema(db: D1Database, { rows = true }: { rows?: boolean } = {}): Promise<SchemaObject[]> {
  const master = await db
    .prepare("SELECT type, name, tbl_name AS tbl, sql FROM sqlite_master ORDER BY type, name")
    .all<{ type: string; name: string; tbl: string; sql: string | null }>();
  const out: SchemaObject[] = [];
  for (const o of master.results) {
    if (INTERNAL.test(o.name) || INTERNAL.test(o.tbl)) continue;
    const item: SchemaObject = { type: o.type, name: o.name, table: o.tbl, sql: normaliseSql(o.sql) };
    if (o.type === "table") {
      item.columns = await pragma(db, "table_xinfo", o.name);
      item.foreignKeys = await pragma(db, "foreign_key_list", o.name);
      const indexes = await pragma(db, "index_list", o.name);
      item.indexes = [];
      for (const ix of indexes.sort((a, b) => String(a.name).localeCompare(String(b.name)))) {
        // Autoindex names carry a counter that depends on creation order, not on the schema.
        const name = String(ix.name).startsWith("sqlite_autoindex_") ? "(autoindex)" : ix.name;
        const cols = (await pragma(db, "index_xinfo", String(ix.name))).map((c) => ({ name: c.name, desc: c.desc, coll: c.coll, key: c.key }));
        item.indexes.push({ name, unique: ix.unique, origin: ix.origin, partial: ix.partial, columns: cols });
      }
      if (rows) {
        const all = await db.prepare(`SELECT * FROM ${quote(o.name)}`).all<Record<string, unknown>>();
        item.rows = all.results
          .map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !TIME_COLUMNS.has(k))))
          .map((r) => JSON.stringify(r))
          .sort();
      }
    }
    out.push(item);
  }
  return out;
}
