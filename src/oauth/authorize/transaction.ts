import { config, type Env } from "../../env";
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

export async function openTransaction(env: Env, serverId: string, sealed: string, now: number): Promise<Transaction | null> {
  try {
    const tx = JSON.parse(await unseal(config(env).KEY_ENCRYPTION_SECRET, "authorize-transaction", serverId, sealed)) as Transaction;
    return tx.serverId === serverId && tx.exp > now ? tx : null;
  } catch {
    return null;
  }
}
