import schemaSql from "../../schema.sql?raw";
import { schemaStatements as split } from "../../scripts/schema-statements";

/** schema.sql as individual statements, for D1's batch API. */
export const schemaStatements = (): string[] => split(schemaSql);

export async function applySchema(db: D1Database): Promise<void> {
  await db.batch(schemaStatements().map((s) => db.prepare(s)));
}
