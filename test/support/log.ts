import { env } from "cloudflare:workers";
import type { LogEvent } from "../../src/log/event";

/** Every event in the log so far (the queue consumer writes them about a second after the request). */
export async function allEvents(): Promise<LogEvent[]> {
  const { results } = await env.DB.prepare("SELECT body FROM log_events ORDER BY seq").all<{ body: string }>();
  return results.map((r) => JSON.parse(r.body) as LogEvent);
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
