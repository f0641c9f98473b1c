import type { Context } from "hono";
import { config, type AppEnv } from "../../env";
import { timingSafeEqualStrings } from "../../digest";
import { seal, unseal } from "../../seal";
import { newCsrf } from "../authorize/transaction";
import { CSRF_COOKIE, readCookie, setCookie } from "../request/cookies";

/** How long a person has to sign in and confirm once the code was accepted (the code's own expiry still applies). */
const TX_LIFETIME_MS = 10 * 60 * 1000;
const CSRF_COOKIE_SECONDS = 30 * 60;
const PURPOSE = "device-activation";

/** The activation in progress, sealed into the page: which device request, bound to this browser's CSRF value. */
export interface ActivationTx {
  userCodeHash: string;
  /** The code as the device shows it, for the confirmation page. */
  userCode: string;
  csrf: string;
  exp: number;
}

/** The CSRF value for this browser (reused while its cookie lives) and the Set-Cookie that keeps it. */
export function csrfFor(c: Context<AppEnv>): { csrf: string; cookie: string } {
  const existing = readCookie(c, CSRF_COOKIE);
  const csrf = existing && /^[0-9A-Za-z]{32}$/.test(existing) ? existing : newCsrf();
  return { csrf, cookie: setCookie(CSRF_COOKIE, csrf, CSRF_COOKIE_SECONDS) };
}

/** Double-submit check: the form's csrf equals the cookie's. */
export function csrfMatches(c: Context<AppEnv>, form: Map<string, string>): boolean {
  const cookie = readCookie(c, CSRF_COOKIE);
  const sent = form.get("csrf");
  return !!cookie && !!sent && timingSafeEqualStrings(cookie, sent);
}

export function sealActivation(c: Context<AppEnv>, tx: Omit<ActivationTx, "exp">, now: number): Promise<string> {
  return seal(config(c.env).KEY_ENCRYPTION_SECRET, PURPOSE, "activate", JSON.stringify({ ...tx, exp: now + TX_LIFETIME_MS }));
}

/** The form's sealed activation when this server sealed it, it is live and it matches the CSRF cookie; else null. */
export async function openActivation(c: Context<AppEnv>, form: Map<string, string>, now: number): Promise<ActivationTx | null> {
  const sealed = form.get("tx");
  if (!sealed || !csrfMatches(c, form)) return null;
  let text: string;
  try {
    text = await unseal(config(c.env).KEY_ENCRYPTION_SECRET, PURPOSE, "activate", sealed);
  } catch (err) {
    // Only a value that is not ours (bad base64, failed AES-GCM check, malformed) is the form's fault.
    if (err instanceof DOMException || (err instanceof Error && err.message === "malformed sealed value")) return null;
    throw err;
  }
  const tx = JSON.parse(text) as ActivationTx;
  return tx.exp > now && timingSafeEqualStrings(tx.csrf, form.get("csrf")!) ? tx : null;
}
