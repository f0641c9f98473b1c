/**
 * Case-insensitive prefix match for Okta's `q` search, as SQL. D1 refuses LIKE patterns over 50 bytes
 * ("LIKE or GLOB pattern too complex"), so the prefix is compared with substr() instead, which also needs no
 * escaping of % and _. `param` is a numbered parameter such as "?2" bound to the raw query (or NULL for none).
 */
export function startsWith(column: string, param: string): string {
  return `substr(lower(${column}), 1, length(${param})) = lower(${param})`;
}
