import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { hookService } from "./test/support/hook-service";

// migrations/, split as `wrangler d1 migrations apply` splits them, for test/migrations/ (applyD1Migrations).
const migrations = await readD1Migrations(join(dirname(fileURLToPath(import.meta.url)), "migrations"));

// Unit and integration tests run inside workerd with real D1 and Durable Objects (miniflare).
export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: {
          ADMIN_TOKEN: "test-admin-token-0123456789",
          KEY_ENCRYPTION_SECRET: "test-key-encryption-secret-0123456789abcdef",
          // The suites make thousands of admin and token calls a minute; test/rate-limits.test.ts sets its own limits.
          ...Object.fromEntries(
            ["OAUTH_TOKEN", "OAUTH_AUTHORIZE", "OAUTH_OTHER", "CLIENT_REGISTRATION", "API_USERS", "API_APPS", "API_GROUPS", "API_OTHER"].map((b) => [`RATE_LIMIT_${b}_PER_MINUTE`, "1000000"]),
          ),
          TEST_MIGRATIONS: migrations,
        },
        // Empty databases of their own for test/migrations/ (migrations vs schema.sql, upgrades of old data).
        d1Databases: Object.fromEntries(["MIGRATED_DB", "CONSOLIDATED_DB", "OLD_SCHEMA_DB", "OLD_MIGRATED_DB", "ADOPTING_DB"].map((b) => [b, b.toLowerCase()])),
        // A hook server in Node, reached as the Service Binding HOOK_TEST (test/support/hook-service.ts).
        serviceBindings: { HOOK_TEST: hookService },
      },
    }),
  ],
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/e2e/**", "node_modules/**"],
    setupFiles: ["./test/support/setup.ts"],
    testTimeout: 20_000,
    // Fixture setup (servers, people, apps through the admin API) can take a while on a busy 2-core machine.
    hookTimeout: 60_000,
  },
});
