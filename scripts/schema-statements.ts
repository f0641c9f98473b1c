/**
 * schema.sql as individual statements (comment lines dropped), for D1's batch API, which takes one statement per
 * prepared query. Shared by the workerd tests (test/support/schema.ts) and the bench (Node strips the types).
 */
export function schemaStatements(sql: string): string[] {
  return sql
    .split("\n")
    .filter((line) => !line.trim().startsWith("--"))
    .join("\n")
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter(Boolean);
}
