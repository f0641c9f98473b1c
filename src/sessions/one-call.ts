/**
 * Code redemption and refresh rotation as ONE call each to the SessionStore (issue 17): everything they must check
 * that the object can check, it checks inside the same transaction as the consume, and it stores the successor
 * refresh token from its own rows, so the Worker needs no second round trip and no D1 read. The Worker passes what
 * only it knows (the client, the DPoP key to bind, the successor's secret digest and ids) and mints afterwards.
 */
import { UserGrantSchema, type UserGrant } from "../store/user-grant";
import { parseStored, StoredDataError } from "../store/stored-json";
import { consumeCode, consumeRefresh, findLiveRefresh, revokeFamilies, rotatedFamily, spentCode, type CodeRow, type RefreshRow, type RevokedAccess } from "./grant-sql";
import { personOf, savePerson } from "./person-sql";

/** The longest an access token lives (Okta: 1 day, a token hook included): how long its revocation entry must last. */
const LONGEST_ACCESS_SECONDS = 24 * 3600;

export interface NewRefresh {
  hash: string;
  id: string;
  /** RFC 9449 5: the DPoP key a public client's refresh token is bound to; null: none (a confidential client). */
  bindJkt: string | null;
}

export interface RedeemInput {
  clientId: string;
  redirectUri: string | null;
  /** BASE64URL(SHA256(verifier)) (RFC 7636 4.6); "" for a verifier of the wrong form; null when none was sent. */
  verifierS256: string | null;
  accessJti: string;
  familyId: string;
  /** The refresh token to store if the grant has offline_access; null when the client may not refresh. */
  refresh: NewRefresh | null;
}

export type Refusal = "client" | "redirect" | "pkce_missing" | "pkce_failed" | "verifier_unexpected";
export type Corrupt = { kind: "corrupt"; where: string; problem: string };
export type RedeemResult =
  | { kind: "redeemed"; code: CodeRow; person_json: string | null; refreshIssued: boolean }
  | { kind: "refused"; reason: Refusal }
  | Corrupt
  | { kind: "replayed"; accessJti: string | null; revoked: RevokedAccess[] }
  | { kind: "invalid" };

function grantOf(text: string, where: string): UserGrant | Corrupt {
  try {
    return parseStored(UserGrantSchema, text, where);
  } catch (err) {
    if (err instanceof StoredDataError) return { kind: "corrupt", where: err.where, problem: err.problem };
    throw err;
  }
}
const isCorrupt = (g: UserGrant | Corrupt): g is Corrupt => (g as Corrupt).kind === "corrupt";

/** The grant a successor carries: RFC 9449 5, a public client's refresh token is bound to its DPoP key. */
function bound(grant: UserGrant, jkt: string | null): string {
  const { jkt: _previous, ...rest } = grant;
  return JSON.stringify(jkt ? { ...rest, jkt } : rest);
}

function insertRefresh(
  sql: SqlStorage,
  r: NewRefresh,
  t: { family_id: string; auth_server_id: string; client_id: string; user_id: string; grant: UserGrant; expires_at: number | null },
  accessJti: string,
  now: number,
): void {
  sql.exec(
    `INSERT INTO refresh_tokens (token_hash, id, family_id, auth_server_id, client_id, user_id, grant_json, created, expires_at, idle_expires_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    r.hash, r.id, t.family_id, t.auth_server_id, t.client_id, t.user_id, bound(t.grant, r.bindJkt), now, t.expires_at, now + t.grant.refreshTokenWindowSeconds,
  );
  sql.exec(`INSERT INTO family_access_tokens (jti, family_id, auth_server_id, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`, accessJti, t.family_id, t.auth_server_id, now + LONGEST_ACCESS_SECONDS);
}

/** RFC 6749 4.1.3 and RFC 7636 4.6 in one transaction: consume, check, store the family it begins. */
export function redeem(sql: SqlStorage, codeHash: string, serverId: string, now: number, i: RedeemInput): RedeemResult {
  const code = consumeCode(sql, codeHash, serverId, now, { accessJti: i.accessJti, familyId: i.familyId }) as (CodeRow & { person_json?: string | null }) | null;
  if (!code) {
    const used = spentCode(sql, codeHash, serverId);
    if (!used) return { kind: "invalid" };
    // RFC 6749 10.5: a replay revokes what the first redemption produced.
    const revoked = used.family_id ? revokeFamilies(sql, { by: "family", familyId: used.family_id }, now) : [];
    return { kind: "replayed", accessJti: used.access_jti, revoked };
  }
  // A failed check spends the code as before (the consume above stands), so it cannot be tried again.
  const grant = grantOf(code.grant_json, "authorization_codes.grant_json");
  if (isCorrupt(grant)) return grant;
  if (code.client_id !== i.clientId) return { kind: "refused", reason: "client" };
  if (i.redirectUri !== code.redirect_uri) return { kind: "refused", reason: "redirect" };
  if (grant.codeChallenge) {
    if (i.verifierS256 === null) return { kind: "refused", reason: "pkce_missing" };
    if (i.verifierS256 !== grant.codeChallenge) return { kind: "refused", reason: "pkce_failed" };
  } else if (i.verifierS256 !== null) return { kind: "refused", reason: "verifier_unexpected" };
  const refreshIssued = i.refresh !== null && grant.scopes.includes("offline_access");
  if (refreshIssued) {
    const expires = grant.refreshTokenLifetimeSeconds === null ? null : now + grant.refreshTokenLifetimeSeconds;
    insertRefresh(sql, i.refresh!, { family_id: i.familyId, auth_server_id: serverId, client_id: code.client_id, user_id: code.user_id, grant, expires_at: expires }, i.accessJti, now);
    if (code.person_json) savePerson(sql, i.familyId, code.client_id, code.person_json);
  }
  const { person_json, ...row } = code;
  return { kind: "redeemed", code: row, person_json: person_json ?? null, refreshIssued };
}

export interface RefreshInput {
  clientId: string;
  /** The successor to store; null when the client may no longer refresh (then nothing is rotated). */
  successor: (NewRefresh & { accessJti: string }) | null;
  /** The person as D1 has them now, after a "stale" answer (the snapshot is replaced). */
  fresh: string | null;
}

export type RefreshResult =
  | { kind: "rotated"; token: RefreshRow; person_json: string }
  | { kind: "stale"; token: RefreshRow }
  | Corrupt
  | { kind: "reused"; familyId: string; revoked: RevokedAccess[] }
  | { kind: "invalid" };

/**
 * RFC 6749 6 with rotation (RFC 9700 4.14.2): the live token of this client and server is consumed and its successor
 * stored, in one transaction. A rotated token is a reuse and revokes its family. Another client's token, a grant
 * that does not parse and a stale person snapshot consume nothing.
 */
export function refresh(sql: SqlStorage, tokenHash: string, serverId: string, now: number, i: RefreshInput): RefreshResult {
  const token = findLiveRefresh(sql, tokenHash, serverId, now);
  if (!token) {
    const familyId = rotatedFamily(sql, tokenHash, serverId);
    return familyId ? { kind: "reused", familyId, revoked: revokeFamilies(sql, { by: "family", familyId }, now) } : { kind: "invalid" };
  }
  if (token.client_id !== i.clientId) return { kind: "invalid" };
  const grant = grantOf(token.grant_json, `refresh_tokens.grant_json of ${token.id}`);
  if (isCorrupt(grant)) return grant;
  if (i.fresh !== null) savePerson(sql, token.family_id, token.client_id, i.fresh);
  const person = personOf(sql, token.family_id);
  if (!person || person.stale) return { kind: "stale", token };
  if (!consumeRefresh(sql, tokenHash, { authServerId: serverId, clientId: i.clientId }, now)) return { kind: "invalid" };
  if (i.successor) insertRefresh(sql, i.successor, { ...token, grant }, i.successor.accessJti, now);
  return { kind: "rotated", token, person_json: person.person_json };
}

/**
 * Puts a rotation back: the Worker refused the refresh after the object rotated it (a check only the Worker can
 * make: the access policy, the DPoP proof, a narrower scope, the app's tokensNotBefore). The successor was never
 * handed out. Only the rotation of this very call is undone (rotated_at = its now).
 */
export function undoRotation(sql: SqlStorage, tokenHash: string, now: number, successorHash: string | null, accessJti: string | null): void {
  sql.exec(`UPDATE refresh_tokens SET rotated_at = NULL WHERE token_hash = ? AND rotated_at = ?`, tokenHash, now);
  if (successorHash) sql.exec(`DELETE FROM refresh_tokens WHERE token_hash = ?`, successorHash);
  if (accessJti) sql.exec(`DELETE FROM family_access_tokens WHERE jti = ?`, accessJti);
}
