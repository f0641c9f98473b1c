import type { Context } from "hono";
import { config, type Env } from "../env";
import { randomBase62 } from "../ids";
import { seal, unseal } from "../seal";
import type { ConsoleSession } from "./env";

/**
 * The console's cookies. `__Host-` (RFC 6265bis 4.1.3.2): Secure, Path=/, no Domain, so no other host or path can
 * plant or read it; HttpOnly; SameSite=Strict, so no other site's page can make the browser send it. The value is
 * sealed (AES-GCM with a key derived from KEY_ENCRYPTION_SECRET): nothing is stored server-side, and a tampered or
 * foreign value does not open.
 */
export const SESSION_COOKIE = "__Host-mg_console";
/** The code flow's state, nonce and PKCE verifier between /admin/signin and /admin/callback (10 minutes). */
export const FLOW_COOKIE = "__Host-mg_console_flow";
const FLOW_SECONDS = 600;

const cookie = (name: string, value: string, maxAge: number) => `${name}=${value}; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=${maxAge}`;

export function readCookie(c: Context, name: string): string | undefined {
  const header = c.req.header("Cookie");
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

const secret = (env: Env) => config(env).KEY_ENCRYPTION_SECRET;

async function open<T>(env: Env, purpose: string, sealed: string | undefined): Promise<T | null> {
  if (!sealed) return null;
  try {
    return JSON.parse(await unseal(secret(env), purpose, "console", sealed)) as T;
  } catch (err) {
    // A value this Worker did not seal (tampered, foreign, or sealed under an older secret) is no session.
    if (err instanceof DOMException || (err instanceof Error && err.message === "malformed sealed value")) return null;
    throw err;
  }
}

export async function sessionCookie(env: Env, s: ConsoleSession, now: number): Promise<string> {
  const value = await seal(secret(env), "console-session", "console", JSON.stringify(s));
  return cookie(SESSION_COOKIE, value, Math.max(0, Math.floor((s.exp - now) / 1000)));
}

export const clearSessionCookie = () => cookie(SESSION_COOKIE, "", 0);

/** The signed-in admin, or null (no cookie, not ours, or expired). */
export async function currentSession(c: Context, now: number): Promise<ConsoleSession | null> {
  const s = await open<ConsoleSession>(c.env, "console-session", readCookie(c, SESSION_COOKIE));
  return s && s.exp > now ? s : null;
}

export interface FlowState {
  state: string;
  nonce: string;
  verifier: string;
  exp: number;
}

export async function flowCookie(env: Env, now: number): Promise<{ flow: FlowState; cookie: string }> {
  const flow = { state: randomBase62(32), nonce: randomBase62(32), verifier: randomBase62(64), exp: now + FLOW_SECONDS * 1000 };
  return { flow, cookie: cookie(FLOW_COOKIE, await seal(secret(env), "console-flow", "console", JSON.stringify(flow)), FLOW_SECONDS) };
}

export async function currentFlow(c: Context, now: number): Promise<FlowState | null> {
  const f = await open<FlowState>(c.env, "console-flow", readCookie(c, FLOW_COOKIE));
  return f && f.exp > now ? f : null;
}

export const clearFlowCookie = () => cookie(FLOW_COOKIE, "", 0);

export const newCsrf = () => randomBase62(32);
