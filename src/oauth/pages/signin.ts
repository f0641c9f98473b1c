import { esc, page } from "./html";

export interface SignInView {
  serverName: string;
  action: string;
  tx: string;
  csrf: string;
  login?: string;
  error?: string;
}

/** The hosted sign-in page: plain HTML and CSS, labelled fields, one generic error that says nothing about which part was wrong. */
export function signInPage(v: SignInView): string {
  return page(
    `Sign in · ${v.serverName}`,
    `<div class="card">
<h1>Sign in</h1><p class="sub">to continue to ${esc(v.serverName)}</p>
${v.error ? `<p class="error" role="alert" id="signin-error">${esc(v.error)}</p>` : ""}
<form method="post" action="${esc(v.action)}" novalidate>
<input type="hidden" name="tx" value="${esc(v.tx)}"><input type="hidden" name="csrf" value="${esc(v.csrf)}">
<label for="username">Username</label>
<input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${esc(v.login ?? "")}"${v.error ? ' aria-describedby="signin-error"' : ""} autofocus>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form></div>`,
  );
}
