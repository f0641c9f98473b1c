import { config, openingSecrets, type Env } from "../../env";
import { randomBase62 } from "../../ids";
import { seal, unseal } from "../../seal";

/** How long a person has to finish signing in or consenting. */
const TX_LIFETIME_MS = 15 * 60 * 1000;

export interface Transaction {
  serverId: string;
  /** The original authorize parameters. */
  params: Array<[string, string]>;
  /** Bound to the CSRF cookie: the form must carry the same value the cookie does. */
  csrf: string;
  /** Set once the person has signed in during this transaction (so prompt=login is satisfied). */
  userId?: string;
  exp: number;
}

export const newCsrf = () => randomBase62(32);

/** The pending authorization, sealed (AES-GCM) into the page so nothing is stored before the person acts. */
export function sealTransaction(env: Env, tx: Omit<Transaction, "exp">, now: number): Promise<string> {
  return seal(config(env).KEY_ENCRYPTION_SECRET, "authorize-transaction", tx.serverId, JSON.stringify({ ...tx, exp: now + TX_LIFETIME_MS }));
}

/**
 * The transaction the form carries, or null when it is not one this server sealed for this server (malformed or
 * tampered: AES-GCM authentication fails) or it has expired. Anything else is not the form's fault and is thrown.
 */
export async function openTransaction(env: Env, serverId: string, sealed: string, now: number): Promise<Transaction | null> {
  const secret = openingSecrets(config(env));
  let text: string;
  try {
    text = await unseal(secret, "authorize-transaction", serverId, sealed);
  } catch (err) {
    if (isUnsealFailure(err)) return null;
    throw err;
  }
  // Authenticated, so this server wrote it: JSON of a Transaction.
  const tx = JSON.parse(text) as Transaction;
  return tx.serverId === serverId && tx.exp > now ? tx : null;
}

/** What unseal throws for a value it cannot open: bad base64 or a failed AES-GCM check (DOMException), or a malformed value. */
function isUnsealFailure(err: unknown): boolean {
  return err instanceof DOMException || (err instanceof Error && err.message === "malformed sealed value");
}
