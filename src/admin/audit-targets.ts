/**
 * System Log targets an admin write names better than its path does (audit.ts takes them from c.get("auditTargets")).
 * Okta: a group membership event targets the user and the group (type UserGroup, displayName the group's name),
 * which is what Okta's event hook filter example selects on: event.target.?[type eq 'UserGroup' && displayName eq 'Sales'].
 */
import type { Target } from "../log/event";
import type { GroupRecord } from "../store/groups";
import type { UserRecord } from "../store/users";

export function membershipTargets(user: UserRecord, group: GroupRecord): Target[] {
  const fullName = [user.profile.firstName, user.profile.lastName].filter(Boolean).join(" ") || null;
  return [
    { id: user.id, type: "User", alternateId: String(user.profile.login), displayName: fullName, detailEntry: null },
    // Okta's own example shows the group's alternateId as "unknown".
    { id: group.id, type: "UserGroup", alternateId: "unknown", displayName: group.profile.name, detailEntry: null },
  ];
}
