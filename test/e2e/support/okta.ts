import { Client, type AuthorizationServer, type Collection } from "@okta/okta-sdk-nodejs";
import { inject } from "vitest";

export interface RecordedRequest {
  method: string;
  url: string;
}

/**
 * Okta's own management SDK pointed at the local server. v8 has no https check on orgUrl, so the plain
 * http://127.0.0.1 URL works as is. Every request the SDK sends is recorded, so tests can tell how it paged.
 */
export function oktaClient(opts: { baseUrl?: string; token?: string } = {}) {
  const client = new Client({ orgUrl: opts.baseUrl ?? inject("baseUrl"), token: opts.token ?? inject("adminToken") });
  const requests: RecordedRequest[] = [];
  client.requestExecutor.on("request", (r: { method?: string; url: string }) =>
    requests.push({ method: (r.method ?? "GET").toUpperCase(), url: r.url }),
  );
  return { client, api: client.authorizationServerApi, requests };
}

/** Collects every item of an SDK Collection; the SDK fetches pages lazily and follows Link rel="next" as it goes. */
export async function all<T>(collection: Collection<T>): Promise<T[]> {
  const items: T[] = [];
  const iterator = collection[Symbol.asyncIterator]();
  for (let r = await iterator.next(); !r.done; r = await iterator.next()) items.push(r.value as T);
  return items;
}

export const uniqueName = (label: string) => `e2e ${label} ${crypto.randomUUID().slice(0, 8)}`;

export function serverBody(label: string, extra: Partial<AuthorizationServer> = {}): AuthorizationServer {
  return { name: uniqueName(label), description: `e2e ${label}`, audiences: [`api://e2e/${label}`], ...extra } as AuthorizationServer;
}

/** The rejection of a promise, for asserting on SDK errors. Fails if the promise resolves. */
export async function rejection(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error("expected the call to fail, but it succeeded");
}

/** A raw admin API call, for what the SDK's models drop (e.g. the `activate` link, which AuthServerLinks lacks). */
export async function adminJson(path: string, init: RequestInit = {}): Promise<{ status: number; headers: Headers; body: any }> {
  const headers = new Headers(init.headers);
  headers.set("Authorization", `SSWS ${inject("adminToken")}`);
  headers.set("Accept", "application/json");
  const res = await fetch(`${inject("baseUrl")}/api/v1${path}`, { ...init, headers });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}
