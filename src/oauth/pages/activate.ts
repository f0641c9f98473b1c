import { html, raw } from "hono/html";
import { page, type Html } from "./html";

export interface CodeEntryView {
  action: string;
  csrf: string;
  userCode?: string;
  error?: string;
}

/** Okta's {org}/activate: the person types (or finds prefilled) the code their device shows. */
export function codeEntryPage(v: CodeEntryView): Html {
  return page(
    "Activate your device",
    html`<div class="card">
<h1>Activate your device</h1><p class="sub">Enter the code shown on your device.</p>
${v.error ? html`<p class="error" role="alert" id="code-error">${v.error}</p>` : ""}
<form method="post" action="${v.action}" novalidate>
<input type="hidden" name="csrf" value="${v.csrf}">
<label for="user_code">Activation code</label>
<input id="user_code" name="user_code" type="text" autocomplete="one-time-code" autocapitalize="characters" spellcheck="false" required value="${v.userCode ?? ""}"${v.error ? raw(' aria-describedby="code-error"') : ""} autofocus>
<button type="submit">Next</button>
</form></div>`,
  );
}

export interface ConfirmView {
  action: string;
  tx: string;
  csrf: string;
  clientLabel: string;
  userCode: string;
  scopes: Array<{ name: string; displayName: string | null; description: string | null }>;
}

/**
 * RFC 8628 5.4: the person confirms that the code matches their device and allows the client its scopes (the
 * consent, when the client needs it), or denies it, which ends the device's request with access_denied.
 */
export function confirmPage(v: ConfirmView): Html {
  const items = v.scopes.map((s) => html`<li><strong>${s.displayName ?? s.name}</strong>${s.description ? html` — ${s.description}` : ""}</li>`);
  return page(
    "Allow your device",
    html`<div class="card">
<h1>${v.clientLabel}</h1><p class="sub">on the device showing <strong id="user-code">${v.userCode}</strong> would like to:</p>
<ul class="scopes">${items}</ul>
<form method="post" action="${v.action}">
<input type="hidden" name="tx" value="${v.tx}"><input type="hidden" name="csrf" value="${v.csrf}">
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny" class="secondary">Deny</button>
</form></div>`,
  );
}

/** The end of the activation: the device gets its tokens (or access_denied) at its next poll. */
export function deviceDonePage(approved: boolean): Html {
  return approved
    ? page("Device activated", html`<div class="card"><h1>Device activated</h1><p class="sub">You may now return to your device.</p></div>`)
    : page("Device not activated", html`<div class="card"><h1>Device not activated</h1><p class="sub">You denied the request. You may close this window.</p></div>`);
}
