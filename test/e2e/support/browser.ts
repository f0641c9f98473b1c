import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type BrowserContext, type Page } from "playwright-core";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/** Debian's chromium (`apt-get install -y chromium`); CHROMIUM_PATH overrides. Playwright's own download is not used. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
  "--disable-sync",
  "--disable-quic",
];

export interface RunningBrowser {
  context: BrowserContext;
  /** Closes the browser and removes its profile. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Chromium on a fresh profile of its own (a temp --user-data-dir, removed on close), through playwright-core.
 * Each call is a separate browser, so cookies and storage never leak from one scenario into another.
 */
export async function launchChromium(): Promise<RunningBrowser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`no Chromium at ${CHROMIUM_PATH}: install it with \`apt-get update && apt-get install -y chromium\` (or set CHROMIUM_PATH)`);
  }
  const profile = mkdtempSync(join(tmpdir(), "mintgate-chromium-"));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1000, height: 800 },
      timeout: 30_000,
    });
  } catch (err) {
    rmSync(profile, { recursive: true, force: true });
    throw err;
  }
  let closing: Promise<void> | null = null;
  return {
    context,
    close: () =>
      (closing ??= context
        .close()
        .catch(() => {})
        .finally(() => rmSync(profile, { recursive: true, force: true }))),
  };
}

export interface StaticServer {
  origin: string;
  close(): Promise<void>;
}

/** A node:http server on 127.0.0.1 and a free port (port 0), for callback and foreign-origin pages. */
export function startStaticServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<StaticServer> {
  return new Promise((resolve, reject) => {
    const server = createServer(handler);
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      if (!address || typeof address !== "object") return reject(new Error("no address"));
      let closing: Promise<void> | null = null;
      resolve({
        origin: `http://127.0.0.1:${address.port}`,
        close: () =>
          (closing ??= new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          })),
      });
    });
  });
}

export interface SampleSpa {
  origin: string;
  output(): string;
  stop(): Promise<void>;
}

// Whatever ends the test process, the sample server goes with it.
const spas = new Set<number>();
process.once("exit", () => {
  for (const pid of spas) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone
    }
  }
});

/** Starts samples/spa/serve.mjs on a free port (--port 0) and waits for the URL it prints. */
export async function startSampleSpa(opts: { issuer: string; clientId: string; timeoutMs?: number }): Promise<SampleSpa> {
  const child = spawn(process.execPath, [join(root, "samples", "spa", "serve.mjs"), "--issuer", opts.issuer, "--client-id", opts.clientId, "--port", "0"], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (child.pid !== undefined) spas.add(child.pid);
  let out = "";
  let exited = false;
  const gone = new Promise<void>((done) => child.once("exit", () => ((exited = true), child.pid !== undefined && spas.delete(child.pid), done())));
  const stop = async () => {
    if (exited) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
    await gone;
    clearTimeout(timer);
  };
  try {
    const origin = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`sample SPA did not start within ${opts.timeoutMs ?? 10_000} ms:\n${out}`)), opts.timeoutMs ?? 10_000);
      const onData = (chunk: Buffer) => {
        out += chunk.toString("utf8");
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      };
      child.stdout!.on("data", onData);
      child.stderr!.on("data", onData);
      child.once("exit", (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`sample SPA exited (${signal ?? code}) before listening:\n${out}`));
      });
      child.once("error", (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
    return { origin, output: () => out, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

export interface NetworkEntry {
  url: string;
  method: string;
  /** What reached the browser from the network, before any CORS check (CDP's ...ExtraInfo events). */
  status?: number;
  headers?: Record<string, string>;
  /** Why Chromium refused the response to the page, e.g. MissingAllowOriginHeader. */
  corsError?: string;
}

/**
 * Every request of the page as Chromium's network layer sees it, through the DevTools protocol: unlike
 * Playwright's response events, it also reports responses that CORS kept from the page, with their headers.
 */
export async function watchNetwork(page: Page): Promise<NetworkEntry[]> {
  const byId = new Map<string, NetworkEntry>();
  const entries: NetworkEntry[] = [];
  const entry = (id: string) => {
    let e = byId.get(id);
    if (!e) {
      e = { url: "", method: "" };
      byId.set(id, e);
      entries.push(e);
    }
    return e;
  };
  const cdp = await page.context().newCDPSession(page);
  cdp.on("Network.requestWillBeSent", (ev) => Object.assign(entry(ev.requestId), { url: ev.request.url, method: ev.request.method }));
  cdp.on("Network.responseReceivedExtraInfo", (ev) => {
    const headers = Object.fromEntries(Object.entries(ev.headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
    Object.assign(entry(ev.requestId), { status: ev.statusCode, headers });
  });
  cdp.on("Network.loadingFailed", (ev) => {
    if (ev.corsErrorStatus) entry(ev.requestId).corsError = ev.corsErrorStatus.corsError;
  });
  await cdp.send("Network.enable");
  return entries;
}
