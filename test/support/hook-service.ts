/**
 * A hook server for the workerd tests, bound to the Worker as the Service Binding HOOK_TEST (vitest.config.ts): it
 * runs in Node, records every request and answers as the test scripted it. Hooks reach it as service://HOOK_TEST/...
 * (the README's Service Binding channel), so it exercises that path too. Tests drive it through the same binding:
 * POST /__script {path, status, body, delayMs}, GET /__records, POST /__reset.
 */
interface Scripted {
  status: number;
  body: unknown;
  delayMs: number;
}
interface Recorded {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

const scripts = new Map<string, Scripted[]>();
let records: Recorded[] = [];

export async function hookService(request: Request): Promise<Response> {
  const url = new URL(request.url);
  if (url.pathname === "/__reset") {
    scripts.clear();
    records = [];
    return new Response(null, { status: 204 });
  }
  if (url.pathname === "/__script") {
    const s = (await request.json()) as { path: string; status?: number; body?: unknown; delayMs?: number; times?: number };
    const list = scripts.get(s.path) ?? [];
    for (let i = 0; i < (s.times ?? 1000); i++) list.push({ status: s.status ?? 200, body: s.body ?? null, delayMs: s.delayMs ?? 0 });
    scripts.set(s.path, list);
    return new Response(null, { status: 204 });
  }
  if (url.pathname === "/__records") return Response.json(records);
  const text = await request.text();
  records.push({ method: request.method, path: url.pathname, headers: Object.fromEntries(request.headers), body: text ? JSON.parse(text) : null });
  const challenge = request.headers.get("X-Okta-Verification-Challenge");
  const list = scripts.get(url.pathname);
  const next = list && list.length > 1 ? list.shift()! : list?.[0];
  if (!next) {
    if (challenge) return Response.json({ verification: challenge });
    return new Response(null, { status: 204 });
  }
  if (next.delayMs) await new Promise((r) => setTimeout(r, next.delayMs));
  if (next.body === "ECHO_CHALLENGE") return Response.json({ verification: challenge });
  return next.body === null ? new Response(null, { status: next.status }) : Response.json(next.body, { status: next.status });
}
