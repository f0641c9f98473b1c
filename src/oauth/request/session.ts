import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { randomBase62 } from "../../ids";
import { sha256Hex } from "../../digest";
import { createSession, deleteSession, getLiveSession, type SessionRecord } from "../../store/sessions";
import { SESSION_COOKIE, clearCookie, readCookie, setCookie } from "./cookies";
import { epochSeconds } from "../../clock";

/** Okta's default SSO session lifetime: two hours. */
export const SESSION_LIFETIME_SECONDS = 2 * 3600;

/** The SSO session the request's cookie names, if it is live. */
export async function currentSession(c: Context<AppEnv>, now: number): Promise<SessionRecord | null> {
  const id = readCookie(c.req.header("Cookie"), SESSION_COOKIE);
  if (!id || !/^[0-9A-Za-z]{43}$/.test(id)) return null;
  return getLiveSession(c.env.DB, await sha256Hex(id), epochSeconds(now));
}

/** Starts a session after a successful sign-in; returns it with the Set-Cookie value for the response. */
export async function startSession(c: Context<AppEnv>, userId: string, amr: string[], now: number): Promise<{ session: SessionRecord; cookie: string }> {
  const id = randomBase62(43);
  const nowSeconds = epochSeconds(now);
  const session: SessionRecord = { userId, authTime: nowSeconds, amr, expiresAt: nowSeconds + SESSION_LIFETIME_SECONDS };
  await createSession(c.env.DB, await sha256Hex(id), session, nowSeconds);
  return { session, cookie: setCookie(c.req.url, SESSION_COOKIE, id, SESSION_LIFETIME_SECONDS) };
}

/** Ends the request's session (RP-initiated logout); returns the Set-Cookie value that clears the cookie. */
export async function endSession(c: Context<AppEnv>): Promise<string> {
  const id = readCookie(c.req.header("Cookie"), SESSION_COOKIE);
  if (id) await deleteSession(c.env.DB, await sha256Hex(id));
  return clearCookie(c.req.url, SESSION_COOKIE);
}
