/**
 * What the authorization endpoint reads about a person before it decides, in one D1 batch: one round trip instead
 * of five with the session (issue 17, "authorize with a session: at most one round trip to far storage"). A batch
 * is one transaction, so the answers also agree with each other.
 */
import { assignedStatement } from "./assignments";
import { grantedScopesStatement } from "./consents";
import { groupRowsToRefs, userGroupsStatement } from "./groups";
import { liveSessionStatement, sessionOfRows, type SessionRecord } from "./sessions";
import type { UserKey } from "./user-key";
import { userOfRows, userStatement, type UserRecord } from "./users";

export interface PersonAtApp {
  user: UserRecord;
  /** Everyone first, then in creation order (store/groups.ts). */
  groups: Array<{ id: string; name: string }>;
  /** Directly or through a group (isAssignedToApp). */
  assigned: boolean;
  /** The scopes they consented to for this client and server (Okta's user grants). */
  granted: string[];
}

export type App = { appId: string; clientId: string; serverId: string };

/** The statements personOfResults reads, for a batch that also writes (the sign-in's success). */
export const personStatements = (db: D1Database, key: UserKey, app: App): D1PreparedStatement[] => [
  userStatement(db, key),
  userGroupsStatement(db, key),
  assignedStatement(db, app.appId, key),
  grantedScopesStatement(db, key, app.clientId, app.serverId),
];

export function personOfResults([user, groups, assigned, granted]: D1Result[]): PersonAtApp | null {
  const record = userOfRows(user?.results ?? []);
  if (!record) return null;
  return {
    user: record,
    groups: groupRowsToRefs(groups?.results ?? []),
    assigned: (assigned?.results[0] as { assigned: number } | undefined)?.assigned === 1,
    granted: ((granted?.results ?? []) as Array<{ scope: string }>).map((r) => r.scope),
  };
}

/** The person, or null when there is no such user. */
export async function personAtApp(db: D1Database, userId: string, app: App): Promise<PersonAtApp | null> {
  return personOfResults(await db.batch(personStatements(db, userId, app)));
}

/**
 * The live SSO session a cookie names and its person, in the same single batch: the person's statements find the
 * user through the session inside the query (store/user-key.ts). Both null when the session is not live.
 */
export async function sessionPersonAtApp(db: D1Database, sessionHash: string, nowSeconds: number, app: App): Promise<{ session: SessionRecord | null; person: PersonAtApp | null }> {
  const [session, ...person] = await db.batch([liveSessionStatement(db, sessionHash, nowSeconds), ...personStatements(db, { sessionHash, nowSeconds }, app)]);
  const live = sessionOfRows(session?.results ?? []);
  return { session: live, person: live ? personOfResults(person) : null };
}
