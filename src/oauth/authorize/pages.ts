import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { serverPath } from "../../issuer";
import type { AppRecord } from "../../store/apps";
import { cachedClient } from "../../cache/clients";
import { CSRF_COOKIE, readCookie, setCookie } from "../request/cookies";
import { consentPage } from "../pages/consent";
import { pageResponse } from "../pages/html";
import { signInPage } from "../pages/signin";
import type { ServerBundle } from "../../cache/server-bundle";
import { newCsrf, sealTransaction } from "./transaction";

const CSRF_COOKIE_SECONDS = 30 * 60;

/** The CSRF token for this browser: reused while its cookie lives, so two open tabs both work. */
function csrfFor(c: Context<AppEnv>): { csrf: string; cookie: string } {
  const existing = readCookie(c, CSRF_COOKIE);
  const csrf = existing && /^[0-9A-Za-z]{32}$/.test(existing) ? existing : newCsrf();
  return { csrf, cookie: setCookie(CSRF_COOKIE, csrf, CSRF_COOKIE_SECONDS) };
}

export async function renderSignIn(
  c: Context<AppEnv>,
  bundle: ServerBundle,
  params: Map<string, string>,
  now: number,
  view: { login?: string; error?: string; status?: number },
): Promise<Response> {
  const { csrf, cookie } = csrfFor(c);
  const tx = await sealTransaction(c.env, { serverId: bundle.server.id, params: [...params], csrf }, now);
  // The flow has already loaded the client, so this is the isolate cache, not D1.
  const clientId = params.get("client_id");
  const client = clientId ? await cachedClient(c.env, clientId, now) : null;
  const body = signInPage({
    serverName: bundle.server.name,
    clientLabel: client?.label,
    action: `${serverPath(bundle.server.id)}/v1/authorize/signin`,
    tx,
    csrf,
    login: view.login,
    error: view.error,
  });
  return pageResponse(body, view.status ?? 200, [cookie]);
}

export async function renderConsent(
  c: Context<AppEnv>,
  bundle: ServerBundle,
  client: AppRecord,
  params: Map<string, string>,
  scopes: string[],
  now: number,
  cookies: string[],
  signedInUserId?: string,
): Promise<Response> {
  const { csrf, cookie } = csrfFor(c);
  // Remembering who signed in during this transaction keeps prompt=login from asking again after consent.
  const tx = await sealTransaction(c.env, { serverId: bundle.server.id, params: [...params], csrf, userId: signedInUserId }, now);
  const byName = new Map(bundle.scopes.map((s) => [s.name, s]));
  const body = consentPage({
    serverName: bundle.server.name,
    clientLabel: client.label,
    action: `${serverPath(bundle.server.id)}/v1/authorize/consent`,
    tx,
    csrf,
    scopes: scopes.map((name) => ({ name, displayName: byName.get(name)?.displayName ?? null, description: byName.get(name)?.description ?? null })),
  });
  return pageResponse(body, 200, [...cookies, cookie]);
}
