/**
 * Time zones and Joda-Time patterns, which Okta's Time functions take ("Timestamp time in a human-readable
 * yet machine-parseable arbitrary format (as defined by Joda time pattern)"). Zones resolve through Intl
 * (IANA ids and their legacy aliases such as "EST" or "US/Pacific"); nothing here reads the clock.
 */
import { fail } from "./values";

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

/** Wall-clock fields of an instant in a zone. */
export interface ZonedTime {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  weekday: number; // 0 = Sunday
  offsetMinutes: number;
  zone: string;
}

export function zonedTime(ms: number, zone: string): ZonedTime {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
  } catch {
    return fail(`unknown time zone '${zone}'`);
  }
  const parts: Record<string, number> = {};
  for (const part of format.formatToParts(new Date(ms))) parts[part.type] = Number(part.value);
  const wholeSecond = Math.floor(ms / 1000) * 1000;
  const year = parts["year"] ?? 1970;
  const month = parts["month"] ?? 1;
  const day = parts["day"] ?? 1;
  const asUtc = Date.UTC(year, month - 1, day, parts["hour"] ?? 0, parts["minute"] ?? 0, parts["second"] ?? 0);
  return {
    year,
    month,
    day,
    hour: parts["hour"] ?? 0,
    minute: parts["minute"] ?? 0,
    second: parts["second"] ?? 0,
    millisecond: ms - wholeSecond,
    weekday: new Date(Date.UTC(year, month - 1, day)).getUTCDay(),
    offsetMinutes: Math.round((asUtc - wholeSecond) / 60_000),
    zone,
  };
}

function pad(n: number, width: number): string {
  const s = String(Math.abs(n)).padStart(width, "0");
  return n < 0 ? `-${s}` : s;
}

function offset(minutes: number, colon: boolean): string {
  const sign = minutes < 0 ? "-" : "+";
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60), 2)}${colon ? ":" : ""}${pad(abs % 60, 2)}`;
}

/** ISO 8601 with milliseconds and the zone's offset ("Z" for UTC), as Okta prints Time.now("EST"). */
export function isoString(t: ZonedTime): string {
  const date = `${pad(t.year, 4)}-${pad(t.month, 2)}-${pad(t.day, 2)}`;
  const time = `${pad(t.hour, 2)}:${pad(t.minute, 2)}:${pad(t.second, 2)}.${pad(t.millisecond, 3)}`;
  return `${date}T${time}${t.offsetMinutes === 0 ? "Z" : offset(t.offsetMinutes, true)}`;
}

function field(letter: string, n: number, t: ZonedTime): string {
  switch (letter) {
    case "y":
    case "Y":
    case "u":
      return n === 2 ? pad(t.year % 100, 2) : pad(t.year, n);
    case "M":
      return n >= 4 ? (MONTHS[t.month - 1] ?? "") : n === 3 ? (MONTHS[t.month - 1] ?? "").slice(0, 3) : pad(t.month, n);
    case "d":
      return pad(t.day, n);
    case "E":
      return n >= 4 ? (DAYS[t.weekday] ?? "") : (DAYS[t.weekday] ?? "").slice(0, 3);
    case "H":
      return pad(t.hour, n);
    case "k":
      return pad(t.hour === 0 ? 24 : t.hour, n);
    case "h":
      return pad(t.hour % 12 === 0 ? 12 : t.hour % 12, n);
    case "K":
      return pad(t.hour % 12, n);
    case "m":
      return pad(t.minute, n);
    case "s":
      return pad(t.second, n);
    case "S":
      return pad(t.millisecond, 3).padEnd(n, "0").slice(0, n);
    case "a":
      return t.hour < 12 ? "AM" : "PM";
    case "G":
      return "AD";
    case "Z":
      return n >= 3 ? t.zone : offset(t.offsetMinutes, n === 2);
    default:
      return fail(`unsupported letter '${letter}' in time pattern`);
  }
}

/** Formats with a Joda-Time pattern: letters are fields, '…' is literal text, '' is a quote. */
export function formatJoda(pattern: string, t: ZonedTime): string {
  let out = "";
  let i = 0;
  while (i < pattern.length) {
    const c = pattern.charAt(i);
    if (c === "'") {
      const end = pattern.indexOf("'", i + 1);
      if (end < 0) fail("unterminated quote in time pattern");
      out += end === i + 1 ? "'" : pattern.slice(i + 1, end);
      i = end + 1;
    } else if (/[A-Za-z]/.test(c)) {
      let n = 1;
      while (pattern.charAt(i + n) === c) n++;
      out += field(c, Math.min(n, 9), t);
      i += n;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}
