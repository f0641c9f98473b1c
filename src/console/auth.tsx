import { Hono, type Context } from "hono";
import { base64url, fromBase64url } from "../encoding";
import { executionCtxOf } from "../execution-ctx";
import { hasRole } from "../store/admin-access";
import { ADMIN_SCOPES } from "../tokens/route-scopes";
import { callbackUri, CONSOLE_CLIENT_ID, ensureConsoleClient } from "./client";
import type { ConsoleEnv } from "./env";
import { render } from "./render";
import { clearFlowCookie, clearSessionCookie, currentFlow, flowCookie, newCsrf, sessionCookie } from "./session";

/** Okta's administrator role; only it opens the console (the admin API asks the same of org tokens). */
const SUPER_ADMIN = "SUPER_ADMIN";
const SCOPES = ["openid", "profile", ...ADMIN_SCOPES].join(" ");

async function s256(verifier: string): Promise<string> {
  return base64url(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))));
}

function jwtPayload(jwt: string): Record<string, unknown> {
  return JSON.parse(new TextDecoder().decode(fromBase64url(jwt.split(".")[1] ?? "")));
}

function Problem(p: { title: string; children: unknown }) {
  return (
    <div class="card">
      <h1>{p.title}</h1>
      {p.children}
      <p>
        <a class="button" href="/admin/signin">
          Sign in again
        </a>
      </p>
    </div>
  );
}

/**
 * A form POST to one of the org server's endpoints, in-process, under this request's ExecutionContext: the
 * endpoint's System Log events are sent under its waitUntil (log/emit.ts).
 */
function orgPost(c: Context<ConsoleEnv>, endpoint: string, params: Record<string, string>) {
  const req = new Request(`${new URL(c.req.url).origin}/oauth2/v1/${endpoint}`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
    body: new URLSearchParams(params).toString(),
  });
  return c.get("worker")(req, c.env, executionCtxOf(c));
}

/**
 * Sign-in to the console: the org authorization server's own authorization code flow with PKCE (S256), state and
 * nonce, through Mintgate's hosted sign-in page. The code is redeemed in-process at /oauth2/v1/token.
 */
export const consoleAuth = new Hono<ConsoleEnv>()
  .get("/signin", async (c) => {
    const origin = new URL(c.req.url).origin;
    await ensureConsoleClient(c.env, origin, c.get("now"));
    const { flow, cookie } = await flowCookie(c.env, c.get("now"));
    const q = new URLSearchParams({
      client_id: CONSOLE_CLIENT_ID,
      response_type: "code",
      scope: SCOPES,
      redirect_uri: callbackUri(origin),
      state: flow.state,
      nonce: flow.nonce,
      code_challenge: await s256(flow.verifier),
      code_challenge_method: "S256",
    });
    c.header("Set-Cookie", cookie);
    c.header("Cache-Control", "no-store");
    return c.redirect(`/oauth2/v1/authorize?${q}`, 302);
  })
  .get("/callback", async (c) => {
    const flow = await currentFlow(c, c.get("now"));
    c.header("Set-Cookie", clearFlowCookie(), { append: true });
    const state = c.req.query("state");
    if (!flow || !state || state !== flow.state) {
      return render(c, "Sign-in expired", undefined, <Problem title="Sign-in expired">{<p>This sign-in was started too long ago or in another browser. Please sign in again.</p>}</Problem>, 400);
    }
    const error = c.req.query("error");
    if (error) {
      const description = c.req.query("error_description") ?? error;
      return render(c, "Sign-in did not complete", undefined, <Problem title="Sign-in did not complete">{<p>{description}</p>}</Problem>, 403);
    }
    const code = c.req.query("code") ?? "";
    const origin = new URL(c.req.url).origin;
    const res = await orgPost(c, "token", {
      grant_type: "authorization_code",
      code,
      redirect_uri: callbackUri(origin),
      client_id: CONSOLE_CLIENT_ID,
      code_verifier: flow.verifier,
    });
    const tokens = (await res.json()) as { access_token?: string; id_token?: string; error_description?: string };
    if (!res.ok || !tokens.access_token || !tokens.id_token) {
      return render(c, "Sign-in did not complete", undefined, <Problem title="Sign-in did not complete">{<p>{tokens.error_description ?? "The sign-in could not be completed."}</p>}</Problem>, 400);
    }
    const id = jwtPayload(tokens.id_token);
    if (id.nonce !== flow.nonce) {
      return render(c, "Sign-in did not complete", undefined, <Problem title="Sign-in did not complete">{<p>The sign-in response did not match this sign-in.</p>}</Problem>, 400);
    }
    const at = jwtPayload(tokens.access_token);
    const userId = String(at.uid);
    const login = String(at.sub);
    if (!(await hasRole(c.env.DB, userId, SUPER_ADMIN))) {
      // Not an admin: the token is revoked at once and no session starts.
      await orgPost(c, "revoke", { token: tokens.access_token, token_type_hint: "access_token", client_id: CONSOLE_CLIENT_ID });
      return render(
        c,
        "No administrator access",
        undefined,
        <div class="card">
          <h1>No administrator access</h1>
          <p role="alert">
            You signed in as <strong>{login}</strong>, but this account is not an administrator. Only people with the Super Administrator role
            (SUPER_ADMIN) can use the Mintgate Admin console.
          </p>
          <p>Ask an administrator to grant you the role, or sign in with another account.</p>
        </div>,
        403,
      );
    }
    const cookie = await sessionCookie(c.env, { accessToken: tokens.access_token, userId, login, csrf: newCsrf(), exp: Number(at.exp) * 1000 }, c.get("now"));
    c.header("Set-Cookie", cookie, { append: true });
    return c.redirect("/admin", 303);
  });

/** Signing out ends the console session (and its token). */
export async function signOut(c: Context<ConsoleEnv>) {
  await orgPost(c, "revoke", { token: c.get("session").accessToken, token_type_hint: "access_token", client_id: CONSOLE_CLIENT_ID });
  c.header("Set-Cookie", clearSessionCookie());
  c.set("session", undefined as never);
  return render(
    c,
    "Signed out",
    undefined,
    <div class="card">
      <h1>Signed out</h1>
      <p>You have signed out of the Mintgate Admin console.</p>
      <p>
        <a class="button" href="/admin/signin">
          Sign in
        </a>
      </p>
    </div>,
  );
}
