import { html } from "hono/html";
import { page, type Html } from "./html";

export interface ConsentView {
  serverName: string;
  clientLabel: string;
  action: string;
  tx: string;
  csrf: string;
  scopes: Array<{ name: string; displayName: string | null; description: string | null }>;
}

/** Asks the person to allow the client the listed scopes (Okta's consent dialog). */
export function consentPage(v: ConsentView): Html {
  const items = v.scopes.map((s) => html`<li><strong>${s.displayName ?? s.name}</strong>${s.description ? html` — ${s.description}` : ""}</li>`);
  return page(
    `Allow access · ${v.serverName}`,
    html`<div class="card">
<h1>${v.clientLabel}</h1><p class="sub">would like to:</p>
<ul class="scopes">${items}</ul>
<form method="post" action="${v.action}">
<input type="hidden" name="tx" value="${v.tx}"><input type="hidden" name="csrf" value="${v.csrf}">
<button type="submit" name="decision" value="allow">Allow access</button>
<button type="submit" name="decision" value="deny" class="secondary">Don't allow</button>
</form></div>`,
  );
}
