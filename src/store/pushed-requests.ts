/** SQL for pushed authorization requests (RFC 9126): stored by digest, bound to server and client, taken once. */
import { z } from "zod";
import { parseStored } from "./stored-json";

const ParamsSchema = z.array(z.tuple([z.string(), z.string()]));

export async function savePushedRequest(
  db: D1Database,
  uriHash: string,
  r: { authServerId: string; clientId: string; params: Array<[string, string]>; expiresAt: number },
): Promise<void> {
  await db
    .prepare(`INSERT INTO pushed_requests (uri_hash, auth_server_id, client_id, params_json, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)`)
    .bind(uriHash, r.authServerId, r.clientId, JSON.stringify(r.params), r.expiresAt)
    .run();
}

/**
 * Takes a pushed request for this server and client: one DELETE ... RETURNING, so two uses of one request_uri
 * cannot both succeed (RFC 9126 4: one-time use). Another client's attempt leaves the row alone; an expired row
 * is taken and refused.
 */
export async function takePushedRequest(db: D1Database, uriHash: string, authServerId: string, clientId: string, now: number): Promise<Array<[string, string]> | null> {
  const row = await db
    .prepare(`DELETE FROM pushed_requests WHERE uri_hash = ?1 AND auth_server_id = ?2 AND client_id = ?3 RETURNING params_json, expires_at`)
    .bind(uriHash, authServerId, clientId)
    .first<{ params_json: string; expires_at: number }>();
  if (!row || row.expires_at <= now) return null;
  return parseStored(ParamsSchema, row.params_json, `pushed_requests.params_json ${uriHash.slice(0, 8)}`);
}
