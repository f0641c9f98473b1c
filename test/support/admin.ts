import { exports } from "cloudflare:workers";

export const ADMIN_TOKEN = "test-admin-token-0123456789";
export const BASE = "http://mintgate.test";

/** A request to the Worker's own fetch handler, as a client would send it. */
export function call(path: string, init: RequestInit & { json?: unknown } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set("Content-Type", "application/json");
    body = JSON.stringify(init.json);
  }
  // A browser-like client would follow redirects; tests look at them, as an OAuth client does.
  return exports.default.fetch(new Request(`${BASE}${path}`, { redirect: "manual", ...init, headers, body }));
}

/** An admin API request authenticated with the bootstrap SSWS token. */
export function admin(path: string, init: RequestInit & { json?: unknown } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (!headers.has("Authorization")) headers.set("Authorization", `SSWS ${ADMIN_TOKEN}`);
  return call(`/api/v1${path}`, { ...init, headers });
}

export async function createServer(overrides: Record<string, unknown> = {}): Promise<Record<string, any>> {
  const res = await admin("/authorizationServers", {
    method: "POST",
    json: { name: `Server ${crypto.randomUUID()}`, description: "test server", audiences: ["api://test"], ...overrides },
  });
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${await res.text()}`);
  return res.json();
}
