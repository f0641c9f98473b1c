import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// `npm run reliability`, its workerd parts (scripts/reliability.mjs runs this, then the end-to-end parts): the
// same files the ordinary suite runs as a fixed-seed slice, at full size. RELIABILITY_SEED replays another seed.
export default defineConfig({
  root: new URL("../..", import.meta.url).pathname,
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: {
          ADMIN_TOKEN: "test-admin-token-0123456789",
          KEY_ENCRYPTION_SECRET: "test-key-encryption-secret-0123456789abcdef",
          // Okta's per-minute limits would answer 429 long before a full run's thousands of tokens and admin calls a
          // minute; what these parts measure is correctness under load (test/rate-limits.test.ts checks the limits).
          ...Object.fromEntries(
            ["OAUTH_TOKEN", "OAUTH_AUTHORIZE", "OAUTH_OTHER", "CLIENT_REGISTRATION", "API_USERS", "API_APPS", "API_GROUPS", "API_OTHER"].map((b) => [`RATE_LIMIT_${b}_PER_MINUTE`, "1000000"]),
          ),
          RELIABILITY_MODE: "full",
          RELIABILITY_SEED: process.env.RELIABILITY_SEED ?? "20261207",
          RELIABILITY_ONLY: process.env.RELIABILITY_ONLY ?? "",
        },
        // Likewise the throttles before PBKDF2 (test/oauth/throttle.test.ts checks them): the fault part signs in
        // and authenticates the same person and client hundreds of times a minute, after admin writes empty the
        // isolate's verified-secret cache.
        ratelimits: {
          PBKDF2_THROTTLE_IP: { namespace_id: "4101", simple: { limit: 1_000_000, period: 60 } },
          PBKDF2_THROTTLE_ACCOUNT: { namespace_id: "4102", simple: { limit: 1_000_000, period: 60 } },
        },
      },
    }),
  ],
  test: {
    include: ["test/reliability/**/*.test.ts"],
    exclude: ["test/reliability/e2e/**"],
    setupFiles: ["./test/support/setup.ts"],
    testTimeout: 1_200_000,
    hookTimeout: 120_000,
    // One file at a time: the figures are for this machine's two cores, not a contest between parts.
    fileParallelism: false,
  },
});
