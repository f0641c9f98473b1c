/**
 * Naming a SessionStore in the D1 index (store/token-holders.ts) before it holds anything that can outlive a code:
 * written where the object is created (at /authorize, in place of the code's own D1 row before issue 17; in a
 * token request of a grant without a browser), so that a revocation of "all tokens of a person / of a client" that
 * answers after the response finds the object at once. Never written by a refresh or a code redemption.
 */
import type { Env } from "../env";
import { insertHolder } from "../store/token-holders";
import type { UserGrant } from "../store/user-grant";
import type { Holder } from "./client";

/** Whether a grant can yield a refresh token (Okta: offline_access, and a client allowed the refresh_token grant). */
export const mayRefresh = (grant: UserGrant, clientGrantTypes: readonly string[]): boolean =>
  grant.scopes.includes("offline_access") && clientGrantTypes.includes("refresh_token");

/**
 * Indexes the object for this person, client and server until nothing it can hold for them is alive: `from` plus
 * the grant's absolute refresh lifetime (none: no limit), epoch seconds.
 */
export async function registerHolder(
  env: Env,
  h: Holder,
  owner: { userId: string; clientId: string; authServerId: string },
  grant: UserGrant | null,
  now: number,
  from: number,
): Promise<void> {
  // null grant: nothing that outlives `from` (a code that begins no family).
  const expiresAt = grant === null ? from : grant.refreshTokenLifetimeSeconds === null ? null : from + grant.refreshTokenLifetimeSeconds;
  await insertHolder(env.DB, { doId: h.id, ...owner }, now, expiresAt);
}
