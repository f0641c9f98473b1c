/**
 * Naming a SessionStore in the D1 index (store/token-holders.ts) before it holds anything that can outlive a code:
 * written where the object is created (at /authorize, in place of the code's own D1 row before issue 17; in a
 * token request of a grant without a browser), so that a revocation of "all tokens of a person / of a client" that
 * answers after the response finds the object at once. Never written by a refresh or a code redemption.
 */
import type { Env } from "../env";
import { succeeded } from "../store/lockout";
import { deleteHolderRow, insertHolder, insertHolderStatement, type HolderCondition } from "../store/token-holders";
import type { UserGrant } from "../store/user-grant";
import type { Holder } from "./client";

/** Whether a grant can yield a refresh token (Okta: offline_access, and a client allowed the refresh_token grant). */
export const mayRefresh = (grant: UserGrant, clientGrantTypes: readonly string[]): boolean =>
  grant.scopes.includes("offline_access") && clientGrantTypes.includes("refresh_token");

/**
 * Indexes the object for this person, client and server until nothing it can hold for them is alive: `from` plus
 * the grant's absolute refresh lifetime (none: no limit), epoch seconds. With a condition (/authorize with a
 * session: the person still ACTIVE and the session still live on the primary), the row is written only if it
 * holds; false then.
 */
export async function registerHolder(
  env: Env,
  h: Holder,
  owner: { userId: string; clientId: string; authServerId: string },
  grant: UserGrant | null,
  now: number,
  from: number,
  when?: HolderCondition,
): Promise<boolean> {
  return insertHolder(env.DB, { doId: h.id, ...owner }, now, holderExpiry(grant === null ? 0 : grant.refreshTokenLifetimeSeconds, from), when);
}

/** `from` plus a refresh lifetime (null: unlimited, so no expiry; 0: nothing outlives `from`). */
const holderExpiry = (refreshLifetime: number | null, from: number): number | null => (refreshLifetime === null ? null : from + refreshLifetime);

/** An object a sign-in registered for its code (holderRowAtSignIn); `used` once the code is stored in it. */
export interface RegisteredHolder {
  holder: Holder;
  owner: { userId: string; clientId: string; authServerId: string };
  used: boolean;
}

/**
 * Deletes the row of an object a sign-in registered when the flow ended without a code in it (the consent page, a
 * refusal): after the response, under waitUntil where there is one. A failure is logged and leaves the row, which
 * names an empty object until it expires (harmless: see holderRowAtSignIn).
 */
export async function forgetUnusedHolder(env: Env, r: RegisteredHolder, ctx: ExecutionContext | undefined): Promise<void> {
  if (r.used) return;
  const work = deleteHolderRow(env.DB, { doId: r.holder.id, ...r.owner }).catch((err: unknown) =>
    console.error(JSON.stringify({ level: "error", message: "could not delete an unused token_holders row", doId: r.holder.id, error: String(err) })),
  );
  if (ctx) ctx.waitUntil(work);
  else await work;
}

/**
 * The index row of the object a sign-in's code will live in, written in the sign-in's own transaction and only if
 * it succeeds (issue 17: one far round trip per sign-in). The access policy has not chosen the grant yet, so the
 * row lives as long as the longest refresh lifetime a rule could give this client's code flow when the request can
 * begin a family (offline_access, and the client may refresh), else until the code expires. When the flow ends
 * without a code (the person is asked for consent, or refused), forgetUnusedHolder deletes the row after the
 * response; one it could not delete costs a revocation one call to an empty object until it expires.
 */
export function holderRowAtSignIn(
  env: Env,
  h: Holder,
  owner: { userId: string; clientId: string; authServerId: string },
  longestRefreshLifetime: number | null,
  now: number,
  from: number,
  attemptId: string,
): D1PreparedStatement {
  return insertHolderStatement(env.DB, { doId: h.id, ...owner }, now, holderExpiry(longestRefreshLifetime, from), { sql: succeeded(7), binds: [attemptId] });
}
