import { esc, page } from "./html";

export interface ConsentView {
  serverName: string;
  clientLabel: string;
  action: string;
  tx: string;
  csrf: string;
  scopes: Array<{ name: string; displayName: string | null; description: string | null }>;
}

/** Asks the person to allow the client the listed scopes (Okta's consent dialog). */
export function consentPage(v: ConsentView): string {
  const items = v.scopes.map((s) => `<li><strong>${esc(s.displayName ?? s.name)}</strong>${s.description ? ` — ${esc(s.description)}` : ""}</li>`).join("");
  return page(
    `Allow access · ${v.serverName}`,
    `<div class="card">
<h1>${esc(v.clientLabel)}</h1><p class="sub">would like to:</p>
<ul class="scopes">${items}</ul>
<form method="post" action="${esc(v.action)}">
<input type="hidden" name="tx" value="${esc(v.tx)}"><input type="hidden" name="csrf" value="${esc(v.csrf)}">
<button type="submit" name="decision" value="allow">Allow access</button>
<button type="submit" name="decision" value="deny" class="secondary">Don't allow</button>
</form></div>`,
  );
}
