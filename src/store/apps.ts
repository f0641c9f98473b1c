/** SQL for OIDC applications (OAuth clients). Rows are mapped to domain types here and nowhere else. */
import { z } from "zod";
import { startsWith } from "./sql";
import { at, parseStored } from "./stored-json";

export type AppStatus = "ACTIVE" | "INACTIVE";
export type TokenEndpointAuthMethod = "client_secret_basic" | "client_secret_post" | "client_secret_jwt" | "private_key_jwt" | "none";

/** Okta's settings.oauthClient, as stored. */
export interface OAuthClientSettings {
  application_type: "web" | "native" | "browser" | "service";
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  response_types: string[];
  grant_types: string[];
  consent_method: "TRUSTED" | "REQUIRED";
  issuer_mode?: "ORG_URL" | "CUSTOM_URL" | "DYNAMIC";
  initiate_login_uri?: string;
  pkce_required?: boolean;
  /** RFC 9126 6. */
  require_pushed_authorization_requests?: boolean;
  /** Okta's DPoP setting (RFC 9449). */
  dpop_bound_access_tokens?: boolean;
}

export interface ClientJwks {
  keys: Array<Record<string, unknown>>;
}

export interface AppRecord {
  seq: number;
  id: string;
  clientId: string;
  label: string;
  status: AppStatus;
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  secretHash: string | null;
  secretSealed: string | null;
  settings: OAuthClientSettings;
  jwks: ClientJwks | null;
  /** Tokens issued at or before this epoch second are no longer valid (set on deactivation). */
  tokensNotBefore: number | null;
  created: string;
  lastUpdated: string;
}

interface Row {
  seq: number;
  id: string;
  client_id: string;
  label: string;
  status: AppStatus;
  token_endpoint_auth_method: TokenEndpointAuthMethod;
  secret_hash: string | null;
  secret_sealed: string | null;
  settings: string;
  jwks: string | null;
  tokens_not_before: number | null;
  created: string;
  last_updated: string;
}

// Loose: the stored object is Okta's settings.oauthClient, and fields Mintgate does not read are kept, not dropped.
const SettingsSchema: z.ZodType<OAuthClientSettings> = z.looseObject({
  application_type: z.enum(["web", "native", "browser", "service"]),
  redirect_uris: z.array(z.string()),
  post_logout_redirect_uris: z.array(z.string()),
  response_types: z.array(z.string()),
  grant_types: z.array(z.string()),
  consent_method: z.enum(["TRUSTED", "REQUIRED"]),
  issuer_mode: z.enum(["ORG_URL", "CUSTOM_URL", "DYNAMIC"]).optional(),
  initiate_login_uri: z.string().optional(),
  pkce_required: z.boolean().optional(),
  require_pushed_authorization_requests: z.boolean().optional(),
  dpop_bound_access_tokens: z.boolean().optional(),
});
const JwksSchema: z.ZodType<ClientJwks> = z.object({ keys: z.array(z.record(z.string(), z.unknown())) });

const COLUMNS =
  "seq, id, client_id, label, status, token_endpoint_auth_method, secret_hash, secret_sealed, settings, jwks, tokens_not_before, created, last_updated";

const toRecord = (r: Row): AppRecord => ({
  seq: r.seq,
  id: r.id,
  clientId: r.client_id,
  label: r.label,
  status: r.status,
  tokenEndpointAuthMethod: r.token_endpoint_auth_method,
  secretHash: r.secret_hash,
  secretSealed: r.secret_sealed,
  settings: parseStored(SettingsSchema, r.settings, at("apps.settings", r.id)),
  jwks: r.jwks === null ? null : parseStored(JwksSchema, r.jwks, at("apps.jwks", r.id)),
  tokensNotBefore: r.tokens_not_before,
  created: r.created,
  lastUpdated: r.last_updated,
});

export async function getApp(db: D1Database, id: string): Promise<AppRecord | null> {
  const row = await db.prepare(`SELECT ${COLUMNS} FROM apps WHERE id = ?1`).bind(id).first<Row>();
  return row ? toRecord(row) : null;
}

export async function getAppByClientId(db: D1Database, clientId: string): Promise<AppRecord | null> {
  const row = await db.prepare(`SELECT ${COLUMNS} FROM apps WHERE client_id = ?1`).bind(clientId).first<Row>();
  return row ? toRecord(row) : null;
}

export async function listApps(
  db: D1Database,
  opts: { q?: string; limit: number; afterSeq?: number },
): Promise<{ items: AppRecord[]; more: boolean }> {
  // Okta: q matches the start of the label (or name).
  const { results } = await db
    .prepare(
      `SELECT ${COLUMNS} FROM apps WHERE seq > ?1 AND (?2 IS NULL OR ${startsWith("label", "?2")}) ORDER BY seq LIMIT ?3`,
    )
    .bind(opts.afterSeq ?? 0, opts.q || null, opts.limit + 1)
    .all<Row>();
  return { items: results.slice(0, opts.limit).map(toRecord), more: results.length > opts.limit };
}

export type AppWrite = Omit<AppRecord, "seq" | "tokensNotBefore">;

export async function insertApp(db: D1Database, a: AppWrite): Promise<AppRecord> {
  const row = await db
    .prepare(
      `INSERT INTO apps (id, client_id, label, status, token_endpoint_auth_method, secret_hash, secret_sealed, settings, jwks, created, last_updated)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) RETURNING ${COLUMNS}`,
    )
    .bind(
      a.id, a.clientId, a.label, a.status, a.tokenEndpointAuthMethod, a.secretHash, a.secretSealed,
      JSON.stringify(a.settings), a.jwks ? JSON.stringify(a.jwks) : null, a.created, a.lastUpdated,
    )
    .first<Row>();
  return toRecord(row!);
}

/** Replaces the app's configuration; the client_id never changes. */
export async function replaceApp(db: D1Database, a: Omit<AppWrite, "clientId" | "status" | "created">): Promise<AppRecord | null> {
  const row = await db
    .prepare(
      `UPDATE apps SET label = ?2, token_endpoint_auth_method = ?3, secret_hash = ?4, secret_sealed = ?5, settings = ?6, jwks = ?7, last_updated = ?8
       WHERE id = ?1 RETURNING ${COLUMNS}`,
    )
    .bind(a.id, a.label, a.tokenEndpointAuthMethod, a.secretHash, a.secretSealed, JSON.stringify(a.settings), a.jwks ? JSON.stringify(a.jwks) : null, a.lastUpdated)
    .first<Row>();
  return row ? toRecord(row) : null;
}

/** Okta: deactivating an app revokes its tokens, so deactivation also moves tokens_not_before to now. */
export async function setAppStatus(db: D1Database, id: string, status: AppStatus, now: string): Promise<AppRecord | null> {
  const row = await db
    .prepare(
      `UPDATE apps SET status = ?2, last_updated = ?3,
         tokens_not_before = CASE WHEN ?2 = 'INACTIVE' THEN ?4 ELSE tokens_not_before END
       WHERE id = ?1 RETURNING ${COLUMNS}`,
    )
    .bind(id, status, now, Math.floor(Date.parse(now) / 1000))
    .first<Row>();
  return row ? toRecord(row) : null;
}

export async function setAppSecret(
  db: D1Database,
  id: string,
  secret: { hash: string; sealed: string | null },
  now: string,
): Promise<AppRecord | null> {
  const row = await db
    .prepare(`UPDATE apps SET secret_hash = ?2, secret_sealed = ?3, last_updated = ?4 WHERE id = ?1 RETURNING ${COLUMNS}`)
    .bind(id, secret.hash, secret.sealed, now)
    .first<Row>();
  return row ? toRecord(row) : null;
}

/** Deletes an INACTIVE app (Okta: an app must be deactivated before it is deleted). */
export async function deleteInactiveApp(db: D1Database, id: string): Promise<boolean> {
  const res = await db.prepare(`DELETE FROM apps WHERE id = ?1 AND status = 'INACTIVE'`).bind(id).run();
  return res.meta.changes > 0;
}
