import { html } from "hono/html";
import { page, type Html } from "./html";

/** A page for errors that cannot be sent back to the client (unknown client, unregistered redirect_uri). */
export function errorPage(title: string, error: string, description: string): Html {
  return page(title, html`<div class="card"><h1>${title}</h1><p class="error" role="alert"><code>${error}</code>: ${description}</p></div>`);
}

export function signedOutPage(): Html {
  return page("Signed out", html`<div class="card"><h1>You are signed out</h1><p class="sub">You can close this window.</p></div>`);
}

/** OAuth 2.0 Form Post Response Mode: an auto-submitting form, the script allowed by its CSP nonce. */
export function formPostPage(action: string, params: Record<string, string>, nonce: string): Html {
  const inputs = Object.entries(params).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`);
  return page(
    "Continuing…",
    html`<form method="post" action="${action}" id="f">${inputs}<noscript><button type="submit">Continue</button></noscript></form>
<script nonce="${nonce}">document.getElementById("f").submit()</script>`,
  );
}
