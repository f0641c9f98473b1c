import { describe, expect, it } from "vitest";
import {
  addNextKey,
  isRotationDue,
  keyWith,
  needsNextKey,
  nextAlarmAt,
  nextKeyLeadMs,
  promote,
  retireExpired,
  withMode,
  type KeyMeta,
  type RotationState,
  type Schedule,
} from "../../src/keys/rotation";

const DAY = 24 * 3600 * 1000;
/** Okta's schedule: rotate every 90 days, NEXT published at 45; EXPIRED kept 2 days. */
const S: Schedule = { periodMs: 90 * DAY, overlapMs: 2 * DAY };
const T0 = Date.UTC(2026, 0, 1);
const LEAD = 45 * DAY;

const active = (kid = "a", created = T0): KeyMeta => ({ kid, status: "ACTIVE", created, retireAt: null });
const next = (kid = "n", created = T0 + LEAD): KeyMeta => ({ kid, status: "NEXT", created, retireAt: null });
const expired = (kid: string, retireAt: number | null): KeyMeta => ({ kid, status: "EXPIRED", created: T0 - 90 * DAY, retireAt });

const auto = (keys: KeyMeta[], lastRotated = T0): RotationState => ({ mode: "AUTO", lastRotated, nextRotation: lastRotated + S.periodMs, keys });
const manual = (keys: KeyMeta[], lastRotated = T0): RotationState => ({ mode: "MANUAL", lastRotated, nextRotation: null, keys });

/** A state must be returned, never changed in place. */
function frozen<T>(value: T): T {
  return structuredClone(value);
}

describe("nextKeyLeadMs", () => {
  it.each([
    [90 * DAY, 45 * DAY],
    [1000, 500],
    [1001, 500],
  ])("is half of a %i ms period: %i ms", (periodMs, lead) => {
    expect(nextKeyLeadMs({ periodMs, overlapMs: 0 })).toBe(lead);
  });
});

describe("keyWith", () => {
  it("finds the key with a status, or nothing", () => {
    const s = auto([active("a"), expired("x", T0)]);
    expect(keyWith(s, "ACTIVE")?.kid).toBe("a");
    expect(keyWith(s, "EXPIRED")?.kid).toBe("x");
    expect(keyWith(s, "NEXT")).toBeUndefined();
  });
});

describe("needsNextKey", () => {
  const nextRotation = T0 + S.periodMs;
  it.each<[string, RotationState, number, boolean]>([
    ["AUTO, before the halfway point", auto([active()]), nextRotation - LEAD - 1, false],
    ["AUTO, right after the last rotation", auto([active()]), T0, false],
    ["AUTO, exactly at the halfway point", auto([active()]), nextRotation - LEAD, true],
    ["AUTO, past the halfway point", auto([active()]), nextRotation - 1, true],
    ["AUTO, overdue", auto([active()]), nextRotation + DAY, true],
    ["AUTO, with a NEXT key already", auto([active(), next()]), nextRotation - 1, false],
    ["AUTO, with only EXPIRED keys besides ACTIVE", auto([active(), expired("x", T0 + DAY)]), nextRotation - LEAD, true],
    ["AUTO with no nextRotation", { ...auto([active()]), nextRotation: null }, nextRotation + DAY, false],
    ["MANUAL, with no NEXT key", manual([active()]), T0, true],
    ["MANUAL, long before any schedule", manual([active()]), T0 - 365 * DAY, true],
    ["MANUAL, with a NEXT key", manual([active(), next()]), T0, false],
  ])("%s → %s", (_, state, now, expected) => {
    expect(needsNextKey(state, now, S)).toBe(expected);
  });
});

describe("isRotationDue", () => {
  const nextRotation = T0 + S.periodMs;
  it.each<[string, RotationState, number, boolean]>([
    ["AUTO, before nextRotation", auto([active(), next()]), nextRotation - 1, false],
    ["AUTO, at nextRotation", auto([active(), next()]), nextRotation, true],
    ["AUTO, after nextRotation", auto([active(), next()]), nextRotation + 1, true],
    ["AUTO with no nextRotation", { ...auto([active()]), nextRotation: null }, nextRotation + DAY, false],
    ["MANUAL, whatever the time", manual([active(), next()]), nextRotation + 365 * DAY, false],
    ["MANUAL with a stale nextRotation", { ...manual([active(), next()]), nextRotation: T0 }, T0 + DAY, false],
  ])("%s → %s", (_, state, now, expected) => {
    expect(isRotationDue(state, now)).toBe(expected);
  });
});

describe("addNextKey", () => {
  it("adds a NEXT key created now", () => {
    const s = frozen(auto([active()]));
    const copy = frozen(s);
    const r = addNextKey(s, "n2", T0 + LEAD);
    expect(r.keys).toEqual([active(), { kid: "n2", status: "NEXT", created: T0 + LEAD, retireAt: null }]);
    expect(s).toEqual(copy);
  });

  it("refuses a second NEXT key", () => {
    expect(() => addNextKey(auto([active(), next()]), "n2", T0)).toThrow();
  });
});

describe("promote", () => {
  const now = T0 + S.periodMs;

  it.each<[string, RotationState, number | null]>([
    ["AUTO", auto([active(), next()]), now + S.periodMs],
    ["MANUAL", manual([active(), next()]), null],
  ])("in %s mode makes NEXT ACTIVE and ACTIVE EXPIRED until now + overlap", (_, state, nextRotation) => {
    const copy = frozen(state);
    const r = promote(state, now, S);
    expect(r).toEqual({
      mode: state.mode,
      lastRotated: now,
      nextRotation,
      keys: [
        { kid: "a", status: "EXPIRED", created: T0, retireAt: now + S.overlapMs },
        { kid: "n", status: "ACTIVE", created: T0 + LEAD, retireAt: null },
      ],
    });
    expect(state).toEqual(copy);
  });

  it("leaves keys that were already EXPIRED as they were", () => {
    const old = expired("x", now + DAY);
    const r = promote(auto([old, active(), next()]), now, S);
    expect(r.keys.find((k) => k.kid === "x")).toEqual(old);
    expect(r.keys.filter((k) => k.status === "EXPIRED").map((k) => k.kid).sort()).toEqual(["a", "x"]);
  });

  it("schedules the next AUTO rotation a full period after now, even when it ran late", () => {
    const late = now + 10 * DAY;
    expect(promote(auto([active(), next()]), late, S).nextRotation).toBe(late + S.periodMs);
  });

  it.each<[string, RotationState]>([
    ["AUTO", auto([active()])],
    ["MANUAL", manual([active(), expired("x", T0)])],
  ])("refuses to promote in %s mode without a NEXT key", (_, state) => {
    expect(() => promote(state, now, S)).toThrow();
  });
});

describe("retireExpired", () => {
  const now = T0 + 10 * DAY;

  it.each<[string, number | null, boolean]>([
    ["whose overlap ended before now", now - 1, false],
    ["whose overlap ends exactly now", now, false],
    ["whose overlap ends after now", now + 1, true],
    ["with no retirement time", null, true],
  ])("an EXPIRED key %s is kept: %s", (_, retireAt, kept) => {
    const r = retireExpired(auto([active(), expired("x", retireAt)]), now);
    expect(r.keys.map((k) => k.kid)).toEqual(kept ? ["a", "x"] : ["a"]);
  });

  it("never removes ACTIVE or NEXT keys", () => {
    const keys: KeyMeta[] = [
      { ...active(), retireAt: now - DAY },
      { ...next(), retireAt: now - DAY },
    ];
    expect(retireExpired(auto(keys), now).keys).toEqual(keys);
  });

  it("removes only the EXPIRED keys that are due", () => {
    const r = retireExpired(auto([active(), expired("old", now - DAY), expired("recent", now + DAY), next()]), now);
    expect(r.keys.map((k) => k.kid)).toEqual(["a", "recent", "n"]);
  });

  it("returns the same state when nothing is due", () => {
    const s = auto([active(), expired("x", now + 1)]);
    expect(retireExpired(s, now)).toBe(s);
  });

  it("does not change the state it is given", () => {
    const s = auto([active(), expired("x", now - 1)]);
    const copy = frozen(s);
    retireExpired(s, now);
    expect(s).toEqual(copy);
  });
});

describe("withMode", () => {
  it.each<[string, RotationState]>([
    ["AUTO to AUTO", auto([active()])],
    ["MANUAL to MANUAL", manual([active(), next()])],
  ])("returns the same state for %s", (_, state) => {
    expect(withMode(state, state.mode, T0 + DAY, S)).toBe(state);
  });

  it("AUTO to MANUAL drops nextRotation and keeps keys and lastRotated", () => {
    const s = auto([active(), next()]);
    expect(withMode(s, "MANUAL", T0 + DAY, S)).toEqual({ ...s, mode: "MANUAL", nextRotation: null });
  });

  it.each<[string, number, number]>([
    ["schedules the rotation a period after lastRotated when that is still ahead", T0 + DAY, T0 + S.periodMs],
    ["schedules the rotation at once when a period has already passed", T0 + 100 * DAY, T0 + 100 * DAY],
    ["schedules it exactly a period after lastRotated at the boundary", T0 + S.periodMs, T0 + S.periodMs],
  ])("MANUAL to AUTO %s", (_, now, nextRotation) => {
    const s = manual([active(), next()]);
    // Okta: switching the rotation mode does not change the active signing key.
    expect(withMode(s, "AUTO", now, S)).toEqual({ ...s, mode: "AUTO", nextRotation });
  });
});

describe("nextAlarmAt", () => {
  const nextRotation = T0 + S.periodMs;
  it.each<[string, RotationState, number | null]>([
    ["AUTO without NEXT: when NEXT must be generated", auto([active()]), nextRotation - LEAD],
    ["AUTO with NEXT: the rotation", auto([active(), next()]), nextRotation],
    ["AUTO with an EXPIRED key retiring earlier", auto([active(), expired("x", T0 + 2 * DAY)]), T0 + 2 * DAY],
    ["AUTO with an EXPIRED key retiring later than NEXT generation", auto([active(), expired("x", nextRotation)]), nextRotation - LEAD],
    ["AUTO with NEXT and an EXPIRED key retiring after the rotation", auto([active(), next(), expired("x", nextRotation + DAY)]), nextRotation],
    ["AUTO with no nextRotation and nothing to retire", { ...auto([active()]), nextRotation: null }, null],
    ["MANUAL with nothing to retire", manual([active(), next()]), null],
    ["MANUAL with an EXPIRED key: its retirement", manual([active(), next(), expired("x", T0 + DAY)]), T0 + DAY],
    ["MANUAL with several EXPIRED keys: the earliest retirement", manual([active(), next(), expired("x", T0 + 3 * DAY), expired("y", T0 + DAY)]), T0 + DAY],
    ["an EXPIRED key with no retirement time is not scheduled", manual([active(), next(), expired("x", null)]), null],
  ])("%s", (_, state, expected) => {
    expect(nextAlarmAt(state, S)).toBe(expected);
  });
});

describe("a whole AUTO period, step by step", () => {
  it("publishes NEXT at 45 days, rotates at 90, retires the old key after the overlap", () => {
    let s = auto([active("k1")]);
    let now = T0;
    const step = (at: number, kid?: string) => {
      now = at;
      if (isRotationDue(s, now) && !keyWith(s, "NEXT") && kid) s = addNextKey(s, kid, now);
      if (isRotationDue(s, now)) s = promote(s, now, S);
      s = retireExpired(s, now);
      if (needsNextKey(s, now, S) && kid) s = addNextKey(s, kid, now);
      return nextAlarmAt(s, S);
    };

    expect(nextAlarmAt(s, S)).toBe(T0 + LEAD);
    expect(step(T0 + LEAD, "k2")).toBe(T0 + S.periodMs);
    expect(s.keys.map((k) => [k.kid, k.status])).toEqual([["k1", "ACTIVE"], ["k2", "NEXT"]]);

    expect(step(T0 + S.periodMs)).toBe(T0 + S.periodMs + S.overlapMs);
    expect(s.keys.map((k) => [k.kid, k.status])).toEqual([["k1", "EXPIRED"], ["k2", "ACTIVE"]]);
    expect(s.lastRotated).toBe(T0 + S.periodMs);

    expect(step(T0 + S.periodMs + S.overlapMs)).toBe(T0 + S.periodMs + LEAD);
    expect(s.keys.map((k) => [k.kid, k.status])).toEqual([["k2", "ACTIVE"]]);
  });
});
