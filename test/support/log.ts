import { env } from "cloudflare:workers";
import { nowMs } from "../../src/clock";
import type { LogEvent } from "../../src/log/event";
import { admin, BASE } from "./admin";

/**
 * Every event in the log so far, in persistence order (the queue consumer writes them about a second after the
 * request), read as a SIEM would: polling GET /api/v1/logs and following rel="next" until a page is not full.
 */
export async function allEvents(): Promise<LogEvent[]> {
  const events: LogEvent[] = [];
  // The retention window (90 days) bounds what the API returns; Okta's 180-day limit bounds since.
  let path = `/logs?limit=1000&since=${new Date(nowMs() - 100 * 24 * 3600 * 1000).toISOString()}`;
  for (;;) {
    const res = await admin(path);
    if (res.status !== 200) throw new Error(`GET /api/v1/logs: ${res.status} ${await res.text()}`);
    const page = (await res.json()) as LogEvent[];
    events.push(...page);
    if (page.length < 1000) return events;
    const next = /<([^>]+)>; rel="next"/.exec(res.headers.get("Link") ?? "")![1]!;
    path = next.slice(`${BASE}/api/v1`.length);
  }
}

/** Waits until the queue consumer has written events matching `match` (at least `count`), and returns them. */
export async function waitForEvents(match: (e: LogEvent) => boolean, count = 1, timeoutMs = 10_000): Promise<LogEvent[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const found = (await allEvents()).filter(match);
    if (found.length >= count) return found;
    if (Date.now() > until) throw new Error(`expected ${count} matching events, found ${found.length}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The test hook server (test/support/hook-service.ts), through its Service Binding. */
export const hookServer = {
  reset: () => env.HOOK_TEST!.fetch("https://hook/__reset", { method: "POST" }),
  script: (s: { path: string; status?: number; body?: unknown; delayMs?: number; times?: number }) =>
    env.HOOK_TEST!.fetch("https://hook/__script", { method: "POST", body: JSON.stringify(s) }),
  records: async (path?: string) => {
    const all = (await (await env.HOOK_TEST!.fetch("https://hook/__records")).json()) as Array<{ method: string; path: string; headers: Record<string, string>; body: any }>;
    return path ? all.filter((r) => r.path === path) : all;
  },
};
