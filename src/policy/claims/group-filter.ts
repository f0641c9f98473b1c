/**
 * The group filter of a GROUPS claim (Okta OAuth2ClaimGroupFilterType): STARTS_WITH, EQUALS and CONTAINS
 * compare group names case-insensitively; REGEX is case-sensitive and must match the whole name (Okta runs
 * Java's String.matches). Built once when a claim is saved (to validate it) and when a server is loaded.
 */
import { safeRegex } from "../expression";
import type { GroupFilterType } from "./types";

export type GroupTest = (groupName: string) => { ok: true; value: boolean } | { ok: false; error: string };

export type GroupFilterResult = { ok: true; test: GroupTest } | { ok: false; error: string; position: number };

export function groupFilter(type: GroupFilterType, value: string): GroupFilterResult {
  const needle = value.toLowerCase();
  switch (type) {
    case "STARTS_WITH":
      return { ok: true, test: (name) => ({ ok: true, value: name.toLowerCase().startsWith(needle) }) };
    case "EQUALS":
      return { ok: true, test: (name) => ({ ok: true, value: name.toLowerCase() === needle }) };
    case "CONTAINS":
      return { ok: true, test: (name) => ({ ok: true, value: name.toLowerCase().includes(needle) }) };
    case "REGEX": {
      // Workers have no regex timeout: safeRegex refuses patterns that could backtrack catastrophically.
      const compiled = safeRegex(value, { mode: "full" });
      if (!compiled.ok) return { ok: false, error: `invalid pattern: ${compiled.error}`, position: compiled.position };
      return { ok: true, test: (name) => compiled.regex.test(name) };
    }
  }
}
