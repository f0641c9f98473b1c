import { rmSync } from "node:fs";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { LOG_DIR, makeTempState, randomSecret, randomToken, startServer, type RunningServer } from "./support/server";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    adminToken: string;
    persistDir: string;
  }
}

/**
 * One shared Mintgate (`npm start`, i.e. wrangler dev) for every e2e file, on a state folder of its own; stopped
 * and removed afterwards. What the servers print goes to test-results/e2e/*.log.
 */
export default async function setup(project: TestProject) {
  rmSync(LOG_DIR, { recursive: true, force: true });
  const state = makeTempState();
  const adminToken = randomToken();
  let server: RunningServer;
  try {
    server = await startServer({
      persistDir: state.persistDir,
      adminToken,
      keyEncryptionSecret: randomSecret(),
      tempDir: state.dir,
      logFile: join(LOG_DIR, "shared-server.log"),
    });
  } catch (err) {
    state.remove();
    throw err;
  }
  project.provide("baseUrl", server.baseUrl);
  project.provide("adminToken", adminToken);
  project.provide("persistDir", state.persistDir);
  return async () => {
    try {
      await server.stop();
    } finally {
      state.remove();
    }
  };
}
