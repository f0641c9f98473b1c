/**
 * JSON read back from storage is parsed with zod at the boundary, so that callers receive typed values and a row
 * that no longer has the shape Mintgate wrote is a server fault, never a permissive default (issue 10, section 3).
 */
import { z } from "zod";

/**
 * A stored value that does not parse. Deliberately neither an OAuthError nor an ApiError: every error handler
 * answers an unknown error with a 500 and a logged errorId, and the message (which names the table, column and
 * row, and the zod issue paths, never the stored value) only reaches the log.
 */
export class StoredDataError extends Error {
  override readonly name = "StoredDataError";
  constructor(
    readonly where: string,
    readonly problem: string,
  ) {
    super(`Stored ${where} does not parse: ${problem}`);
  }
}

/** Where a stored value came from, for the log line: "table.column" and the row's (non-secret) key. */
export const at = (column: string, key?: string | number) => (key === undefined ? column : `${column} of ${key}`);

/** Parses a stored JSON text with its schema; throws StoredDataError on bad JSON or the wrong shape. */
export function parseStored<S extends z.ZodType>(schema: S, text: string, where: string): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new StoredDataError(where, "not JSON");
  }
  return parseStoredValue(schema, json, where);
}

/** parseStored for a value that arrives already decoded (a Durable Object's RPC answer, structured-cloned). */
export function parseStoredValue<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    // Paths and issue codes only: the stored value may be personal data and must not reach the log.
    throw new StoredDataError(where, result.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.code}`).join("; "));
  }
  return result.data;
}
