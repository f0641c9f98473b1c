import schemaSql from "../../schema.sql?raw";

/** schema.sql as individual statements (comments stripped), for D1's batch API. */
export function schemaStatements(): string[] {
  return schemaSql
    .split("\n")
    .filter((line) => !line.trim().startsWith("--"))
    .join("\n")
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter(Boolean);
}

export async function applySchema(db: D1Database): Promise<void> {
  await db.batch(schemaStatements().map((s) => db.prepare(s)));
}
