import type { Context } from "hono";
import { html } from "hono/html";
import type { AppEnv } from "../../env";
import { timingSafeEqualStrings } from "../../digest";
import type { SessionRecord } from "../../store/sessions";
import { newCsrf } from "../authorize/transaction";
import { page, pageResponse } from "../pages/html";
import { CSRF_COOKIE, readCookie, setCookie } from "../request/cookies";

const CSRF_SECONDS = 30 * 60;

/**
 * OIDC RP-Initiated Logout 1.0, section 2: when the id_token_hint names someone other than the person signed in
 * here, the OP asks the person before logging them out (security finding 6: any genuine ID token, from any user,
 * logged out whoever was signed in). The answer is a POST carrying the CSRF value of this browser's cookie.
 */
export function needsConfirmation(session: SessionRecord | null, hintSub: unknown): boolean {
  return session !== null && hintSub !== session.userId;
}

/** The person confirmed on the page this browser was shown (form and cookie agree). */
export function confirmed(c: Context<AppEnv>, params: Map<string, string>): boolean {
  const cookie = readCookie(c, CSRF_COOKIE);
  const csrf = params.get("csrf");
  return c.req.method === "POST" && params.get("confirm") === "yes" && !!cookie && !!csrf && timingSafeEqualStrings(cookie, csrf);
}

/** The question, with the logout request's own parameters carried in the form. */
export function confirmLogoutPage(c: Context<AppEnv>, params: Map<string, string>): Promise<Response> {
  const existing = readCookie(c, CSRF_COOKIE);
  const csrf = existing && /^[0-9A-Za-z]{32}$/.test(existing) ? existing : newCsrf();
  const carried = ["id_token_hint", "post_logout_redirect_uri", "state"].filter((k) => params.has(k));
  const body = page(
    "Sign out?",
    html`<div class="card"><h1>Sign out?</h1><p class="sub">An application asked to sign you out of this browser.</p>
<form method="post" action="${c.req.path}">
${carried.map((k) => html`<input type="hidden" name="${k}" value="${params.get(k)}">`)}
<input type="hidden" name="csrf" value="${csrf}"><input type="hidden" name="confirm" value="yes">
<button type="submit">Sign out</button>
</form></div>`,
  );
  return pageResponse(body, 200, [setCookie(CSRF_COOKIE, csrf, CSRF_SECONDS)]);
}
