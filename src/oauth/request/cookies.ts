import type { Context } from "hono";
import { generateCookie, getCookie } from "hono/cookie";

/**
 * Cookies the sign-in flow sets, read and written with hono/cookie (security finding 5). Each has the `__Host-`
 * prefix: Secure, Path=/, no Domain, so a sibling subdomain cannot plant or overwrite one (RFC 6265bis 4.1.3.2).
 * Secure everywhere, loopback http included: Chromium and Firefox treat http://localhost and http://127.0.0.1 as
 * secure contexts and keep Secure cookies from them. HttpOnly, SameSite=Lax (the authorize redirect is a top-level GET).
 */
export const SESSION_COOKIE = "mg_sid";
export const CSRF_COOKIE = "mg_csrf";

/** The Set-Cookie value for one of our cookies. */
export function setCookie(name: string, value: string, maxAgeSeconds: number): string {
  return generateCookie(name, value, { prefix: "host", httpOnly: true, sameSite: "Lax", maxAge: maxAgeSeconds });
}

export function clearCookie(name: string): string {
  return setCookie(name, "", 0);
}

/** The value of our `__Host-` cookie of this name; an unprefixed cookie of the same name is ignored. */
export function readCookie(c: Context, name: string): string | undefined {
  return getCookie(c, name, "host");
}
