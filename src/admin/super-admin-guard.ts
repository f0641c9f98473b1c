import type { Context } from "hono";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { hasRole } from "../store/admin-access";
import { SUPER_ADMIN } from "./auth";

const ROLES_MANAGE = "okta.roles.manage";

/**
 * Okta: only a super admin may reset a super admin's password, edit their profile, or deactivate or delete them
 * (help.okta.com "Standard administrator roles and permissions": the ° footnote covers suspend, activate and clear
 * sessions only). A service app's okta.users.manage is not enough: it needs okta.roles.manage too (security
 * finding 2: okta.users.manage set a SUPER_ADMIN's password and signed in as them). An API token acts as its super
 * admin creator, and a person's token reaches here only with SUPER_ADMIN (auth.ts).
 */
export async function requireMayChangeAdmin(c: Context<AppEnv>, userId: string): Promise<void> {
  const caller = c.get("adminCaller");
  if (!caller || caller.kind !== "service" || caller.scopes.includes(ROLES_MANAGE)) return;
  if (await hasRole(c.env.DB, userId, SUPER_ADMIN)) {
    throw new ApiError("E0000006", undefined, [`Changing a super administrator's credentials, profile or status requires the ${ROLES_MANAGE} scope.`]);
  }
}
