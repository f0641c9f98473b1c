/** SQL for authorization servers. Rows are mapped to domain types here and nowhere else. */
import { z } from "zod";
import { systemScopeStatements } from "./scopes";
import { startsWith } from "./sql";
import { at, parseStored } from "./stored-json";

export type IssuerMode = "ORG_URL" | "CUSTOM_URL" | "DYNAMIC";
export type LifecycleStatus = "ACTIVE" | "INACTIVE";
export type RotationModeValue = "AUTO" | "MANUAL";
export type SigningAlgValue = "RS256" | "ES256" | "EdDSA";

export interface AuthorizationServerRecord {
  seq: number;
  id: string;
  name: string;
  description: string | null;
  audiences: string[];
  issuerMode: IssuerMode;
  status: LifecycleStatus;
  rotationMode: RotationModeValue;
  signingAlg: SigningAlgValue;
  created: string;
  lastUpdated: string;
}

interface Row {
  seq: number;
  id: string;
  name: string;
  description: string | null;
  audiences: string;
  issuer_mode: IssuerMode;
  status: LifecycleStatus;
  rotation_mode: RotationModeValue;
  signing_alg: SigningAlgValue;
  created: string;
  last_updated: string;
}

// Okta: audiences holds exactly one string.
const Audiences = z.array(z.string()).length(1);

const COLUMNS = "seq, id, name, description, audiences, issuer_mode, status, rotation_mode, signing_alg, created, last_updated";

const toRecord = (r: Row): AuthorizationServerRecord => ({
  seq: r.seq,
  id: r.id,
  name: r.name,
  description: r.description,
  audiences: parseStored(Audiences, r.audiences, at("authorization_servers.audiences", r.id)),
  issuerMode: r.issuer_mode,
  status: r.status,
  rotationMode: r.rotation_mode,
  signingAlg: r.signing_alg,
  created: r.created,
  lastUpdated: r.last_updated,
});

export async function getServer(db: D1Database, id: string): Promise<AuthorizationServerRecord | null> {
  const row = await db.prepare(`SELECT ${COLUMNS} FROM authorization_servers WHERE id = ?1`).bind(id).first<Row>();
  return row ? toRecord(row) : null;
}

/** One page in creation order; `afterSeq` is the cursor. Fetches one extra row to know whether a next page exists. */
export async function listServers(
  db: D1Database,
  opts: { q?: string; limit: number; afterSeq?: number },
): Promise<{ items: AuthorizationServerRecord[]; more: boolean }> {
  // Okta: q matches the name and the audiences.
  const { results } = await db
    .prepare(
      `SELECT ${COLUMNS} FROM authorization_servers
       WHERE seq > ?1
         AND (?2 IS NULL OR ${startsWith("name", "?2")}
              OR EXISTS (SELECT 1 FROM json_each(audiences) WHERE ${startsWith("value", "?2")}))
       ORDER BY seq LIMIT ?3`,
    )
    .bind(opts.afterSeq ?? 0, opts.q || null, opts.limit + 1)
    .all<Row>();
  return { items: results.slice(0, opts.limit).map(toRecord), more: results.length > opts.limit };
}

/** Inserts the server with its system scopes in one batch (all or nothing). */
export async function insertServer(db: D1Database, s: Omit<AuthorizationServerRecord, "seq">): Promise<AuthorizationServerRecord> {
  const [inserted] = await db.batch<Row>([
    db
      .prepare(
        `INSERT INTO authorization_servers (id, name, description, audiences, issuer_mode, status, rotation_mode, signing_alg, created, last_updated)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?10, ?8, ?9) RETURNING ${COLUMNS}`,
      )
      .bind(s.id, s.name, s.description, JSON.stringify(s.audiences), s.issuerMode, s.status, s.rotationMode, s.created, s.lastUpdated, s.signingAlg),
    ...systemScopeStatements(db, s.id, s.created),
  ]);
  return toRecord(inserted!.results[0]!);
}

export async function replaceServer(
  db: D1Database,
  id: string,
  s: Pick<AuthorizationServerRecord, "name" | "description" | "audiences" | "issuerMode" | "rotationMode" | "signingAlg" | "lastUpdated">,
): Promise<AuthorizationServerRecord | null> {
  const row = await db
    .prepare(
      `UPDATE authorization_servers SET name = ?2, description = ?3, audiences = ?4, issuer_mode = ?5, rotation_mode = ?6, last_updated = ?7,
         signing_alg = ?8
       WHERE id = ?1 RETURNING ${COLUMNS}`,
    )
    .bind(id, s.name, s.description, JSON.stringify(s.audiences), s.issuerMode, s.rotationMode, s.lastUpdated, s.signingAlg)
    .first<Row>();
  return row ? toRecord(row) : null;
}

export async function setServerStatus(db: D1Database, id: string, status: LifecycleStatus, now: string): Promise<boolean> {
  const res = await db
    .prepare(
      `UPDATE authorization_servers SET status = ?2, last_updated = CASE WHEN status = ?2 THEN last_updated ELSE ?3 END WHERE id = ?1`,
    )
    .bind(id, status, now)
    .run();
  return res.meta.changes > 0;
}

/** Deletes the server and everything scoped to it, in one batch (all or nothing). */
export async function deleteServer(db: D1Database, id: string): Promise<boolean> {
  const results = await db.batch([
    db.prepare(`DELETE FROM policy_rules WHERE auth_server_id = ?1`).bind(id),
    db.prepare(`DELETE FROM policies WHERE auth_server_id = ?1`).bind(id),
    db.prepare(`DELETE FROM scopes WHERE auth_server_id = ?1`).bind(id),
    db.prepare(`DELETE FROM claims WHERE auth_server_id = ?1`).bind(id),
    db.prepare(`DELETE FROM revoked_tokens WHERE auth_server_id = ?1`).bind(id),
    db.prepare(`DELETE FROM authorization_servers WHERE id = ?1`).bind(id),
  ]);
  return (results.at(-1)?.meta.changes ?? 0) > 0;
}

/** The server columns qualified by a table alias, and the row mapping, for queries that join servers (trusted-servers.ts). */
export const getServerColumnsSql = (alias: string) => COLUMNS.split(", ").map((c) => `${alias}.${c}`).join(", ");
export const toServerRecord = toRecord;
