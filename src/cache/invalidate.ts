import { forgetClient } from "./clients";
import { forgetCorsOrigins } from "./cors-origins";
import { forgetKeys } from "./keys";
import { forgetOrgGrants } from "./org-grants";
import { forgetPasswordSettings } from "./password-settings";
import { forgetServer } from "./server-bundle";

/** What an admin write changed; each named entry is dropped from this isolate's caches. */
export interface Changed {
  /** A custom server's configuration, scopes, claims, policies or rules. */
  server?: string;
  /** A server's signing keys (rotation, or a server deleted). */
  keys?: string;
  /** A client's registration or secret, by client_id. */
  client?: string;
  /** An app's okta.* grants, by app id. */
  orgGrants?: string;
  trustedOrigins?: boolean;
  /** The password policy (lockout and complexity). */
  passwordPolicy?: boolean;
}

/**
 * The one invalidation API: every admin write calls it once with what it changed. This isolate sees the change
 * at once; other isolates within CACHE_STALENESS_SECONDS (README, Consistency).
 */
export function invalidate(changed: Changed): void {
  if (changed.server !== undefined) forgetServer(changed.server);
  if (changed.keys !== undefined) forgetKeys(changed.keys);
  if (changed.client !== undefined) forgetClient(changed.client);
  if (changed.orgGrants !== undefined) forgetOrgGrants(changed.orgGrants);
  if (changed.trustedOrigins) forgetCorsOrigins();
  if (changed.passwordPolicy) forgetPasswordSettings();
}
