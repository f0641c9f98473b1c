/**
 * Okta EL Time functions (Okta developer docs, "Expression Language Overview" > Time Functions). The clock
 * is the request's `now`, injected through the context; conversions return strings, as documented.
 */
import { boundedString, optString, type FunctionTable } from "./function-spec";
import { formatJoda, isoString, zonedTime } from "./time-format";
import { fail, type Value } from "./values";

const ISO_8601 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.(\d{1,9}))?)?)(Z|[+-]\d{2}:?\d{2})$/;
// Windows file time: 100-nanosecond intervals since 1601-01-01T00:00:00Z.
const WINDOWS_EPOCH_OFFSET_MS = 11_644_473_600_000n;
const TICKS_PER_MS = 10_000n;
// The range of an ECMAScript Date.
const MAX_MS = 8.64e15;

function checkedMs(ms: number): number {
  if (!Number.isFinite(ms) || Math.abs(ms) > MAX_MS) fail("time out of range");
  return ms;
}

function parseIso(value: Value | undefined): number | null {
  const s = optString(value, "time");
  if (s === null) return null;
  const match = ISO_8601.exec(s);
  if (match === null) return fail(`'${s}' is not an ISO 8601 time`);
  // Date.parse reads at most milliseconds; drop finer digits.
  const fraction = match[2];
  const zone = (match[3] ?? "Z").replace(/^([+-]\d{2})(\d{2})$/, "$1:$2");
  const base = fraction === undefined ? (match[1] ?? "") : (match[1] ?? "").replace(/\.\d+$/, `.${fraction.padEnd(3, "0").slice(0, 3)}`);
  return checkedMs(Date.parse(`${base}${zone}`));
}

function digits(value: Value | undefined, what: string, pattern: RegExp): string | null {
  const s = optString(value, what);
  if (s === null) return null;
  if (!pattern.test(s)) fail(`'${s}' is not a valid ${what}`);
  return s;
}

export const TIME_FUNCTIONS: FunctionTable = {
  /**
   * `Time.now()` is the current time in UTC ("2015-07-31T17:18:37.979Z"); `Time.now("EST")` in that zone
   * ("2015-07-31T13:30:49.964-04:00"); `Time.now("EST", "YYYY-MM-dd HH:mm:ss")` formatted ("2015-07-31 13:36:48").
   * "Both input parameters are optional."
   */
  "Time.now": {
    minArgs: 0,
    maxArgs: 2,
    returns: "string",
    call: ([zoneArg, formatArg], env) => {
      const now = checkedMs(env.ctx.now);
      const zone = optString(zoneArg, "timeZoneId");
      const format = optString(formatArg, "format");
      if (zone === null && format === null) return new Date(now).toISOString();
      const t = zonedTime(now, zone ?? "UTC");
      return boundedString(format === null ? isoString(t) : formatJoda(format, t), env);
    },
  },
  /** Unix seconds (as a string) to ISO 8601. */
  "Time.fromUnixToIso8601": {
    minArgs: 1,
    maxArgs: 1,
    returns: "string",
    call: ([time]) => {
      const s = digits(time, "Unix time", /^-?\d{1,12}$/);
      return s === null ? null : new Date(checkedMs(Number(s) * 1000)).toISOString();
    },
  },
  "Time.fromIso8601ToUnix": {
    minArgs: 1,
    maxArgs: 1,
    returns: "string",
    call: ([time]) => {
      const ms = parseIso(time);
      return ms === null ? null : String(Math.floor(ms / 1000));
    },
  },
  /** Windows/LDAP file time (as a string) to ISO 8601. */
  "Time.fromWindowsToIso8601": {
    minArgs: 1,
    maxArgs: 1,
    returns: "string",
    call: ([time]) => {
      const s = digits(time, "Windows time", /^\d{1,20}$/);
      if (s === null) return null;
      const ms = Number(BigInt(s) / TICKS_PER_MS - WINDOWS_EPOCH_OFFSET_MS);
      return new Date(checkedMs(ms)).toISOString();
    },
  },
  "Time.fromIso8601ToWindows": {
    minArgs: 1,
    maxArgs: 1,
    returns: "string",
    call: ([time]) => {
      const ms = parseIso(time);
      if (ms === null) return null;
      return String((BigInt(Math.floor(ms)) + WINDOWS_EPOCH_OFFSET_MS) * TICKS_PER_MS);
    },
  },
  /** ISO 8601 to a Joda-Time pattern, rendered in UTC. */
  "Time.fromIso8601ToString": {
    minArgs: 2,
    maxArgs: 2,
    returns: "string",
    call: ([time, formatArg], env) => {
      const ms = parseIso(time);
      const format = optString(formatArg, "format") ?? fail("format must not be null");
      return ms === null ? null : boundedString(formatJoda(format, zonedTime(ms, "UTC")), env);
    },
  },
};
