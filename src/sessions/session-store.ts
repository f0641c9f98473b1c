import { DurableObject } from "cloudflare:workers";
import { epochSeconds, nowMs } from "../clock";
import type { Env } from "../env";
import { sweep, SWEEP_EVERY_MS } from "./retention-sql";
import {
  accessOf,
  consumeCode,
  consumeRefresh,
  findLiveCode,
  findLiveRefresh,
  insertSuccessor,
  liveFamilies,
  revokeFamilies,
  rotatedFamily,
  saveCode,
  spentCode,
  TABLES,
  type CodeRow,
  type FamilyRow,
  type FamilySelector,
  type RefreshRow,
  type RevokedAccess,
  type SuccessorRow,
} from "./grant-sql";
import { markStale, PERSON_TABLES, savePerson } from "./person-sql";
import { redeem, refresh, undoRotation, type RedeemInput, type RedeemResult, type RefreshInput, type RefreshResult } from "./one-call";

export type SpendResult = { kind: "consumed"; code: CodeRow } | { kind: "replayed"; accessJti: string | null; revoked: RevokedAccess[] } | { kind: "invalid" };
export type RotateResult = { kind: "rotated" } | { kind: "reused"; familyId: string; revoked: RevokedAccess[] } | { kind: "invalid" };

/**
 * Person-facing token state near the person (issue 17): one object per grant that began at /authorize (created
 * with newUniqueId() where the code was issued, so it lives near the person) or per family of a grant without a
 * browser (password, device, token exchange). It is the single writer of its codes, refresh-token families and the
 * access tokens they issued: a code redemption and a rotation are each one call, atomic because the object is
 * single-threaded and each write is one transactionSync. Speaks RPC only and returns values, never throwing across
 * RPC; what it returns is parsed with zod by its one accessor (client.ts).
 */
export class SessionStore extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      for (const t of [...TABLES, ...PERSON_TABLES]) this.ctx.storage.sql.exec(t);
    });
  }

  private get sql(): SqlStorage {
    return this.ctx.storage.sql;
  }

  /** Whether this instance knows an alarm is set (retention below); checked once per instance, not per call. */
  private alarmKnown = false;

  /** Retention: an object holding state has an alarm that deletes its dead state (retention-sql.ts). */
  private keepSweeping(): void {
    if (this.alarmKnown) return;
    this.alarmKnown = true;
    void this.ctx.storage.getAlarm().then((at) => (at === null ? this.ctx.storage.setAlarm(nowMs() + SWEEP_EVERY_MS) : undefined));
  }

  override async alarm(): Promise<void> {
    const left = this.ctx.storage.transactionSync(() => sweep(this.sql, epochSeconds(nowMs())));
    // Nothing left: no alarm, and the object costs nothing until a token names it again (then it is empty).
    if (left) await this.ctx.storage.setAlarm(nowMs() + SWEEP_EVERY_MS);
    else this.alarmKnown = false;
  }

  saveCode(codeHash: string, row: CodeRow, personJson: string | null = null): void {
    this.keepSweeping();
    saveCode(this.sql, codeHash, row);
    if (personJson) this.sql.exec(`UPDATE authorization_codes SET person_json = ? WHERE code_hash = ?`, personJson, codeHash);
  }

  /** A code redemption in one call (one-call.ts). */
  redeem(codeHash: string, serverId: string, now: number, input: RedeemInput): RedeemResult {
    return this.ctx.storage.transactionSync(() => redeem(this.sql, codeHash, serverId, now, input));
  }

  /** A refresh rotation in one call (one-call.ts). */
  refresh(tokenHash: string, serverId: string, now: number, input: RefreshInput): RefreshResult {
    return this.ctx.storage.transactionSync(() => refresh(this.sql, tokenHash, serverId, now, input));
  }

  undoRotation(tokenHash: string, now: number, successorHash: string | null, accessJti: string | null): void {
    this.ctx.storage.transactionSync(() => undoRotation(this.sql, tokenHash, now, successorHash, accessJti));
  }

  /** An admin changed what the person snapshots hold (profile, groups, roles, assignments): re-read on next refresh. */
  markStale(selector: { by: "user"; userId: string } | { by: "client"; clientId: string }): number {
    return markStale(this.sql, selector);
  }

  findLiveCode(codeHash: string, serverId: string, now: number): CodeRow | null {
    return findLiveCode(this.sql, codeHash, serverId, now);
  }

  /**
   * Spends a code without issuing anything (a refused redemption). A code already spent is a replay: the family its
   * redemption produced is revoked here, and its access tokens returned for D1's revocation list (RFC 6749 10.5).
   */
  spendCode(codeHash: string, serverId: string, now: number, produces: { accessJti: string; familyId: string }): SpendResult {
    return this.ctx.storage.transactionSync((): SpendResult => {
      const code = consumeCode(this.sql, codeHash, serverId, now, produces);
      if (code) return { kind: "consumed", code };
      const used = spentCode(this.sql, codeHash, serverId);
      if (!used) return { kind: "invalid" };
      const revoked = used.family_id ? revokeFamilies(this.sql, { by: "family", familyId: used.family_id }, now) : [];
      return { kind: "replayed", accessJti: used.access_jti, revoked };
    });
  }

  /** Redeems the code and stores what it produced in one transaction; false when it was not live any more. */
  redeemCode(codeHash: string, serverId: string, now: number, produces: { accessJti: string; familyId: string }, successor: SuccessorRow | null): boolean {
    return this.ctx.storage.transactionSync(() => {
      if (!consumeCode(this.sql, codeHash, serverId, now, produces)) return false;
      if (successor) insertSuccessor(this.sql, successor);
      return true;
    });
  }

  findRefresh(tokenHash: string, serverId: string, now: number): RefreshRow | null {
    return findLiveRefresh(this.sql, tokenHash, serverId, now);
  }

  /** A token that is not live: if it was rotated, its reuse revokes the family (RFC 9700 4.14.2). */
  reuse(tokenHash: string, serverId: string, now: number): { familyId: string; revoked: RevokedAccess[] } | null {
    return this.ctx.storage.transactionSync(() => {
      const familyId = rotatedFamily(this.sql, tokenHash, serverId);
      return familyId ? { familyId, revoked: revokeFamilies(this.sql, { by: "family", familyId }, now) } : null;
    });
  }

  /**
   * Rotation (RFC 9700 4.14.2): the conditional consume and the successor's insert in one transaction. Lost to a
   * concurrent rotation it is a reuse, and revokes the family; lost to a revocation nothing is issued.
   */
  rotate(tokenHash: string, scope: { authServerId: string; clientId: string }, now: number, successor: SuccessorRow | null): RotateResult {
    return this.ctx.storage.transactionSync((): RotateResult => {
      if (consumeRefresh(this.sql, tokenHash, scope, now)) {
        if (successor) insertSuccessor(this.sql, successor);
        return { kind: "rotated" };
      }
      const familyId = rotatedFamily(this.sql, tokenHash, scope.authServerId);
      return familyId ? { kind: "reused", familyId, revoked: revokeFamilies(this.sql, { by: "family", familyId }, now) } : { kind: "invalid" };
    });
  }

  /** A refresh token issued where nothing is consumed (password, device, token exchange). */
  saveSuccessor(successor: SuccessorRow, personJson: string | null = null): void {
    this.keepSweeping();
    this.ctx.storage.transactionSync(() => {
      insertSuccessor(this.sql, successor);
      if (personJson) savePerson(this.sql, successor.token.family_id, successor.token.client_id, personJson);
    });
  }

  /** Revokes the selected families here; returns the access tokens they issued, for D1's revocation list. */
  revoke(selector: FamilySelector, now: number): RevokedAccess[] {
    return this.ctx.storage.transactionSync(() => revokeFamilies(this.sql, selector, now));
  }

  accessOf(familyId: string, now: number): RevokedAccess[] {
    return accessOf(this.sql, familyId, now);
  }

  families(selector: FamilySelector, now: number): FamilyRow[] {
    return liveFamilies(this.sql, selector, now);
  }

  /** Okta: deleting an app deletes its refresh tokens and unredeemed codes; their access tokens are returned. */
  forgetClient(clientId: string, now: number): RevokedAccess[] {
    return this.ctx.storage.transactionSync(() => {
      const revoked = revokeFamilies(this.sql, { by: "client", clientId }, now);
      this.sql.exec(`DELETE FROM refresh_tokens WHERE client_id = ?`, clientId);
      this.sql.exec(`DELETE FROM authorization_codes WHERE client_id = ? AND consumed_at IS NULL`, clientId);
      return revoked;
    });
  }
}
