import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { randomBase62 } from "../../ids";
import { sha256Hex } from "../../digest";
import { deleteSession, getLiveSession, replaceSessionStatements, type SessionRecord } from "../../store/sessions";
import { SESSION_COOKIE, clearCookie, readCookie, setCookie } from "./cookies";
import { epochSeconds } from "../../clock";

/** Okta's default SSO session lifetime: two hours. */
export const SESSION_LIFETIME_SECONDS = 2 * 3600;

/** The SSO session the request's cookie names, if it is live. */
export async function currentSession(c: Context<AppEnv>, now: number): Promise<SessionRecord | null> {
  const idHash = await sessionCookieHash(c);
  return idHash ? getLiveSession(c.env.DB, idHash, epochSeconds(now)) : null;
}

/** The stored form (SHA-256) of the session the request's cookie names, or null without a well-formed one. */
export async function sessionCookieHash(c: Context<AppEnv>): Promise<string | null> {
  const id = readCookie(c, SESSION_COOKIE);
  return id && /^[0-9A-Za-z]{43}$/.test(id) ? sha256Hex(id) : null;
}

/** A session that a sign-in starts if the password is right: its cookie, and what stores it. */
export interface NewSession {
  cookie: string;
  /** The stored form (SHA-256) of the cookie. */
  idHash: string;
  session(userId: string): SessionRecord;
  /** Run in the transaction that decides the sign-in, written only if it succeeds (checkCredentials' onSuccess). */
  statements(userId: string, attemptId: string): D1PreparedStatement[];
}

/**
 * Prepares the session a sign-in starts (before the attempt is decided, so that its write joins the attempt's
 * transaction: one round trip). It replaces this browser's previous session, if any.
 */
export async function newSession(c: Context<AppEnv>, amr: string[], now: number): Promise<NewSession> {
  const id = randomBase62(43);
  const nowSeconds = epochSeconds(now);
  const replaced = readCookie(c, SESSION_COOKIE);
  const [idHash, replacedHash] = await Promise.all([sha256Hex(id), replaced ? sha256Hex(replaced) : null]);
  const session = (userId: string): SessionRecord => ({ userId, authTime: nowSeconds, amr, expiresAt: nowSeconds + SESSION_LIFETIME_SECONDS });
  return {
    cookie: setCookie(SESSION_COOKIE, id, SESSION_LIFETIME_SECONDS),
    idHash,
    session,
    statements: (userId, attemptId) => replaceSessionStatements(c.env.DB, replacedHash, idHash, session(userId), nowSeconds, attemptId),
  };
}

/**
 * Ends the request's session (RP-initiated logout); returns the Set-Cookie value that clears the cookie and whose
 * session it was (null: there was none).
 */
export async function endSession(c: Context<AppEnv>): Promise<{ cookie: string; userId: string | null }> {
  const id = readCookie(c, SESSION_COOKIE);
  const userId = id ? await deleteSession(c.env.DB, await sha256Hex(id)) : null;
  return { cookie: clearCookie(SESSION_COOKIE), userId };
}
