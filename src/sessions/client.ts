/**
 * The one accessor of the SessionStore Durable Objects (issue 17). Routing is by id without a lookup: a code or a
 * refresh token is the object's id (64 hex) followed by its secret (43 base62); only the SHA-256 of the whole
 * string is stored. The id part is validated strictly, so a malformed one is an unknown token (invalid_grant),
 * never a 5xx; an outage of the object itself is not caught here and becomes a 5xx in the caller's dialect.
 * Everything the object returns is parsed with zod here (convention 6: nothing trusted across RPC).
 */
import { z } from "zod";
import type { Env } from "../env";
import { randomBase62 } from "../ids";
import { at, parseStored, parseStoredValue } from "../store/stored-json";
import { UserGrantSchema, type UserGrant } from "../store/user-grant";
import { StoredDataError } from "../store/stored-json";
import type { FamilySelector, RevokedAccess, SuccessorRow } from "./grant-sql";
import type { NewRefresh, Refusal } from "./one-call";
import { parsePerson, type Person } from "./person-sql";
import type { SessionStore } from "./session-store";

export type { FamilySelector, RevokedAccess };

export interface Holder {
  /** The object's id as a string: what tokens and the D1 index carry. */
  id: string;
  stub: DurableObjectStub<SessionStore>;
}

const TOKEN = /^([0-9a-f]{64})([0-9A-Za-z]{43})$/;

/** A new object, created where this request runs (near the person). */
export function newHolder(env: Env): Holder {
  const id = env.SESSIONS.newUniqueId();
  return { id: id.toString(), stub: env.SESSIONS.get(id) };
}

export function holderById(env: Env, id: string): Holder | null {
  let parsed: DurableObjectId;
  try {
    parsed = env.SESSIONS.idFromString(id);
  } catch {
    // Local and synchronous: an id this namespace did not make. Not an outage, so an unknown token.
    return null;
  }
  return { id, stub: env.SESSIONS.get(parsed) };
}

/** The object a code or refresh token names, or null when the string is not one of ours. */
export function holderOf(env: Env, token: string): Holder | null {
  const m = TOKEN.exec(token);
  return m ? holderById(env, m[1]!) : null;
}

/** A new code or refresh token for this object: its id, then 43 base62 characters (256 bits). */
export const newSecretFor = (holder: Holder): string => holder.id + randomBase62(43);

export interface CodeRecord {
  authServerId: string;
  clientId: string;
  userId: string;
  redirectUri: string;
  grant: UserGrant;
  expiresAt: number;
}

export interface RefreshTokenRecord {
  id: string;
  familyId: string;
  authServerId: string;
  clientId: string;
  userId: string;
  grant: UserGrant;
  created: number;
  expiresAt: number | null;
  idleExpiresAt: number;
}

/** A refresh token to store and the access token issued with it. */
export interface Successor {
  tokenHash: string;
  token: RefreshTokenRecord;
  access: { jti: string; expiresAt: number };
}

const CodeRow = z.object({
  auth_server_id: z.string(),
  client_id: z.string(),
  user_id: z.string(),
  redirect_uri: z.string(),
  grant_json: z.string(),
  expires_at: z.number(),
});
const RefreshRow = z.object({
  id: z.string(),
  family_id: z.string(),
  auth_server_id: z.string(),
  client_id: z.string(),
  user_id: z.string(),
  grant_json: z.string(),
  created: z.number(),
  expires_at: z.number().nullable(),
  idle_expires_at: z.number(),
});
const FamilyRow = RefreshRow.extend({ family_created: z.number() });
const Revoked = z.array(z.object({ jti: z.string(), auth_server_id: z.string(), expires_at: z.number() }));
const SpendResult = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("consumed"), code: CodeRow }),
  z.object({ kind: z.literal("replayed"), accessJti: z.string().nullable(), revoked: Revoked }),
  z.object({ kind: z.literal("invalid") }),
]);
const RotateResult = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("rotated") }),
  z.object({ kind: z.literal("reused"), familyId: z.string(), revoked: Revoked }),
  z.object({ kind: z.literal("invalid") }),
]);
const Reuse = z.object({ familyId: z.string(), revoked: Revoked }).nullable();

/** What the object answered, checked: a shape we did not write is a fault (500), like a row that does not parse. */
function parsed<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  return parseStoredValue(schema, value ?? null, `SessionStore ${where}`);
}

const toCode = (r: z.infer<typeof CodeRow>): CodeRecord => ({
  authServerId: r.auth_server_id,
  clientId: r.client_id,
  userId: r.user_id,
  redirectUri: r.redirect_uri,
  grant: parseStored(UserGrantSchema, r.grant_json, "authorization_codes.grant_json"),
  expiresAt: r.expires_at,
});

const toRefresh = (r: z.infer<typeof RefreshRow>): RefreshTokenRecord => ({
  id: r.id,
  familyId: r.family_id,
  authServerId: r.auth_server_id,
  clientId: r.client_id,
  userId: r.user_id,
  grant: parseStored(UserGrantSchema, r.grant_json, at("refresh_tokens.grant_json", r.id)),
  created: r.created,
  expiresAt: r.expires_at,
  idleExpiresAt: r.idle_expires_at,
});

const toSuccessorRow = (s: Successor): SuccessorRow => ({
  tokenHash: s.tokenHash,
  access: s.access,
  token: {
    id: s.token.id,
    family_id: s.token.familyId,
    auth_server_id: s.token.authServerId,
    client_id: s.token.clientId,
    user_id: s.token.userId,
    grant_json: JSON.stringify(s.token.grant),
    created: s.token.created,
    expires_at: s.token.expiresAt,
    idle_expires_at: s.token.idleExpiresAt,
  },
});

export async function saveCode(h: Holder, codeHash: string, c: CodeRecord, person: Person | null = null): Promise<void> {
  await h.stub.saveCode(codeHash, {
    auth_server_id: c.authServerId,
    client_id: c.clientId,
    user_id: c.userId,
    redirect_uri: c.redirectUri,
    grant_json: JSON.stringify(c.grant),
    expires_at: c.expiresAt,
  }, person ? JSON.stringify(person) : null);
}

export async function findLiveCode(h: Holder, codeHash: string, serverId: string, now: number): Promise<CodeRecord | null> {
  const row = parsed(CodeRow.nullable(), await h.stub.findLiveCode(codeHash, serverId, now), "findLiveCode");
  return row ? toCode(row) : null;
}

export type SpendOutcome = { kind: "consumed"; code: CodeRecord } | { kind: "replayed"; accessJti: string | null; revoked: RevokedAccess[] } | { kind: "invalid" };

export async function spendCode(h: Holder, codeHash: string, serverId: string, now: number, produces: { accessJti: string; familyId: string }): Promise<SpendOutcome> {
  const r = parsed(SpendResult, await h.stub.spendCode(codeHash, serverId, now, produces), "spendCode");
  return r.kind === "consumed" ? { kind: "consumed", code: toCode(r.code) } : r;
}

export async function redeemCode(
  h: Holder,
  codeHash: string,
  serverId: string,
  now: number,
  produces: { accessJti: string; familyId: string },
  successor: Successor | null,
): Promise<boolean> {
  return parsed(z.boolean(), await h.stub.redeemCode(codeHash, serverId, now, produces, successor ? toSuccessorRow(successor) : null), "redeemCode");
}

export async function findRefresh(h: Holder, tokenHash: string, serverId: string, now: number): Promise<RefreshTokenRecord | null> {
  const row = parsed(RefreshRow.nullable(), await h.stub.findRefresh(tokenHash, serverId, now), "findRefresh");
  return row ? toRefresh(row) : null;
}

export async function reuse(h: Holder, tokenHash: string, serverId: string, now: number) {
  return parsed(Reuse, await h.stub.reuse(tokenHash, serverId, now), "reuse");
}

export async function rotate(h: Holder, tokenHash: string, scope: { authServerId: string; clientId: string }, now: number, successor: Successor | null) {
  return parsed(RotateResult, await h.stub.rotate(tokenHash, scope, now, successor ? toSuccessorRow(successor) : null), "rotate");
}

/** Stores a refresh token where nothing is consumed, with the person snapshot its refreshes will re-check. */
export async function saveSuccessor(h: Holder, s: Successor, person: Person | null = null): Promise<void> {
  await h.stub.saveSuccessor(toSuccessorRow(s), person ? JSON.stringify(person) : null);
}

export async function revokeIn(h: Holder, selector: FamilySelector, now: number): Promise<RevokedAccess[]> {
  return parsed(Revoked, await h.stub.revoke(selector, now), "revoke");
}

export async function accessIn(h: Holder, familyId: string, now: number): Promise<RevokedAccess[]> {
  return parsed(Revoked, await h.stub.accessOf(familyId, now), "accessOf");
}

export async function forgetClientIn(h: Holder, clientId: string, now: number): Promise<RevokedAccess[]> {
  return parsed(Revoked, await h.stub.forgetClient(clientId, now), "forgetClient");
}

/** A live family as the admin API shows it (Okta's OAuth2RefreshToken: the id is the family id). */
export interface IssuedRefreshToken extends RefreshTokenRecord {
  familyId: string;
  familyCreated: number;
}

export async function familiesIn(h: Holder, selector: FamilySelector, now: number): Promise<IssuedRefreshToken[]> {
  const rows = parsed(z.array(FamilyRow), await h.stub.families(selector, now), "families");
  return rows.map((r) => ({ ...toRefresh(r), familyCreated: r.family_created }));
}

const Corrupt = z.object({ kind: z.literal("corrupt"), where: z.string(), problem: z.string() });
const RedeemResult = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("redeemed"), code: CodeRow, person_json: z.string().nullable(), refreshIssued: z.boolean() }),
  z.object({ kind: z.literal("refused"), reason: z.enum(["client", "redirect", "pkce_missing", "pkce_failed", "verifier_unexpected"]) }),
  Corrupt,
  z.object({ kind: z.literal("replayed"), accessJti: z.string().nullable(), revoked: Revoked }),
  z.object({ kind: z.literal("invalid") }),
]);
const RefreshResult = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("rotated"), token: RefreshRow, person_json: z.string() }),
  z.object({ kind: z.literal("stale"), token: RefreshRow }),
  Corrupt,
  z.object({ kind: z.literal("reused"), familyId: z.string(), revoked: Revoked }),
  z.object({ kind: z.literal("invalid") }),
]);

export type { NewRefresh, Person, Refusal };

export type Redeemed =
  | { kind: "redeemed"; code: CodeRecord; person: Person | null; refreshIssued: boolean }
  | { kind: "refused"; reason: Refusal }
  | { kind: "replayed"; accessJti: string | null; revoked: RevokedAccess[] }
  | { kind: "invalid" };

/** A code redemption in one round trip (issue 17): consume, checks and the family's first token, atomically. */
export async function redeemOnce(
  h: Holder,
  codeHash: string,
  serverId: string,
  now: number,
  input: { clientId: string; redirectUri: string | null; verifierS256: string | null; accessJti: string; familyId: string; refresh: NewRefresh | null },
): Promise<Redeemed> {
  const r = parsed(RedeemResult, await h.stub.redeem(codeHash, serverId, now, input), "redeem");
  if (r.kind === "corrupt") throw new StoredDataError(r.where, r.problem);
  if (r.kind !== "redeemed") return r;
  return { kind: "redeemed", code: toCode(r.code), person: r.person_json === null ? null : parsePerson(r.person_json, "authorization_codes.person_json"), refreshIssued: r.refreshIssued };
}

export type Refreshed =
  | { kind: "rotated"; token: RefreshTokenRecord; person: Person }
  | { kind: "stale"; token: RefreshTokenRecord }
  | { kind: "reused"; familyId: string; revoked: RevokedAccess[] }
  | { kind: "invalid" };

/** A refresh rotation in one round trip (issue 17); "stale" consumed nothing and asks for the person from D1. */
export async function refreshOnce(
  h: Holder,
  tokenHash: string,
  serverId: string,
  now: number,
  input: { clientId: string; successor: (NewRefresh & { accessJti: string }) | null; fresh: Person | null },
): Promise<Refreshed> {
  const r = parsed(RefreshResult, await h.stub.refresh(tokenHash, serverId, now, { ...input, fresh: input.fresh ? JSON.stringify(input.fresh) : null }), "refresh");
  if (r.kind === "corrupt") throw new StoredDataError(r.where, r.problem);
  if (r.kind === "rotated") return { kind: "rotated", token: toRefresh(r.token), person: parsePerson(r.person_json, `family_people.person_json of ${r.token.family_id}`) };
  if (r.kind === "stale") return { kind: "stale", token: toRefresh(r.token) };
  return r;
}

export async function undoRotation(h: Holder, tokenHash: string, now: number, successorHash: string | null, accessJti: string | null): Promise<void> {
  await h.stub.undoRotation(tokenHash, now, successorHash, accessJti);
}

export async function markStaleIn(h: Holder, selector: { by: "user"; userId: string } | { by: "client"; clientId: string }): Promise<void> {
  await h.stub.markStale(selector);
}
