import { html, raw } from "hono/html";
import { page, type Html } from "./html";

export interface SignInView {
  serverName: string;
  /** The app the person signs in to (its label); the page names it first and, smaller, the server (Okta). */
  clientLabel?: string;
  action: string;
  tx: string;
  csrf: string;
  login?: string;
  error?: string;
}

/** The hosted sign-in page: plain HTML and CSS, labelled fields, one generic error that says nothing about which part was wrong. */
export function signInPage(v: SignInView): Html {
  return page(
    `Sign in · ${v.clientLabel ?? v.serverName}`,
    html`<div class="card">
<h1>Sign in</h1>${
      v.clientLabel
        ? html`<p class="sub">to continue to <strong>${v.clientLabel}</strong><br><small>${v.serverName}</small></p>`
        : html`<p class="sub">to continue to ${v.serverName}</p>`
    }
${v.error ? html`<p class="error" role="alert" id="signin-error">${v.error}</p>` : ""}
<form method="post" action="${v.action}" novalidate>
<input type="hidden" name="tx" value="${v.tx}"><input type="hidden" name="csrf" value="${v.csrf}">
<label for="username">Username</label>
<input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${v.login ?? ""}"${v.error ? raw(' aria-describedby="signin-error"') : ""} autofocus>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form></div>`,
  );
}
