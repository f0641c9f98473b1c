/**
 * SQL for device authorizations (RFC 8628). Only SHA-256 digests of device and user codes are stored. Every change
 * of state is one conditional UPDATE … RETURNING: approval and denial only from PENDING, redemption only from
 * APPROVED and only by the request that names itself in redeemed_by, so two concurrent polls cannot both get tokens.
 */
import { z } from "zod";
import { parseStored, StoredDataError } from "./stored-json";
import { UserGrantSchema, type UserGrant } from "./user-grant";
import { epochSeconds } from "../clock";

export type DeviceStatus = "PENDING" | "APPROVED" | "DENIED" | "REDEEMED";

export interface DeviceAuthorization {
  authServerId: string;
  clientId: string;
  scopes: string[];
  status: DeviceStatus;
  userId: string | null;
  grant: UserGrant | null;
  interval: number;
  expiresAt: number;
}

interface Row {
  auth_server_id: string;
  client_id: string;
  scopes: string;
  status: DeviceStatus;
  user_id: string | null;
  grant_json: string | null;
  poll_interval: number;
  expires_at: number;
}

const COLUMNS = "auth_server_id, client_id, scopes, status, user_id, grant_json, poll_interval, expires_at";
const Scopes = z.array(z.string());

const toRecord = (r: Row): DeviceAuthorization => ({
  authServerId: r.auth_server_id,
  clientId: r.client_id,
  scopes: parseStored(Scopes, r.scopes, "device_authorizations.scopes"),
  status: r.status,
  userId: r.user_id,
  grant: r.grant_json === null ? null : parseStored(UserGrantSchema, r.grant_json, "device_authorizations.grant_json"),
  interval: r.poll_interval,
  expiresAt: r.expires_at,
});

/** Stores a new request; false when the user code collides with an existing one (the caller draws another). */
export async function saveDeviceAuthorization(
  db: D1Database,
  d: { deviceCodeHash: string; userCodeHash: string; authServerId: string; clientId: string; scopes: string[]; interval: number; created: number; expiresAt: number },
): Promise<boolean> {
  const res = await db
    .prepare(
      `INSERT INTO device_authorizations (device_code_hash, user_code_hash, auth_server_id, client_id, scopes, status, poll_interval, created, expires_at)
       VALUES (?1, ?2, ?3, ?4, ?5, 'PENDING', ?6, ?7, ?8) ON CONFLICT DO NOTHING`,
    )
    .bind(d.deviceCodeHash, d.userCodeHash, d.authServerId, d.clientId, JSON.stringify(d.scopes), d.interval, d.created, d.expiresAt)
    .run();
  return res.meta.changes > 0;
}

/** How many device requests the client started since `since` (epoch seconds). */
export async function countRecentDeviceAuthorizations(db: D1Database, clientId: string, since: number): Promise<number> {
  const row = await db
    .prepare(`SELECT count(*) AS n FROM device_authorizations WHERE client_id = ?1 AND created > ?2`)
    .bind(clientId, since)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/** The live, still pending request a user code names, or null. */
export async function findPendingByUserCode(db: D1Database, userCodeHash: string, now: number): Promise<DeviceAuthorization | null> {
  const row = await db
    .prepare(`SELECT ${COLUMNS} FROM device_authorizations WHERE user_code_hash = ?1 AND status = 'PENDING' AND expires_at > ?2`)
    .bind(userCodeHash, now)
    .first<Row>();
  return row ? toRecord(row) : null;
}

/** PENDING -> APPROVED with what the person authorized; false when it is no longer pending or has expired. */
export async function approveDevice(db: D1Database, userCodeHash: string, userId: string, grant: UserGrant, now: number): Promise<boolean> {
  const res = await db
    .prepare(
      `UPDATE device_authorizations SET status = 'APPROVED', user_id = ?2, grant_json = ?3
       WHERE user_code_hash = ?1 AND status = 'PENDING' AND expires_at > ?4`,
    )
    .bind(userCodeHash, userId, JSON.stringify(grant), now)
    .run();
  return res.meta.changes > 0;
}

/** PENDING -> DENIED (the person said no, or may not use the client); false when it was no longer pending. */
export async function denyDevice(db: D1Database, userCodeHash: string, now: number): Promise<boolean> {
  const res = await db
    .prepare(`UPDATE device_authorizations SET status = 'DENIED' WHERE user_code_hash = ?1 AND status = 'PENDING' AND expires_at > ?2`)
    .bind(userCodeHash, now)
    .run();
  return res.meta.changes > 0;
}

export type PollResult =
  | { kind: "unknown" }
  | { kind: "expired" }
  | { kind: "pending"; slowDown: boolean }
  | { kind: "denied" }
  | { kind: "redeemed" }
  | { kind: "approved"; userId: string; grant: UserGrant };

/**
 * One poll of the token endpoint (RFC 8628 3.4), in one statement: a pending request polled sooner than its interval
 * gets slow_down and an interval 5 s longer (3.5); an approved, live one becomes REDEEMED by this request (`pollId`)
 * and only the request whose id comes back redeemed it. SQLite evaluates every SET expression on the old row.
 */
export async function pollDevice(db: D1Database, deviceCodeHash: string, authServerId: string, clientId: string, nowMs: number, pollId: string): Promise<PollResult> {
  const now = epochSeconds(nowMs);
  const row = await db
    .prepare(
      `UPDATE device_authorizations SET
         slowed = CASE WHEN status = 'PENDING' AND last_polled_ms IS NOT NULL AND ?4 - last_polled_ms < poll_interval * 1000 THEN 1 ELSE 0 END,
         poll_interval = CASE WHEN status = 'PENDING' AND last_polled_ms IS NOT NULL AND ?4 - last_polled_ms < poll_interval * 1000
                              THEN poll_interval + 5 ELSE poll_interval END,
         redeemed_by = CASE WHEN status = 'APPROVED' AND expires_at > ?5 THEN ?6 ELSE redeemed_by END,
         status = CASE WHEN status = 'APPROVED' AND expires_at > ?5 THEN 'REDEEMED' ELSE status END,
         last_polled_ms = ?4
       WHERE device_code_hash = ?1 AND auth_server_id = ?2 AND client_id = ?3
       RETURNING ${COLUMNS}, slowed, redeemed_by`,
    )
    .bind(deviceCodeHash, authServerId, clientId, nowMs, now, pollId)
    .first<Row & { slowed: number; redeemed_by: string | null }>();
  if (!row) return { kind: "unknown" };
  if (row.status === "REDEEMED") {
    if (row.redeemed_by !== pollId) return { kind: "redeemed" };
    const d = toRecord(row);
    // Parsed after the UPDATE: an approval whose grant does not parse is spent and answers 500, never a default grant.
    if (!d.grant || !d.userId) throw new StoredDataError("device_authorizations.grant_json", "an approved row without its grant");
    return { kind: "approved", userId: d.userId, grant: d.grant };
  }
  if (row.expires_at <= now) return { kind: "expired" };
  if (row.status === "DENIED") return { kind: "denied" };
  return { kind: "pending", slowDown: row.slowed === 1 };
}

/**
 * Counts one wrong user code from `address` in a fixed window and returns the count so far, in one statement, so
 * concurrent guesses cannot slip past the limit.
 */
export async function recordUserCodeMiss(db: D1Database, address: string, now: number, windowSeconds: number): Promise<number> {
  const row = await db
    .prepare(
      `INSERT INTO user_code_attempts (address, window_start, count) VALUES (?1, ?2, 1)
       ON CONFLICT (address) DO UPDATE SET
         count = CASE WHEN window_start <= ?2 - ?3 THEN 1 ELSE count + 1 END,
         window_start = CASE WHEN window_start <= ?2 - ?3 THEN ?2 ELSE window_start END
       RETURNING count`,
    )
    .bind(address, now, windowSeconds)
    .first<{ count: number }>();
  return row?.count ?? 1;
}

/** The wrong user codes from `address` in its current window. */
export async function userCodeMisses(db: D1Database, address: string, now: number, windowSeconds: number): Promise<number> {
  const row = await db
    .prepare(`SELECT count FROM user_code_attempts WHERE address = ?1 AND window_start > ?2 - ?3`)
    .bind(address, now, windowSeconds)
    .first<{ count: number }>();
  return row?.count ?? 0;
}
