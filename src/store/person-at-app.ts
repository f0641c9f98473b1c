/**
 * What the authorization endpoint reads about a person before it decides, in one D1 batch: one round trip instead
 * of four (issue 17, "authorize with a session: at most one round trip to far storage"). A batch is one
 * transaction, so the four answers also agree with each other.
 */
import { assignedStatement } from "./assignments";
import { grantedScopesStatement } from "./consents";
import { groupRowsToRefs, userGroupsStatement } from "./groups";
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

/** The person, or null when there is no such user. */
export async function personAtApp(db: D1Database, userId: string, app: { appId: string; clientId: string; serverId: string }): Promise<PersonAtApp | null> {
  const [user, groups, assigned, granted] = await db.batch([
    userStatement(db, userId),
    userGroupsStatement(db, userId),
    assignedStatement(db, app.appId, userId),
    grantedScopesStatement(db, userId, app.clientId, app.serverId),
  ]);
  const record = userOfRows(user?.results ?? []);
  if (!record) return null;
  return {
    user: record,
    groups: groupRowsToRefs(groups?.results ?? []),
    assigned: (assigned?.results[0] as { assigned: number } | undefined)?.assigned === 1,
    granted: ((granted?.results ?? []) as Array<{ scope: string }>).map((r) => r.scope),
  };
}
