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
          RELIABILITY_MODE: "full",
          RELIABILITY_SEED: process.env.RELIABILITY_SEED ?? "20261207",
          RELIABILITY_ONLY: process.env.RELIABILITY_ONLY ?? "",
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
