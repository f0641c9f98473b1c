import { defineConfig } from "vitest/config";

// The end-to-end parts of `npm run reliability` (plain Node against a wrangler dev of their own).
export default defineConfig({
  test: {
    root: new URL("../../..", import.meta.url).pathname,
    include: ["test/e2e/reliability/*.rel.ts"],
    environment: "node",
    testTimeout: 30 * 60_000,
    hookTimeout: 120_000,
  },
});
