/**
 * The signing-key rotation state machine, as pure functions of (state, now, schedule).
 * Okta: ACTIVE signs; NEXT is published ahead of rotation; rotation makes NEXT ACTIVE and ACTIVE EXPIRED;
 * an EXPIRED key stays published until every token it signed has expired.
 */

export type KeyStatus = "ACTIVE" | "NEXT" | "EXPIRED";
export type RotationMode = "AUTO" | "MANUAL";

export interface KeyMeta {
  kid: string;
  status: KeyStatus;
  created: number;
  /** When an EXPIRED key leaves the JWKS. */
  retireAt: number | null;
}

export interface RotationState {
  mode: RotationMode;
  lastRotated: number;
  /** Only in AUTO mode (Okta: nextRotation is present only when rotationMode is AUTO). */
  nextRotation: number | null;
  keys: KeyMeta[];
}

export interface Schedule {
  periodMs: number;
  overlapMs: number;
}

/** Okta generates the NEXT key about halfway through the period (45 of 90 days). */
export const nextKeyLeadMs = (s: Schedule) => Math.floor(s.periodMs / 2);

export const keyWith = (state: RotationState, status: KeyStatus) => state.keys.find((k) => k.status === status);

/** Whether the state needs a freshly generated NEXT key at `now`. MANUAL always keeps one ready to promote. */
export function needsNextKey(state: RotationState, now: number, s: Schedule): boolean {
  if (keyWith(state, "NEXT")) return false;
  if (state.mode === "MANUAL") return true;
  return state.nextRotation !== null && now >= state.nextRotation - nextKeyLeadMs(s);
}

export function addNextKey(state: RotationState, kid: string, now: number): RotationState {
  if (keyWith(state, "NEXT")) throw new Error("a NEXT key already exists");
  return { ...state, keys: [...state.keys, { kid, status: "NEXT", created: now, retireAt: null }] };
}

/** Discards an unused NEXT key (it never signed anything), e.g. when the signing algorithm changes. */
export function dropNextKey(state: RotationState): RotationState {
  return { ...state, keys: state.keys.filter((k) => k.status !== "NEXT") };
}

/** NEXT becomes ACTIVE, ACTIVE becomes EXPIRED and stays published for the overlap. Needs a NEXT key. */
export function promote(state: RotationState, now: number, s: Schedule): RotationState {
  if (!keyWith(state, "NEXT")) throw new Error("no NEXT key to promote");
  const keys = state.keys.map((k): KeyMeta => {
    if (k.status === "ACTIVE") return { ...k, status: "EXPIRED", retireAt: now + s.overlapMs };
    if (k.status === "NEXT") return { ...k, status: "ACTIVE" };
    return k;
  });
  return {
    ...state,
    keys,
    lastRotated: now,
    nextRotation: state.mode === "AUTO" ? now + s.periodMs : null,
  };
}

export function isRotationDue(state: RotationState, now: number): boolean {
  return state.mode === "AUTO" && state.nextRotation !== null && now >= state.nextRotation;
}

/** Drops EXPIRED keys whose overlap has ended. */
export function retireExpired(state: RotationState, now: number): RotationState {
  const keys = state.keys.filter((k) => !(k.status === "EXPIRED" && k.retireAt !== null && k.retireAt <= now));
  return keys.length === state.keys.length ? state : { ...state, keys };
}

export function withMode(state: RotationState, mode: RotationMode, now: number, s: Schedule): RotationState {
  if (state.mode === mode) return state;
  // Okta: switching the rotation mode does not change the active signing key.
  const nextRotation = mode === "AUTO" ? Math.max(state.lastRotated + s.periodMs, now) : null;
  return { ...state, mode, nextRotation };
}

/** When the alarm must next fire: the earliest of NEXT generation, rotation and retirement. */
export function nextAlarmAt(state: RotationState, s: Schedule): number | null {
  const times: number[] = [];
  if (state.mode === "AUTO" && state.nextRotation !== null) {
    times.push(keyWith(state, "NEXT") ? state.nextRotation : state.nextRotation - nextKeyLeadMs(s));
  }
  for (const k of state.keys) if (k.status === "EXPIRED" && k.retireAt !== null) times.push(k.retireAt);
  return times.length ? Math.min(...times) : null;
}
