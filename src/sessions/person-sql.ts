/**
 * What a code redemption or a refresh re-checks without D1 (issue 17), kept inside the SessionStore: the snapshot of
 * the person taken where the grant began (their profile and groups for the claims, and that they were ACTIVE and
 * assigned to the client then), per family. The snapshot is kept true by the admin paths, not by the hot path:
 * ending a person's access revokes their families here at once; a change to their profile, groups, roles or
 * assignments marks the snapshot stale (fan-out.ts), and a stale snapshot makes the next refresh read the person
 * from D1 once and store what it read.
 */
import { z } from "zod";
import { parseStored } from "../store/stored-json";

export const PERSON_TABLES = [
  `CREATE TABLE IF NOT EXISTS family_people (family_id TEXT PRIMARY KEY, user_id TEXT NOT NULL, client_id TEXT NOT NULL, person_json TEXT NOT NULL,
     stale INTEGER NOT NULL DEFAULT 0)`,
];

/** The person as tokens describe them (oauth/minting/user-tokens.ts TokenUser), as stored. */
export const PersonSchema = z.object({
  id: z.string(),
  login: z.string(),
  profile: z.record(z.string(), z.unknown()),
  lastUpdated: z.string(),
  emailStatus: z.enum(["VERIFIED", "UNVERIFIED"]).optional(),
  groups: z.array(z.object({ id: z.string(), name: z.string() })),
});
export type Person = z.infer<typeof PersonSchema>;

export const parsePerson = (text: string, where: string): Person => parseStored(PersonSchema, text, where);

export function savePerson(sql: SqlStorage, familyId: string, clientId: string, personJson: string): void {
  const userId = (JSON.parse(personJson) as { id: string }).id;
  sql.exec(
    `INSERT INTO family_people (family_id, user_id, client_id, person_json, stale) VALUES (?, ?, ?, ?, 0)
     ON CONFLICT (family_id) DO UPDATE SET person_json = excluded.person_json, stale = 0`,
    familyId, userId, clientId, personJson,
  );
}

export function personOf(sql: SqlStorage, familyId: string): { person_json: string; stale: number } | null {
  return (sql.exec<{ person_json: string; stale: number }>(`SELECT person_json, stale FROM family_people WHERE family_id = ?`, familyId).toArray()[0]) ?? null;
}

/** Marks the snapshots of a person's (or a client's) families stale: the next refresh of each reads D1 once. */
export function markStale(sql: SqlStorage, s: { by: "user"; userId: string } | { by: "client"; clientId: string }): number {
  return s.by === "user"
    ? sql.exec(`UPDATE family_people SET stale = 1 WHERE user_id = ?`, s.userId).rowsWritten
    : sql.exec(`UPDATE family_people SET stale = 1 WHERE client_id = ?`, s.clientId).rowsWritten;
}
