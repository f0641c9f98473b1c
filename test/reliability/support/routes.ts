import { app } from "../../../src/app";

/** Which error dialect a route answers in (errors.ts): Okta's error object, OAuth's JSON, or a page for people. */
export type Dialect = "okta" | "oauth" | "page" | "console";

export interface Route {
  method: string;
  /** Hono's pattern, with :params (and :name{a|b} alternatives). */
  path: string;
  dialect: Dialect;
}

/** Page routes: the endpoints people's browsers visit (oauth/app.ts pageEndpoints); the console when it exists. */
const PAGE = /\/v1\/(authorize|logout)(\/|$)|^\/activate(\/|$)/;

/** The dialect a path's errors must come in, from where it is mounted (app.ts). */
export function dialectOf(path: string): Dialect {
  if (path.startsWith("/api/v1")) return "okta";
  // Dynamic registration (RFC 7591 3.2.2): metadata errors are OAuth JSON, the rest Okta's object (accepted anywhere).
  if (path.startsWith("/oauth2/v1/clients")) return "oauth";
  // The admin console (src/console) answers people with its own pages: a refused form is a 403 page.
  if (path === "/admin" || path.startsWith("/admin/")) return "console";
  if (PAGE.test(path)) return "page";
  return "oauth";
}

/**
 * Every concrete route of the Worker, read from the Hono app itself, so a route another branch adds (a grant's
 * endpoint, PAR, device authorization, the console) is fuzzed without editing this list. Middleware entries
 * (method ALL, or a `*` path) are not routes of their own.
 */
export function routes(): Route[] {
  const seen = new Map<string, Route>();
  for (const r of app.routes) {
    if (r.method === "ALL" || r.path.includes("*")) continue;
    const key = `${r.method} ${r.path}`;
    if (!seen.has(key)) seen.set(key, { method: r.method, path: r.path, dialect: dialectOf(r.path) });
  }
  return [...seen.values()];
}

/** Whether the Worker has a route at this pattern (for race entries whose routes other branches are building). */
export function hasRoute(method: string, pattern: RegExp): boolean {
  return app.routes.some((r) => r.method === method && pattern.test(r.path));
}

/** The names of a pattern's parameters, with the alternatives Hono's `{a|b}` syntax allows, if any. */
export function paramsOf(path: string): { name: string; choices: string[] | null }[] {
  return [...path.matchAll(/:(\w+)(\{([^}]*)\})?/g)].map((m) => ({ name: m[1]!, choices: m[3] ? m[3].split("|") : null }));
}

/** The pattern with its parameters replaced (values are inserted as they are: the fuzzer encodes or not on purpose). */
export function fill(path: string, values: Record<string, string>): string {
  return path.replace(/:(\w+)(\{[^}]*\})?/g, (_, name: string) => values[name] ?? "x");
}
