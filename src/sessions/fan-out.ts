/**
 * "All tokens of a person / of a client" (issue 17): the D1 index (store/token-holders.ts) names the SessionStore
 * objects, and listings and revocations fan out to them. A revocation is immediate for every object the index names
 * when it runs (each object stops refreshing as it answers; the access tokens the families issued then go on D1's
 * revocation list, which introspection reads). This is the admin and /revoke path's cost, never a refresh's.
 */
import type { Env } from "../env";
import type { UserGrant } from "../store/user-grant";
import { revokeTokens } from "../store/revocations";
import { endUserAccess } from "../store/token-revocation";
import { deleteClientHolders, holderClients, holdersOf, pageOfHolders, type Holder as IndexRow, type HolderSelector } from "../store/token-holders";
import { accessIn, familiesIn, forgetClientIn, holderById, markStaleIn, revokeIn, type FamilySelector, type Holder, type RevokedAccess } from "./client";

export type { HolderSelector };

/** A live family as the admin API lists it (Okta's OAuth2RefreshToken; its id is the family id). */
export interface IssuedRefreshToken {
  /** The index row's rowid: the paging cursor. */
  seq: number;
  familyId: string;
  authServerId: string;
  clientId: string;
  userId: string;
  grant: UserGrant;
  familyCreated: number;
  /** When its current token was issued (the last rotation). */
  created: number;
  /** The earlier of its absolute expiry and its idle window. */
  expiresAt: number;
}

/** The object an index row names; a row whose id no longer parses names nothing. */
function objectOf(env: Env, row: IndexRow): Holder | null {
  return holderById(env, row.doId);
}

/** The families of one object that the row names: the row's person, client and server. */
const rowSelector = (row: IndexRow): FamilySelector => ({ by: "userClient", userId: row.userId, clientId: row.clientId });

async function each<T>(env: Env, rows: IndexRow[], f: (h: Holder, row: IndexRow) => Promise<T[]>): Promise<T[]> {
  const out = await Promise.all(rows.map((row) => {
    const h = objectOf(env, row);
    return h ? f(h, row) : Promise.resolve([] as T[]);
  }));
  return out.flat();
}

/** Revokes what the selector names in every object the index names, then lists their access tokens as revoked. */
export async function revokeWhere(env: Env, selector: HolderSelector, now: number): Promise<void> {
  const rows = await holdersOf(env.DB, selector, now);
  const revoked = await each<RevokedAccess>(env, rows, (h) => revokeIn(h, selector, now));
  await revokeTokens(env.DB, revoked);
}

/**
 * Revokes one family held by an object. Its access tokens go on D1's list first and the family stops in its object
 * second, so an outage between the two leaves less access, never more: the refresh token still works and a retry
 * finishes the job. One issued in between (a rotation racing this) is listed after.
 */
export async function revokeFamilyIn(env: Env, h: Holder, familyId: string, now: number): Promise<void> {
  const before = await accessIn(h, familyId, now);
  await revokeTokens(env.DB, before);
  const after = await revokeIn(h, { by: "family", familyId }, now);
  await revokeTokens(env.DB, after.filter((a) => !before.some((b) => b.jti === a.jti)));
}

function toIssued(row: IndexRow, t: Awaited<ReturnType<typeof familiesIn>>[number]): IssuedRefreshToken {
  return {
    seq: row.seq,
    familyId: t.familyId,
    authServerId: t.authServerId,
    clientId: t.clientId,
    userId: t.userId,
    grant: t.grant,
    familyCreated: t.familyCreated,
    created: t.created,
    expiresAt: t.expiresAt === null ? t.idleExpiresAt : Math.min(t.expiresAt, t.idleExpiresAt),
  };
}

/** One page of live families, in index order: one index row may hold several (or none any more). */
export async function listIssued(
  env: Env,
  selector: Extract<HolderSelector, { by: "userClient" | "serverClient" }>,
  now: number,
  page: { limit: number; afterSeq?: number },
): Promise<{ items: IssuedRefreshToken[]; more: boolean }> {
  const rows = await pageOfHolders(env.DB, selector, now, page);
  const items = await each(env, rows.items, async (h, row) => (await familiesIn(h, selector, now)).map((t) => toIssued(row, t)));
  return { items, more: rows.more };
}

/** The live family with this id among those the selector names, and the object holding it. */
export async function findIssued(
  env: Env,
  selector: Extract<HolderSelector, { by: "userClient" | "serverClient" }>,
  familyId: string,
  now: number,
): Promise<{ token: IssuedRefreshToken; holder: Holder } | null> {
  for (const row of await holdersOf(env.DB, selector, now)) {
    const h = objectOf(env, row);
    if (!h) continue;
    const found = (await familiesIn(h, { by: "family", familyId }, now)).filter((t) => t.clientId === row.clientId && t.userId === row.userId);
    const t = found.find((f) => (selector.by === "serverClient" ? f.authServerId === selector.authServerId : true));
    if (t) return { token: toIssued(row, t), holder: h };
  }
  return null;
}

/** Whether any object the selector names still holds a live family (the "clients with tokens" listings). */
export async function anyLive(env: Env, selector: HolderSelector, now: number): Promise<boolean> {
  const rows = await holdersOf(env.DB, selector, now);
  const lists = await each(env, rows, (h, row) => familiesIn(h, selector.by === "client" || selector.by === "serverClient" ? selector : rowSelector(row), now));
  return lists.length > 0;
}

/** Okta: deleting an app deletes its refresh tokens and codes in every object, then forgets its index rows. */
export async function forgetClientEverywhere(env: Env, clientId: string, now: number): Promise<void> {
  const rows = await holdersOf(env.DB, { by: "client", clientId }, 0);
  const revoked = await each<RevokedAccess>(env, rows, (h) => forgetClientIn(h, clientId, now));
  await revokeTokens(env.DB, revoked);
  await deleteClientHolders(env.DB, clientId);
}

/**
 * Okta: ending a person's access (suspension, deactivation, deletion, a password set by an admin, oauthTokens=true)
 * ends their SSO sessions and revokes their refresh tokens and the access tokens those issued. The D1 part first
 * (sessions), then every object the index names for them.
 */
export async function endPersonAccess(env: Env, userId: string, now: number): Promise<void> {
  await endUserAccess(env.DB, userId, now);
  await revokeWhere(env, { by: "user", userId }, now);
}

/** client_ids holding live refresh tokens of a server, or of a person (Okta's client listings): index, then objects. */
export async function clientsWithTokens(env: Env, owner: { authServerId: string } | { userId: string }, now: number): Promise<string[]> {
  const clientIds = await holderClients(env.DB, owner, now);
  const live = await Promise.all(
    clientIds.map((clientId) =>
      anyLive(env, "authServerId" in owner ? { by: "serverClient", authServerId: owner.authServerId, clientId } : { by: "userClient", userId: owner.userId, clientId }, now),
    ),
  );
  return clientIds.filter((_, i) => live[i]);
}

/**
 * An admin changed what the person snapshots in the SessionStore objects hold (issue 17, person-sql.ts): a person's
 * profile, group memberships or app assignments, or a client's group assignments. Their families are marked stale
 * in every object the index names, so the next refresh of each reads the person from D1 once. Immediate for every
 * family the index names when this runs; a refresh already past its object call when the change lands still
 * answers from the old snapshot (milliseconds).
 */
export async function markStale(env: Env, selector: { by: "user"; userId: string } | { by: "client"; clientId: string }): Promise<void> {
  const rows = await holdersOf(env.DB, selector, 0);
  const seen = new Set<string>();
  await Promise.all(
    rows.map((row) => {
      if (seen.has(row.doId)) return Promise.resolve();
      seen.add(row.doId);
      const h = objectOf(env, row);
      return h ? markStaleIn(h, selector) : Promise.resolve();
    }),
  );
}
