import { defineConfig } from "vitest/config";

// End-to-end tests: plain Node, real clients (Okta's SDK, jose, fetch) against a real `npm start` (wrangler dev).
// Server output lands in test-results/e2e/*.log; MINTGATE_E2E_VERBOSE=1 also streams it to the terminal.
export default defineConfig({
  test: {
    root: new URL("../..", import.meta.url).pathname,
    include: ["test/e2e/**/*.e2e.test.ts"],
    environment: "node",
    globalSetup: ["./test/e2e/global-setup.ts"],
    // The files share one server; the restart file starts and stops servers of its own. One file at a time keeps
    // the machine's load (and so the timings) predictable.
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
  },
});
