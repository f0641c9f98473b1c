// The bindings vitest.config.ts adds for these tests only: migrations/ as readD1Migrations read it, and empty
// databases of their own.
declare namespace Cloudflare {
  interface Env {
    TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
    MIGRATED_DB: D1Database;
    CONSOLIDATED_DB: D1Database;
    OLD_SCHEMA_DB: D1Database;
    OLD_MIGRATED_DB: D1Database;
    ADOPTING_DB: D1Database;
  }
}
