/**
 * Cookies the sign-in flow sets. HttpOnly, SameSite=Lax (the authorize redirect is a top-level GET), Path=/, and
 * Secure except on http://localhost and http://127.0.0.1, where browsers would drop a Secure cookie.
 */
export const SESSION_COOKIE = "mg_sid";
export const CSRF_COOKIE = "mg_csrf";

function isLocalHttp(requestUrl: string): boolean {
  const u = new URL(requestUrl);
  return u.protocol === "http:" && (u.hostname === "localhost" || u.hostname === "127.0.0.1" || u.hostname === "[::1]");
}

export function setCookie(requestUrl: string, name: string, value: string, maxAgeSeconds: number): string {
  const secure = isLocalHttp(requestUrl) ? "" : "; Secure";
  return `${name}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secure}`;
}

export function clearCookie(requestUrl: string, name: string): string {
  return setCookie(requestUrl, name, "", 0);
}

export function readCookie(header: string | null | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
