import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";

/**
 * The SessionStore a code or refresh token names (issue 17: its first 64 characters are the object's id), for tests
 * that look at or damage what it stores, as other tests do with D1 rows.
 */
export function holderStub(token: string): DurableObjectStub {
  return env.SESSIONS.get(env.SESSIONS.idFromString(token.slice(0, 64)));
}

/** Runs SQL inside the object a token names and returns its rows. */
export async function sqlInHolder<T = Record<string, SqlStorageValue>>(token: string, query: string, ...binds: SqlStorageValue[]): Promise<T[]> {
  return runInDurableObject(holderStub(token), (_, state) => state.storage.sql.exec(query, ...binds).toArray() as T[]);
}
