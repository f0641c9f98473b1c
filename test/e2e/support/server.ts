import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync, type WriteStream } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { stripVTControlCharacters } from "node:util";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..", "..");
/** Server logs of the last e2e run (test-results/ is git-ignored). */
export const LOG_DIR = join(root, "test-results", "e2e");
const READY_PATH = "/.well-known/openid-configuration";
const OUTPUT_LIMIT = 64 * 1024;

export interface ServerOptions {
  /** wrangler's --persist-to: D1 and Durable Object state. Reuse it to restart on the same state. */
  persistDir: string;
  port?: number;
  adminToken: string;
  /** Seals the signing keys at rest; a restart on the same state needs the same secret. */
  keyEncryptionSecret: string;
  startTimeoutMs?: number;
  /** Removed by the reaper if this process dies without stopping the server (normally the caller removes it). */
  tempDir?: string;
  /** Where to keep everything the server prints (appended), to read after a failed run. */
  logFile?: string;
}

export interface RunningServer {
  baseUrl: string;
  port: number;
  /** What the server printed so far (the tail, if it printed a lot). */
  output(): string;
  /** Stops the whole process group: start.mjs, wrangler and workerd. Safe to call twice. */
  stop(): Promise<void>;
}

/** A state folder of one's own, so a test server never touches .wrangler/state or another server's data. */
export interface TempState {
  dir: string;
  persistDir: string;
  remove(): void;
}

export function makeTempState(): TempState {
  const dir = mkdtempSync(join(tmpdir(), "mintgate-e2e-"));
  return { dir, persistDir: join(dir, "state"), remove: () => rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 }) };
}

export const randomToken = () => "00" + randomBytes(30).toString("base64url");
export const randomSecret = () => randomBytes(32).toString("base64url");

/** A free port on 127.0.0.1: listen on port 0, read it, close. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      srv.close(() => (address && typeof address === "object" ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

const groupAlive = (pid: number) => {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
};

const signalGroup = (pid: number, signal: NodeJS.Signals) => {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Whatever happens to the test process (a failed hook, an uncaught error, Ctrl-C), started servers die with it:
// at exit if the process gets to run its exit handlers, and through the detached reaper if it does not.
const running = new Set<number>();
process.once("exit", () => {
  for (const pid of running) signalGroup(pid, "SIGKILL");
});

function startReaper(serverPgid: number, tempDir?: string): void {
  const reaper = spawn(process.execPath, [join(here, "reaper.mjs"), String(process.pid), String(serverPgid), ...(tempDir ? [tempDir] : [])], {
    detached: true,
    stdio: "ignore",
  });
  reaper.unref();
}

async function killGroup(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  signalGroup(pid, "SIGTERM");
  for (let waited = 0; waited < 5000 && groupAlive(pid); waited += 100) await sleep(100);
  if (groupAlive(pid)) signalGroup(pid, "SIGKILL");
  for (let waited = 0; waited < 3000 && groupAlive(pid); waited += 100) await sleep(100);
  running.delete(pid);
}

/**
 * Starts a server (see startOnce). With no port given, a port taken between choosing it and binding it is retried
 * on another free port.
 */
export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce({ ...opts, port: opts.port ?? (await freePort()) });
    } catch (err) {
      if (opts.port !== undefined || attempt >= 3 || !/Address already in use/.test((err as Error).message)) throw err;
    }
  }
}

/**
 * Starts `node scripts/start.mjs` (migrations/ applied to the persist dir's D1, then wrangler dev) and waits until
 * the org discovery document answers 200. Secrets come from an env file written next to the state, passed to
 * wrangler with --env-file, so the developer's .dev.vars is not read by the Worker.
 */
async function startOnce(opts: ServerOptions & { port: number }): Promise<RunningServer> {
  const port = opts.port;
  const baseUrl = `http://127.0.0.1:${port}`;
  const envFile = join(dirname(opts.persistDir), "secrets.env");
  // The suites' admin and token calls run faster than an org's per-minute limits; the limits are tested in workerd.
  const limits = ["OAUTH_TOKEN", "OAUTH_AUTHORIZE", "OAUTH_OTHER", "CLIENT_REGISTRATION", "API_USERS", "API_APPS", "API_GROUPS", "API_OTHER"].map((b) => `RATE_LIMIT_${b}_PER_MINUTE="1000000"\n`).join("");
  writeFileSync(envFile, `ADMIN_TOKEN="${opts.adminToken}"\nKEY_ENCRYPTION_SECRET="${opts.keyEncryptionSecret}"\n${limits}`, { mode: 0o600 });

  const child = spawn(process.execPath, [join(root, "scripts", "start.mjs"), "--env-file", envFile], {
    cwd: root,
    detached: true, // its own process group, so stop() reaches wrangler and workerd too
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      PORT: String(port),
      ADMIN_TOKEN: opts.adminToken,
      MINTGATE_PERSIST_DIR: opts.persistDir,
      // start.mjs runs node_modules/.bin/wrangler, whose `#!/usr/bin/env node` must find this Node (24), not the system's.
      PATH: [dirname(process.execPath), process.env.PATH].filter(Boolean).join(delimiter),
      WRANGLER_SEND_METRICS: "false",
      // wrangler's debug logs beside the state, not in ~/.config/.wrangler/logs.
      WRANGLER_LOG_PATH: join(dirname(opts.persistDir), "logs"),
      // No colour codes in the captured output.
      NO_COLOR: "1",
      FORCE_COLOR: "0",
    },
  });
  if (child.pid !== undefined) {
    running.add(child.pid);
    startReaper(child.pid, opts.tempDir);
  }

  let out = "";
  let log: WriteStream | undefined;
  if (opts.logFile) {
    mkdirSync(dirname(opts.logFile), { recursive: true });
    log = createWriteStream(opts.logFile, { flags: "a" });
    log.write(`\n=== ${new Date().toISOString()} start.mjs on ${baseUrl}, state ${opts.persistDir} ===\n`);
    child.once("close", () => log!.end());
  }
  const capture = (chunk: Buffer) => {
    const text = stripVTControlCharacters(chunk.toString("utf8"));
    out = (out + text).slice(-OUTPUT_LIMIT);
    log?.write(text);
    if (process.env.MINTGATE_E2E_VERBOSE) process.stderr.write(chunk);
  };
  child.stdout!.on("data", capture);
  child.stderr!.on("data", capture);
  let exited: string | null = null;
  child.once("exit", (code, signal) => (exited = `exited with ${signal ?? `code ${code}`}`));
  child.once("error", (err) => (exited = `failed to spawn: ${err.message}`));

  let stopping: Promise<void> | null = null;
  const server: RunningServer = {
    baseUrl,
    port,
    output: () => out,
    stop: () => (stopping ??= killGroup(child)),
  };

  const deadline = Date.now() + (opts.startTimeoutMs ?? 90_000);
  try {
    for (;;) {
      if (exited) throw new Error(`mintgate server ${exited} before it was ready`);
      if (Date.now() > deadline) throw new Error(`mintgate server not ready on ${baseUrl} after ${opts.startTimeoutMs ?? 90_000} ms`);
      try {
        const res = await fetch(baseUrl + READY_PATH, { signal: AbortSignal.timeout(5000) });
        await res.arrayBuffer();
        if (res.status === 200) return server;
      } catch {
        // not listening yet
      }
      await sleep(250);
    }
  } catch (err) {
    await server.stop();
    throw new Error(`${(err as Error).message}\n--- server output ---\n${out}`);
  }
}
