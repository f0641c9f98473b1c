import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { app } from "../../src/app";
import type { Env } from "../../src/env";
import { keyStore } from "../../src/keys/key-store";
import { admin, BASE, call, createServer } from "./admin";

export const DAY_MS = 24 * 3600 * 1000;

/** wrangler.toml's schedule, which the tests run with. */
export const PERIOD_MS = Number(env.KEY_ROTATION_PERIOD_SECONDS) * 1000;
export const OVERLAP_MS = Number(env.KEY_OVERLAP_SECONDS) * 1000;

/** Okta's errorId: "oae" and 22 base62 characters. */
export const ERROR_ID = /^oae[0-9A-Za-z]{22}$/;

/** The whole Okta error body, with the errorId matched by shape (it is unique per request). */
export function oktaError(errorCode: string, errorSummary: string, causes: unknown[] = []) {
  return {
    errorCode,
    errorSummary,
    errorLink: errorCode,
    errorId: expect.stringMatching(ERROR_ID),
    errorCauses: causes.map((c) => ({ errorSummary: c })),
  };
}

/** Asserts status, the no-store JSON headers and the whole Okta error body. */
export async function expectOktaError(
  res: Response,
  status: number,
  errorCode: string,
  errorSummary: string,
  causes: unknown[] = [],
): Promise<void> {
  const body = await res.json();
  expect({ status: res.status, body }).toEqual({ status, body: oktaError(errorCode, errorSummary, causes) });
  expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
  expect(res.headers.get("Cache-Control")).toBe("no-store");
}

/** The Okta 404 for an authorization server id that does not exist (or, on OAuth endpoints, is INACTIVE). */
export const serverNotFound = (id: string) => ["E0000007", `Not found: Resource not found: ${id} (AuthorizationServer)`] as const;

/** RFC 8288 Link headers by rel (Okta sends rel="self" and, when there is another page, rel="next"). */
export function links(res: Response): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of (res.headers.get("Link") ?? "").matchAll(/<([^>]*)>;\s*rel="([^"]+)"/g)) out[m[2]!] = m[1]!;
  return out;
}

/** The path (under /api/v1) of a Link header URL, so a test can follow it as a client would. */
export function apiPath(href: string): string {
  const url = new URL(href);
  expect(url.origin).toBe(BASE);
  expect(url.pathname.startsWith("/api/v1/")).toBe(true);
  return url.pathname.slice("/api/v1".length) + url.search;
}

/** Every authorization server, following rel="next" links from the first page. */
export async function listAllServers(query = ""): Promise<Record<string, any>[]> {
  const all: Record<string, any>[] = [];
  let path: string | undefined = `/authorizationServers${query}`;
  while (path) {
    const res = await admin(path);
    expect(res.status).toBe(200);
    all.push(...((await res.json()) as Record<string, any>[]));
    const next: string | undefined = links(res).next;
    path = next ? apiPath(next) : undefined;
  }
  return all;
}

export async function getServer(id: string): Promise<Record<string, any>> {
  const res = await admin(`/authorizationServers/${id}`);
  expect(res.status).toBe(200);
  return res.json();
}

export const createManualServer = (overrides: Record<string, unknown> = {}) =>
  createServer({ credentials: { signing: { rotationMode: "MANUAL" } }, ...overrides });

/** The server's signing keys from the admin API (Okta AuthorizationServerJsonWebKey). */
export async function adminKeys(id: string): Promise<Record<string, any>[]> {
  const res = await admin(`/authorizationServers/${id}/credentials/keys`);
  expect(res.status).toBe(200);
  return res.json();
}

export function rotateKeys(id: string, body: unknown = { use: "sig" }): Promise<Response> {
  return admin(`/authorizationServers/${id}/credentials/lifecycle/keyRotate`, { method: "POST", json: body });
}

/** The public JWKS of a custom authorization server. */
export async function jwks(id: string): Promise<{ keys: Record<string, any>[] }> {
  const res = await call(`/oauth2/${id}/v1/keys`);
  expect(res.status).toBe(200);
  return res.json();
}

export const kidsOf = (keys: { kid?: string }[]) => keys.map((k) => k.kid!).sort();

export const keyStoreOf = (id: string) => keyStore(env, id);

/**
 * A request to the Worker with extra configuration (ORG_URL, CUSTOM_DOMAIN_URL) over the real bindings,
 * through Hono's app.request as the Worker's fetch would run it.
 */
export function requestWith(overrides: Partial<Env>, url: string, init: RequestInit = {}): Promise<Response> {
  return Promise.resolve(app.request(url, init, { ...env, ...overrides } as Env));
}

export const uniqueName = (prefix: string) => `${prefix}-${crypto.randomUUID()}`;
