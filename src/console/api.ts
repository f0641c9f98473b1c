import type { Context } from "hono";
import { executionCtxOf } from "../execution-ctx";
import type { ConsoleEnv } from "./env";

/** Okta's error object as the admin API sends it. */
export interface OktaError {
  errorCode: string;
  errorSummary: string;
  errorCauses: Array<{ errorSummary: string }>;
}

export type ApiResult<T = any> = { ok: true; status: number; body: T; headers: Headers } | { ok: false; status: number; error: OktaError };

/** The admin API said the session's token is no good any more (expired, revoked, role removed): sign in again. */
export class SignInAgain extends Error {}

/**
 * One admin API call, in-process through the Worker's own fetch, with the signed-in admin's org access token: the
 * same validation, errors, invalidation and logs as any API client gets — the console implements no rule itself.
 */
export async function api<T = any>(c: Context<ConsoleEnv>, method: string, path: string, body?: unknown): Promise<ApiResult<T>> {
  const origin = new URL(c.req.url).origin;
  const headers: Record<string, string> = { Authorization: `Bearer ${c.get("session").accessToken}`, Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const req = new Request(`${origin}${path.startsWith("/oauth2/") ? path : `/api/v1${path}`}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const res = await c.get("worker")(req, c.env, executionCtxOf(c));
  const text = await res.text();
  const json = text ? JSON.parse(text) : null;
  if (res.status === 401) throw new SignInAgain();
  if (res.ok) return { ok: true, status: res.status, body: json as T, headers: res.headers };
  return { ok: false, status: res.status, error: json as OktaError };
}

/** Like api(), for reads that must succeed: an error here is the console's, not the admin's. */
export async function read<T = any>(c: Context<ConsoleEnv>, path: string): Promise<T> {
  const r = await api<T>(c, "GET", path);
  if (!r.ok) throw new ApiReadError(path, r.status, r.error);
  return r.body;
}

export class ApiReadError extends Error {
  constructor(readonly path: string, readonly status: number, readonly error: OktaError) {
    super(`${path}: ${status} ${error?.errorSummary}`);
  }
}

/** Okta's errorCauses name their field first (`settings.oauthClient.redirect_uris: ...`): the causes for these fields. */
export function causesFor(error: OktaError | undefined, ...fields: string[]): string[] {
  if (!error) return [];
  return (error.errorCauses ?? [])
    .map((c) => c.errorSummary)
    .filter((s) => fields.some((f) => s === f || s.startsWith(`${f}:`) || s.startsWith(`${f}.`)))
    .map((s) => s.slice(s.indexOf(":") + 1).trim());
}

/** The causes that name none of the form's fields, shown above the form with the summary. */
export function otherCauses(error: OktaError | undefined, fields: string[]): string[] {
  if (!error) return [];
  return (error.errorCauses ?? [])
    .map((c) => c.errorSummary)
    .filter((s) => !fields.some((f) => s === f || s.startsWith(`${f}:`) || s.startsWith(`${f}.`)));
}
