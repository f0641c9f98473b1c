/**
 * The OAuth 2.0 scope every admin route requires when it is called with an org access token (Okta's
 * okta.<resource>.read for GET, okta.<resource>.manage for writes). One table; the README prints it and a test
 * fails when a route matches no row. The first matching row wins, so more specific paths come first.
 */
export const ROUTE_SCOPES: ReadonlyArray<{ path: string; read: string; manage: string }> = [
  { path: "/api/v1/authorizationServers", read: "okta.authorizationServers.read", manage: "okta.authorizationServers.manage" },
  { path: "/api/v1/apps/:appId/grants", read: "okta.apps.read", manage: "okta.apps.manage" },
  { path: "/api/v1/apps", read: "okta.apps.read", manage: "okta.apps.manage" },
  { path: "/api/v1/users/:userId/roles", read: "okta.roles.read", manage: "okta.roles.manage" },
  { path: "/api/v1/users", read: "okta.users.read", manage: "okta.users.manage" },
  { path: "/api/v1/groups", read: "okta.groups.read", manage: "okta.groups.manage" },
  { path: "/api/v1/trustedOrigins", read: "okta.trustedOrigins.read", manage: "okta.trustedOrigins.manage" },
  { path: "/oauth2/v1/clients", read: "okta.clients.read", manage: "okta.clients.manage" },
  { path: "/api/v1/policies", read: "okta.policies.read", manage: "okta.policies.manage" },
  // The System Log is read-only (Okta: okta.logs.read).
  { path: "/api/v1/logs", read: "okta.logs.read", manage: "okta.logs.read" },
  { path: "/api/v1/eventHooks", read: "okta.eventHooks.read", manage: "okta.eventHooks.manage" },
  { path: "/api/v1/inlineHooks", read: "okta.inlineHooks.read", manage: "okta.inlineHooks.manage" },
];

/** Every admin API scope the org authorization server can grant. */
export const ADMIN_SCOPES: readonly string[] = [...new Set(ROUTE_SCOPES.flatMap((r) => [r.read, r.manage])), "okta.logs.read"];

const MATCHERS = ROUTE_SCOPES.map((r) => ({
  ...r,
  regex: new RegExp(`^${r.path.replace(/:[A-Za-z]+/g, "[^/]+")}(?:/|$)`),
}));

/** The scope a request needs, or null when the path is not an admin route. */
export function requiredScope(method: string, path: string): string | null {
  const row = MATCHERS.find((m) => m.regex.test(path));
  if (!row) return null;
  return method === "GET" || method === "HEAD" ? row.read : row.manage;
}

/** Okta: a manage scope also allows reading the same resources. */
export function scopeSatisfies(granted: readonly string[], required: string): boolean {
  return granted.includes(required) || (required.endsWith(".read") && granted.includes(required.replace(/\.read$/, ".manage")));
}
