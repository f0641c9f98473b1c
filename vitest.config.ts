import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { hookService } from "./test/support/hook-service";

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
        },
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
