/**
 * A hook's channel, as Okta's event and inline hooks share it: HTTP, version 1.0.0, a URI, custom headers and an
 * optional auth header (authScheme HEADER). What Mintgate adds: the URI may name a Service Binding
 * (`service://HOOK_NAME/path`, a binding whose name starts HOOK_ in wrangler.toml), so the hook is another Worker
 * reached with no public network hop.
 */
import type { Env } from "../env";
import { unseal } from "../seal";
import { config } from "../env";

export interface HookChannel {
  type: "HTTP";
  version: "1.0.0";
  config: {
    uri: string;
    headers: Array<{ key: string; value: string }>;
    method: "POST";
    authScheme: { type: "HEADER"; key: string } | null;
  };
}

/** Okta: 3 seconds for every hook call. */
export const HOOK_TIMEOUT_MS = 3000;
export const SERVICE_SCHEME = "service:";
export const HOOK_AUTH_PURPOSE = "hook-auth";

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/**
 * Why a channel URI is refused, or null. Okta: https only. Mintgate also takes http on a loopback host (a hook
 * server beside `wrangler dev`) and service://HOOK_* naming a Service Binding this Worker has.
 */
export function uriProblem(uri: string, env: Env): string | null {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return "The URI is not valid.";
  }
  if (uri.length > 1024 || /\s/.test(uri)) return "The URI must be at most 1024 characters, with no whitespace.";
  if (url.protocol === "https:") return null;
  if (url.protocol === "http:" && LOOPBACK.has(url.hostname)) return null;
  if (url.protocol === SERVICE_SCHEME) {
    // A non-special scheme keeps the host as written (WHATWG URL: opaque host), so the binding name keeps its case.
    const name = url.host;
    if (!/^HOOK_[A-Z0-9_]+$/.test(name)) return "A service URI names a binding whose name starts with HOOK_, like service://HOOK_TOKENS/path.";
    if (!serviceBinding(env, name)) return `This Worker has no Service Binding named ${name}.`;
    return null;
  }
  return "The URI must use https (http only on a loopback address for local development).";
}

function serviceBinding(env: Env, name: string): Fetcher | undefined {
  const binding = (env as unknown as Record<string, unknown>)[name];
  return binding && typeof (binding as Fetcher).fetch === "function" ? (binding as Fetcher) : undefined;
}

export interface HookCall {
  channel: HookChannel;
  /** The auth header's value, sealed at rest; null when the channel has none. */
  sealedAuth: string | null;
  hookId: string;
}

/** The channel's headers: custom ones, then the auth header (Okta's authScheme), then JSON. */
async function headers(env: Env, call: HookCall): Promise<Headers> {
  const h = new Headers();
  for (const { key, value } of call.channel.config.headers) h.set(key, value);
  if (call.channel.config.authScheme && call.sealedAuth) {
    const secret = config(env).KEY_ENCRYPTION_SECRET;
    h.set(call.channel.config.authScheme.key, await unseal(secret, HOOK_AUTH_PURPOSE, call.hookId, call.sealedAuth));
  }
  h.set("Accept", "application/json");
  return h;
}

/**
 * One request to the hook, with Okta's 3-second timeout; redirects are not followed (Okta). Throws what fetch
 * throws (a timeout is a TimeoutError); the caller decides what a failure means.
 */
export async function sendToHook(env: Env, call: HookCall, init: { method: "GET" | "POST"; body?: unknown; extraHeaders?: Record<string, string> }): Promise<Response> {
  const h = await headers(env, call);
  for (const [k, v] of Object.entries(init.extraHeaders ?? {})) h.set(k, v);
  if (init.body !== undefined) h.set("Content-Type", "application/json");
  const request = {
    method: init.method,
    headers: h,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    redirect: "manual" as const,
    signal: AbortSignal.timeout(HOOK_TIMEOUT_MS),
  };
  const url = new URL(call.channel.config.uri);
  if (url.protocol === SERVICE_SCHEME) {
    const binding = serviceBinding(env, url.host);
    if (!binding) throw new Error(`no Service Binding ${url.host}`);
    // The bound Worker sees an ordinary https request; the host part is only a name.
    return binding.fetch(`https://${url.host}${url.pathname}${url.search}`, request);
  }
  return fetch(url, request);
}
