/** SQL for custom claims (Okta OAuth2Claim). Rows are mapped to domain types here and nowhere else. */

import { z } from "zod";
import type { ClaimRecord, ClaimStatus, ClaimType, ClaimValueType, GroupFilterType } from "../policy/claims/types";

export type { ClaimRecord, ClaimStatus, ClaimType, ClaimValueType, GroupFilterType };

/** What an admin write sets; id, system and the timestamps are not the caller's to choose. */
export type ClaimFields = Omit<ClaimRecord, "id" | "system">;

interface Row {
  id: string;
  name: string;
  status: ClaimStatus;
  claim_type: ClaimType;
  value_type: ClaimValueType;
  value: string;
  group_filter_type: GroupFilterType | null;
  always_include_in_token: number;
  conditions: string;
  system: number;
}

const COLUMNS = "id, name, status, claim_type, value_type, value, group_filter_type, always_include_in_token, conditions, system";

/**
 * conditions is Okta's JSON object, written by conditionsJson below. A row that does not read back as one is
 * corrupt: it is thrown rather than read as "no scope condition", which would put the claim in every token.
 */
const ConditionsSchema = z.object({ scopes: z.array(z.string()).default([]) });

function scopesOf(claimId: string, conditions: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(conditions);
  } catch (err) {
    throw new Error(`claim ${claimId}: conditions are not JSON`, { cause: err });
  }
  const result = ConditionsSchema.safeParse(parsed);
  if (!result.success) throw new Error(`claim ${claimId}: unreadable conditions: ${z.prettifyError(result.error)}`);
  return result.data.scopes;
}

const toClaim = (r: Row): ClaimRecord => ({
  id: r.id,
  name: r.name,
  status: r.status,
  claimType: r.claim_type,
  valueType: r.value_type,
  value: r.value,
  groupFilterType: r.group_filter_type,
  alwaysIncludeInToken: r.always_include_in_token === 1,
  scopes: scopesOf(r.id, r.conditions),
  system: r.system === 1,
});

const conditionsJson = (c: ClaimFields) => JSON.stringify({ scopes: c.scopes });

/** All claims of a server in creation order (Okta lists claims without paging). */
export async function listClaims(db: D1Database, authServerId: string): Promise<ClaimRecord[]> {
  const { results } = await db
    .prepare(`SELECT ${COLUMNS} FROM claims WHERE auth_server_id = ?1 ORDER BY created, rowid`)
    .bind(authServerId)
    .all<Row>();
  return results.map(toClaim);
}

/** The claims a token can carry: ACTIVE ones, in creation order. */
export async function listActiveClaims(db: D1Database, authServerId: string): Promise<ClaimRecord[]> {
  const { results } = await db
    .prepare(`SELECT ${COLUMNS} FROM claims WHERE auth_server_id = ?1 AND status = 'ACTIVE' ORDER BY created, rowid`)
    .bind(authServerId)
    .all<Row>();
  return results.map(toClaim);
}

/** One claim of one server, or null. */
export async function getClaim(db: D1Database, authServerId: string, id: string): Promise<ClaimRecord | null> {
  const row = await db.prepare(`SELECT ${COLUMNS} FROM claims WHERE auth_server_id = ?1 AND id = ?2`).bind(authServerId, id).first<Row>();
  return row ? toClaim(row) : null;
}

/** Inserts a custom claim; null when the server already has a claim of that type with that name. */
export async function insertClaim(
  db: D1Database,
  c: ClaimFields & { id: string; authServerId: string; created: string },
): Promise<ClaimRecord | null> {
  const row = await db
    .prepare(
      `INSERT INTO claims (id, auth_server_id, name, status, claim_type, value_type, value, group_filter_type,
         always_include_in_token, conditions, system, created, last_updated)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 0, ?11, ?11)
       ON CONFLICT (auth_server_id, claim_type, name) DO NOTHING RETURNING ${COLUMNS}`,
    )
    .bind(c.id, c.authServerId, c.name, c.status, c.claimType, c.valueType, c.value, c.groupFilterType, c.alwaysIncludeInToken ? 1 : 0, conditionsJson(c), c.created)
    .first<Row>();
  return row ? toClaim(row) : null;
}

/**
 * Replaces a claim's fields. Returns "duplicate" when another claim of the server already has the new
 * (claimType, name), null when the claim is gone.
 */
export async function replaceClaim(
  db: D1Database,
  authServerId: string,
  id: string,
  c: ClaimFields & { lastUpdated: string },
): Promise<ClaimRecord | "duplicate" | null> {
  const row = await db
    .prepare(
      `UPDATE OR IGNORE claims SET name = ?3, status = ?4, claim_type = ?5, value_type = ?6, value = ?7, group_filter_type = ?8,
         always_include_in_token = ?9, conditions = ?10, last_updated = ?11
       WHERE auth_server_id = ?1 AND id = ?2 RETURNING ${COLUMNS}`,
    )
    .bind(authServerId, id, c.name, c.status, c.claimType, c.valueType, c.value, c.groupFilterType, c.alwaysIncludeInToken ? 1 : 0, conditionsJson(c), c.lastUpdated)
    .first<Row>();
  if (row) return toClaim(row);
  // OR IGNORE skipped the row: either it no longer exists or the new (claimType, name) is taken.
  return (await getClaim(db, authServerId, id)) ? "duplicate" : null;
}

/** Deletes a claim; true when a row went. */
export async function deleteClaim(db: D1Database, authServerId: string, id: string): Promise<boolean> {
  const res = await db.prepare(`DELETE FROM claims WHERE auth_server_id = ?1 AND id = ?2`).bind(authServerId, id).run();
  return res.meta.changes > 0;
}
