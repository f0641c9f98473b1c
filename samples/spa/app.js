/* global OktaAuth */
// The sample SPA: Okta's browser SDK against Mintgate. config.js (written by serve.mjs) sets MINTGATE_CONFIG.
"use strict";

const config = window.MINTGATE_CONFIG;
const origin = window.location.origin;
const $ = (id) => document.getElementById(id);

const authClient = new OktaAuth({
  issuer: config.issuer,
  clientId: config.clientId,
  redirectUri: `${origin}/login/callback`,
  postLogoutRedirectUri: `${origin}/`,
  scopes: ["openid", "profile", "email", "offline_access"],
  pkce: true,
  // Called by handleLoginRedirect once the tokens are stored: stay on this page, without the code in the address bar.
  restoreOriginalUri: async (_client, originalUri) => {
    window.history.replaceState(null, "", new URL(originalUri || "/", origin).pathname);
  },
});

// Claims that are NumericDates (seconds since the epoch), shown with their date as well.
const TIMES = new Set(["iat", "exp", "auth_time", "updated_at", "nbf"]);

function describeValue(name, value) {
  if (TIMES.has(name) && typeof value === "number") return `${value} (${new Date(value * 1000).toISOString()})`;
  return typeof value === "string" ? value : JSON.stringify(value);
}

function renderClaims(table, claims) {
  const body = table.tBodies[0];
  body.replaceChildren(
    ...Object.keys(claims)
      .sort()
      .map((name) => {
        const row = document.createElement("tr");
        const th = document.createElement("th");
        th.scope = "row";
        th.textContent = name;
        const td = document.createElement("td");
        td.textContent = describeValue(name, claims[name]);
        row.append(th, td);
        return row;
      }),
  );
}

function setStatus(text) {
  $("status").textContent = text;
}

function showError(context, err) {
  const code = err && (err.errorCode || err.name);
  const detail = err && (err.errorSummary || err.message);
  const box = $("error");
  box.textContent = `${context}: ${code ? `${code}: ` : ""}${detail || String(err)}`;
  box.hidden = false;
  console.error(context, err);
}

function show(signedIn) {
  $("signed-in").hidden = !signedIn;
  $("signed-out").hidden = signedIn;
}

async function render() {
  if (!(await authClient.isAuthenticated())) {
    show(false);
    setStatus("Signed out.");
    $("sign-in").focus();
    return;
  }
  const idToken = await authClient.tokenManager.get("idToken");
  const claims = idToken.claims;
  $("welcome").textContent = `Signed in as ${claims.email || claims.preferred_username || claims.sub}`;
  renderClaims($("id-token-claims"), claims);
  show(true);
  setStatus("Reading userinfo…");
  try {
    // The SDK attaches the HTTP response headers to the claims it returns; only the claims are shown.
    const { headers: _headers, ...userInfo } = await authClient.token.getUserInfo();
    renderClaims($("userinfo"), userInfo);
    setStatus("Signed in.");
  } catch (err) {
    setStatus("Signed in, but userinfo failed.");
    showError("Userinfo request failed", err);
  }
}

$("sign-in").addEventListener("click", async () => {
  $("sign-in").disabled = true;
  setStatus("Redirecting to sign in…");
  try {
    await authClient.signInWithRedirect({ originalUri: "/" });
  } catch (err) {
    $("sign-in").disabled = false;
    showError("Sign-in could not start", err);
  }
});

$("sign-out").addEventListener("click", async () => {
  $("sign-out").disabled = true;
  setStatus("Signing out…");
  try {
    // Revokes the refresh and access tokens, then ends the Mintgate session at /v1/logout, which sends the
    // browser back to postLogoutRedirectUri.
    await authClient.signOut({ postLogoutRedirectUri: `${origin}/` });
  } catch (err) {
    $("sign-out").disabled = false;
    setStatus("Sign-out failed.");
    showError("Sign-out failed", err);
  }
});

async function main() {
  $("issuer").textContent = config.issuer;
  $("client-id").textContent = config.clientId;
  // Starts the SDK's services first: the token manager drops the tokens signOut marked for removal (so a page
  // loaded after sign-out is signed out) and keeps the others fresh with the refresh token while the page is open.
  await authClient.start();
  if (authClient.isLoginRedirect()) {
    setStatus("Completing sign-in…");
    try {
      await authClient.handleLoginRedirect();
    } catch (err) {
      window.history.replaceState(null, "", "/");
      showError("Sign-in failed", err);
    }
  }
  await render();
}

main().catch((err) => showError("Unexpected error", err));
