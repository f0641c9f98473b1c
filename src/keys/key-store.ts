import { DurableObject } from "cloudflare:workers";
import { isoTime, nowMs } from "../clock";
import { config, type Env } from "../env";
import { StoredDataError, at, parseStored } from "../store/stored-json";
import { resealUnderCurrent } from "./reseal";
import { logJobEvents } from "../log/emit";
import { rolloverEvent } from "../log/key-events";
import { generateSigningKey, PublicJwkSchema, type PublicJwk, type SigningAlg } from "./crypto";
import {
  addNextKey,
  dropNextKey,
  isRotationDue,
  keyWith,
  needsNextKey,
  nextAlarmAt,
  promote,
  retireExpired,
  withMode,
  type KeyStatus,
  type RotationMode,
  type RotationState,
  type Schedule,
} from "./rotation";

export interface SigningSummary {
  alg: SigningAlg;
  kid: string;
  lastRotated: string;
  nextRotation: string | null;
  rotationMode: RotationMode;
  use: "sig";
}

export interface KeyView {
  jwk: PublicJwk;
  status: KeyStatus;
  created: string;
}

/** What an isolate caches: the published keys and the sealed ACTIVE key it signs with, under a version. */
export interface KeySnapshot {
  version: number;
  keys: KeyView[];
  active: { kid: string; alg: PublicJwk["alg"]; sealed: string };
}

interface StoredKey {
  publicJwk: PublicJwk;
  sealed: string;
}

/**
 * One per authorization server: the single writer of that server's signing keys and rotation state.
 * Speaks RPC only and returns values rather than throwing across RPC. Every mutation runs inside
 * blockConcurrencyWhile, because key generation awaits WebCrypto, which does not hold the input gate.
 * The one exception to returning values is storage that does not parse: that is a fault, not an outcome, so every
 * method throws it (the caller's handler answers 500 with a logged errorId) and nothing is written over it.
 */
export class KeyStore extends DurableObject<Env> {
  private state: RotationState | null = null;
  private material = new Map<string, StoredKey>();
  private version = 0;
  private serverId: string | null = null;
  /** The algorithm new keys are generated for. */
  private alg: SigningAlg = "RS256";
  /** Set when the stored keys did not parse: then no key is generated over them and every call fails. */
  private broken: StoredDataError | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      this.createTables();
      try {
        this.load();
      } catch (err) {
        if (!(err instanceof StoredDataError)) throw err;
        this.broken = err;
      }
      if (!this.broken) await this.resealAfterSecretRotation();
    });
  }

  /** KEY_ENCRYPTION_SECRET was rotated: private keys sealed under the previous secret are sealed again (reseal.ts). */
  private async resealAfterSecretRotation(): Promise<void> {
    const cfg = config(this.env);
    if (!cfg.KEY_ENCRYPTION_SECRET_PREVIOUS || !this.serverId) return;
    const purpose = `signing-key:${this.serverId}`;
    const items = [...this.material].map(([kid, m]) => ({ aad: kid, sealed: m.sealed }));
    const changed = await resealUnderCurrent(cfg.KEY_ENCRYPTION_SECRET, cfg.KEY_ENCRYPTION_SECRET_PREVIOUS, purpose, items);
    if (!changed.length) return;
    const version = this.version + 1;
    this.ctx.storage.transactionSync(() => {
      for (const c of changed) this.ctx.storage.sql.exec(`UPDATE keys SET sealed = ? WHERE kid = ?`, c.sealed, c.aad);
      this.ctx.storage.sql.exec(`INSERT OR REPLACE INTO meta (k, v) VALUES ('version', ?)`, String(version));
    });
    for (const c of changed) this.material.get(c.aad)!.sealed = c.sealed;
    // A new version: isolates fetch the re-sealed snapshot (the old one still opens while the previous secret is set).
    this.version = version;
  }

  private createTables(): void {
    this.ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL)`);
    this.ctx.storage.sql.exec(
      `CREATE TABLE IF NOT EXISTS keys (kid TEXT PRIMARY KEY, status TEXT NOT NULL, public_jwk TEXT NOT NULL,
         sealed TEXT NOT NULL, created INTEGER NOT NULL, retire_at INTEGER)`,
    );
  }

  private schedule(): Schedule {
    const cfg = config(this.env);
    return { periodMs: cfg.KEY_ROTATION_PERIOD_SECONDS * 1000, overlapMs: cfg.KEY_OVERLAP_SECONDS * 1000 };
  }

  private load(): void {
    const meta = new Map(this.ctx.storage.sql.exec<{ k: string; v: string }>(`SELECT k, v FROM meta`).toArray().map((r) => [r.k, r.v]));
    this.serverId = meta.get("server_id") ?? null;
    this.alg = (meta.get("alg") as SigningAlg | undefined) ?? "RS256";
    this.version = Number(meta.get("version") ?? 0);
    const rows = this.ctx.storage.sql
      .exec<{ kid: string; status: KeyStatus; public_jwk: string; sealed: string; created: number; retire_at: number | null }>(
        `SELECT kid, status, public_jwk, sealed, created, retire_at FROM keys ORDER BY created`,
      )
      .toArray();
    this.material = new Map(rows.map((r) => [r.kid, { publicJwk: parseStored(PublicJwkSchema, r.public_jwk, at("keys.public_jwk", r.kid)), sealed: r.sealed }]));
    if (!meta.has("mode") || rows.length === 0) {
      this.state = null;
      return;
    }
    const next = meta.get("next_rotation");
    this.state = {
      mode: meta.get("mode") as RotationMode,
      lastRotated: Number(meta.get("last_rotated")),
      nextRotation: next ? Number(next) : null,
      keys: rows.map((r) => ({ kid: r.kid, status: r.status, created: r.created, retireAt: r.retire_at })),
    };
  }

  /** Writes the whole state in one transaction, bumps the version and re-arms the alarm. */
  private async save(state: RotationState): Promise<void> {
    const sql = this.ctx.storage.sql;
    const version = this.version + 1;
    this.ctx.storage.transactionSync(() => {
      const meta: Record<string, string> = {
        server_id: this.serverId ?? "",
        mode: state.mode,
        last_rotated: String(state.lastRotated),
        next_rotation: state.nextRotation === null ? "" : String(state.nextRotation),
        version: String(version),
        alg: this.alg,
      };
      for (const [k, v] of Object.entries(meta)) sql.exec(`INSERT OR REPLACE INTO meta (k, v) VALUES (?, ?)`, k, v);
      const kids = state.keys.map((k) => k.kid);
      sql.exec(`DELETE FROM keys WHERE kid NOT IN (SELECT value FROM json_each(?))`, JSON.stringify(kids));
      for (const k of state.keys) {
        const m = this.material.get(k.kid)!;
        sql.exec(
          `INSERT INTO keys (kid, status, public_jwk, sealed, created, retire_at) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT(kid) DO UPDATE SET status = excluded.status, retire_at = excluded.retire_at`,
          k.kid, k.status, JSON.stringify(m.publicJwk), m.sealed, k.created, k.retireAt,
        );
      }
    });
    for (const kid of [...this.material.keys()]) if (!state.keys.some((k) => k.kid === kid)) this.material.delete(kid);
    this.state = state;
    this.version = version;
    const alarm = nextAlarmAt(state, this.schedule());
    if (alarm === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(alarm);
  }

  private async newKey(): Promise<string> {
    const key = await generateSigningKey(config(this.env).KEY_ENCRYPTION_SECRET, this.serverId!, this.alg);
    this.material.set(key.kid, { publicJwk: key.publicJwk, sealed: key.sealed });
    return key.kid;
  }

  /**
   * Throws the load failure, if any, before anything reads or replaces the keys. Called outside
   * blockConcurrencyWhile: a throw inside it would break the input gate and reset the object.
   */
  private intact(): void {
    if (this.broken) throw this.broken;
  }

  private adopt(serverId: string): void {
    if (this.serverId !== null && this.serverId !== serverId) throw new Error(`key store of ${this.serverId} asked for ${serverId}`);
    this.serverId = serverId;
  }

  /** Creates the first ACTIVE key (and the NEXT key MANUAL mode keeps ready) if there is none yet. */
  private async ensure(serverId: string, mode: RotationMode, alg: SigningAlg = this.alg): Promise<RotationState> {
    this.intact();
    this.adopt(serverId);
    if (this.state) return this.state;
    this.alg = alg;
    const now = nowMs();
    const s = this.schedule();
    const kid = await this.newKey();
    let state: RotationState = {
      mode,
      lastRotated: now,
      nextRotation: mode === "AUTO" ? now + s.periodMs : null,
      keys: [{ kid, status: "ACTIVE", created: now, retireAt: null }],
    };
    if (needsNextKey(state, now, s)) state = addNextKey(state, await this.newKey(), now);
    await this.save(state);
    return state;
  }

  private summary(state: RotationState): SigningSummary {
    return {
      alg: this.material.get(keyWith(state, "ACTIVE")!.kid)!.publicJwk.alg,
      kid: keyWith(state, "ACTIVE")!.kid,
      lastRotated: isoTime(state.lastRotated),
      nextRotation: state.nextRotation === null ? null : isoTime(state.nextRotation),
      rotationMode: state.mode,
      use: "sig",
    };
  }

  private views(state: RotationState): KeyView[] {
    const order: Record<KeyStatus, number> = { ACTIVE: 0, NEXT: 1, EXPIRED: 2 };
    return [...state.keys]
      .sort((a, b) => order[a.status] - order[b.status] || b.created - a.created)
      .map((k) => ({ jwk: this.material.get(k.kid)!.publicJwk, status: k.status, created: isoTime(k.created) }));
  }

  /**
   * Sets up (or re-configures) the server's keys; called when the server is created or its rotation mode or
   * signing algorithm changes. A new algorithm takes effect at once: a key of it becomes ACTIVE, the old ACTIVE key
   * stays published as EXPIRED for the overlap, and the unused NEXT key is replaced.
   */
  async configure(serverId: string, mode: RotationMode, alg: SigningAlg = "RS256"): Promise<SigningSummary> {
    this.intact();
    return this.ctx.blockConcurrencyWhile(async () => {
      let state = await this.ensure(serverId, mode, alg);
      const now = nowMs();
      const s = this.schedule();
      const before = state;
      if (state.mode !== mode) state = withMode(state, mode, now, s);
      if (this.alg !== alg) {
        this.alg = alg;
        state = retireExpired(promote(addNextKey(dropNextKey(state), await this.newKey(), now), now, s), now);
      }
      if (needsNextKey(state, now, s)) state = addNextKey(state, await this.newKey(), now);
      if (state !== before) await this.save(state);
      return this.summary(state);
    });
  }

  async signing(serverId: string): Promise<SigningSummary> {
    this.intact();
    const state = this.state ?? (await this.ctx.blockConcurrencyWhile(() => this.ensure(serverId, "AUTO")));
    this.adopt(serverId);
    return this.summary(state);
  }

  async listKeys(serverId: string): Promise<KeyView[]> {
    this.intact();
    const state = this.state ?? (await this.ctx.blockConcurrencyWhile(() => this.ensure(serverId, "AUTO")));
    this.adopt(serverId);
    return this.views(state);
  }

  async snapshot(serverId: string): Promise<KeySnapshot> {
    this.intact();
    const state = this.state ?? (await this.ctx.blockConcurrencyWhile(() => this.ensure(serverId, "AUTO")));
    this.adopt(serverId);
    const active = keyWith(state, "ACTIVE")!;
    const m = this.material.get(active.kid)!;
    return { version: this.version, keys: this.views(state), active: { kid: active.kid, alg: m.publicJwk.alg, sealed: m.sealed } };
  }

  /**
   * Okta keyRotate, allowed in either rotation mode: NEXT becomes ACTIVE at once (generated now if none was
   * published yet) and ACTIVE becomes EXPIRED for the overlap. In AUTO mode promote() restarts the schedule from
   * this rotation, so the next NEXT key comes half a period from now and the next rotation a period from now;
   * save() re-arms the alarm for that. MANUAL mode gets a new NEXT key ready at once.
   */
  async rotate(serverId: string): Promise<KeyView[]> {
    this.intact();
    return this.ctx.blockConcurrencyWhile(async () => {
      let state = await this.ensure(serverId, "AUTO");
      const now = nowMs();
      const s = this.schedule();
      if (!keyWith(state, "NEXT")) state = addNextKey(state, await this.newKey(), now);
      state = retireExpired(promote(state, now, s), now);
      if (needsNextKey(state, now, s)) state = addNextKey(state, await this.newKey(), now);
      await this.save(state);
      return this.views(state);
    });
  }

  /** Drives AUTO rotation: publishes NEXT ahead of time, promotes it when due, retires EXPIRED keys. */
  override async alarm(): Promise<void> {
    await this.ctx.blockConcurrencyWhile(async () => {
      if (this.broken) {
        // Rotating would write over keys that may still verify live tokens; leave them for an operator.
        console.error(JSON.stringify({ event: "key_rotation_skipped", error: String(this.broken) }));
        return;
      }
      if (!this.state) return;
      const now = nowMs();
      const s = this.schedule();
      let state = this.state;
      const before = keyWith(state, "ACTIVE")?.kid;
      if (isRotationDue(state, now) && !keyWith(state, "NEXT")) state = addNextKey(state, await this.newKey(), now);
      if (isRotationDue(state, now)) state = promote(state, now, s);
      state = retireExpired(state, now);
      if (needsNextKey(state, now, s)) state = addNextKey(state, await this.newKey(), now);
      await this.save(state);
      const after = keyWith(state, "ACTIVE")?.kid;
      // Okta: an automatic rollover is in the System Log too (the manual one is logged by the admin route).
      if (before && after !== before && this.serverId) await logJobEvents(this.env, [rolloverEvent(this.serverId, before, after)], now);
    });
  }

  /** The server was deleted: its keys go with it. */
  async destroy(): Promise<void> {
    await this.ctx.blockConcurrencyWhile(async () => {
      await this.ctx.storage.deleteAlarm();
      await this.ctx.storage.deleteAll();
      this.state = null;
      this.material.clear();
      this.version = 0;
      this.serverId = null;
      this.broken = null;
      this.createTables();
    });
  }
}

export function keyStore(env: Env, serverId: string): DurableObjectStub<KeyStore> {
  return env.KEYS.get(env.KEYS.idFromName(serverId));
}
