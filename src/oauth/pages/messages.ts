import { esc, page } from "./html";

/** A page for errors that cannot be sent back to the client (unknown client, unregistered redirect_uri). */
export function errorPage(title: string, error: string, description: string): string {
  return page(title, `<div class="card"><h1>${esc(title)}</h1><p class="error" role="alert"><code>${esc(error)}</code>: ${esc(description)}</p></div>`);
}

export function signedOutPage(): string {
  return page("Signed out", `<div class="card"><h1>You are signed out</h1><p class="sub">You can close this window.</p></div>`);
}

/** OAuth 2.0 Form Post Response Mode: an auto-submitting form, the script allowed by its CSP nonce. */
export function formPostPage(action: string, params: Record<string, string>, nonce: string): string {
  const inputs = Object.entries(params).map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`).join("");
  return page(
    "Continuing…",
    `<form method="post" action="${esc(action)}" id="f">${inputs}<noscript><button type="submit">Continue</button></noscript></form>
<script nonce="${nonce}">document.getElementById("f").submit()</script>`,
  );
}
