import type { Context } from "hono";
import { isoTime, epochSeconds } from "../../clock";
import type { AppEnv } from "../../env";
import { OAuthError, PageError } from "../../errors";
import { orgBase } from "../../issuer";
import { cachedClient } from "../../cache/clients";
import { cachedServer, type ServerBundle } from "../../cache/server-bundle";
import { saveConsent } from "../../store/consents";
import { approveDevice, denyDevice, findPendingByUserCode, recordUserCodeMiss, userCodeMisses, type DeviceAuthorization } from "../../store/device-authorizations";
import { getUser } from "../../store/users";
import { USER_CODE_WINDOW_SECONDS } from "../../store/retention";
import { ORG_SERVER_ID, orgBundle } from "../../tokens/org-server";
import { DEVICE_CODE_GRANT } from "../grants/device-code";
import { admitPerson, personGrant } from "../minting/person-access";
import { codeEntryPage, confirmPage, deviceDonePage } from "../pages/activate";
import { keepCookies } from "../pages/errors";
import { pageResponse } from "../pages/html";
import { signInPage } from "../pages/signin";
import { requestParams } from "../request/params";
import { checkPasswordAttempt } from "../request/password-attempt";
import { logEvents } from "../../log/emit";
import { signInEvent } from "../people-events";
import { currentSession, newSession } from "../request/session";
import { csrfFor, csrfMatches, openActivation, sealActivation, type ActivationTx } from "./activation-tx";
import { normaliseUserCode, userCodeHash } from "./user-code";

const ACTIVATE = "/activate";
const INVALID_CODE = "The user code is invalid or has expired.";
const FORM_EXPIRED = "This activation form has expired or was not sent by this browser. Enter the code again.";
const SIGN_IN_FAILED = "Unable to sign in. Check your username and password and try again.";
/** RFC 8628 5.1: wrong codes one address may enter per window before the page stops looking codes up. */
const MAX_MISSES = 10;
const MISS_WINDOW_SECONDS = USER_CODE_WINDOW_SECONDS;

/** The address guesses are counted against: Cloudflare's client IP (absent only in local development). */
const addressOf = (c: Context<AppEnv>) => c.req.header("CF-Connecting-IP") ?? "local";

/** GET /activate[?user_code=…]: the code entry page, prefilled from verification_uri_complete. */
export async function activatePage(c: Context<AppEnv>): Promise<Response> {
  const { csrf, cookie } = csrfFor(c);
  const typed = (c.req.query("user_code") ?? "").slice(0, 32);
  return pageResponse(codeEntryPage({ action: ACTIVATE, csrf, userCode: typed }), 200, [cookie]);
}

/** POST /activate: the code entered; then the sign-in page, or the confirmation when an SSO session exists. */
export async function submitCode(c: Context<AppEnv>): Promise<Response> {
  const now = c.get("now");
  const nowSeconds = epochSeconds(now);
  const form = await requestParams(c.req.raw);
  if (!csrfMatches(c, form)) throw new PageError("invalid_request", FORM_EXPIRED);
  const address = addressOf(c);
  // Throttle before the lookup, so a guesser past the limit learns nothing more.
  if ((await userCodeMisses(c.env.DB, address, nowSeconds, MISS_WINDOW_SECONDS)) >= MAX_MISSES) {
    throw new PageError("slow_down", "Too many invalid codes were entered. Please try again later.", 429);
  }
  const typed = form.get("user_code") ?? "";
  const code = normaliseUserCode(typed);
  const hash = code && (await userCodeHash(code));
  const device = hash ? await findPendingByUserCode(c.env.DB, hash, nowSeconds) : null;
  const { csrf, cookie } = csrfFor(c);
  if (!device || !code || !hash) {
    await recordUserCodeMiss(c.env.DB, address, nowSeconds, MISS_WINDOW_SECONDS);
    return pageResponse(codeEntryPage({ action: ACTIVATE, csrf, userCode: typed.slice(0, 32), error: INVALID_CODE }), 400, [cookie]);
  }
  const tx: Omit<ActivationTx, "exp"> = { userCodeHash: hash, userCode: code, csrf };
  const session = await currentSession(c, now);
  const user = session && (await getUser(c.env.DB, session.userId));
  if (!user || user.status !== "ACTIVE") return renderSignIn(c, tx, now, []);
  return renderConfirm(c, device, tx, now, []);
}

/** POST /activate/signin: the sign-in form of the activation. */
export async function activationSignIn(c: Context<AppEnv>): Promise<Response> {
  const now = c.get("now");
  const form = await requestParams(c.req.raw);
  const tx = await openActivation(c, form, now);
  if (!tx) throw new PageError("invalid_request", FORM_EXPIRED);
  const device = await pendingDevice(c, tx, now);
  const login = (form.get("username") ?? "").trim();
  const started = await newSession(c, ["pwd"], now);
  const attempt = await checkPasswordAttempt(c.env, login, form.get("password") ?? "", now, c.req.header("CF-Connecting-IP") ?? null, started.statements);
  // Okta: the activation page's sign-in starts a session like the sign-in page's (user.session.start, FAILURE or not).
  logEvents(c, [...attempt.events, signInEvent(attempt.kind === "verified" ? attempt.user : null, login, attempt.kind === "verified")]);
  if (attempt.kind !== "verified") return renderSignIn(c, tx, now, [], { login: login.slice(0, 100), error: SIGN_IN_FAILED, status: 401 });
  return renderConfirm(c, device, tx, now, [started.cookie]);
}

/** POST /activate/confirm: allow or deny. Deny ends the device's request with access_denied. */
export async function activationConfirm(c: Context<AppEnv>): Promise<Response> {
  const now = c.get("now");
  const nowSeconds = epochSeconds(now);
  const form = await requestParams(c.req.raw);
  const tx = await openActivation(c, form, now);
  const session = await currentSession(c, now);
  if (!tx || !session) throw new PageError("invalid_request", FORM_EXPIRED);
  const device = await pendingDevice(c, tx, now);
  if (form.get("decision") !== "allow") {
    await denyDevice(c.env.DB, tx.userCodeHash, nowSeconds);
    return pageResponse(deviceDonePage(false), 200);
  }
  const bundle = await deviceServer(c, device, now);
  const client = await cachedClient(c.env, device.clientId, now);
  if (!client || client.status !== "ACTIVE") throw new PageError("invalid_client", "The application is no longer available.");
  const user = await getUser(c.env.DB, session.userId);
  if (!user || user.status !== "ACTIVE") throw new PageError("invalid_request", FORM_EXPIRED);
  let admitted: Awaited<ReturnType<typeof admitPerson>>;
  try {
    admitted = await admitPerson(c.env, bundle, client, user.id, device.scopes, DEVICE_CODE_GRANT, now);
  } catch (err) {
    if (!(err instanceof OAuthError)) throw err;
    // The person may not use this client: the device's request ends (access_denied at its next poll) and the page says why.
    await denyDevice(c.env.DB, tx.userCodeHash, nowSeconds);
    throw new PageError(err.error, err.description);
  }
  // The person saw and allowed these scopes: that is the consent a REQUIRED client needs (not IMPLICIT ones).
  if (client.settings.consent_method === "REQUIRED") {
    const implicit = new Set(bundle.scopes.filter((s) => s.consent === "IMPLICIT").map((s) => s.name));
    await saveConsent(c.env.DB, user.id, client.clientId, bundle.server.id, device.scopes.filter((s) => !implicit.has(s)), isoTime(now));
  }
  if (!(await approveDevice(c.env.DB, tx.userCodeHash, user.id, personGrant(admitted.decision, session.authTime, session.amr, "urn:ietf:params:oauth:grant-type:device_code"), nowSeconds))) {
    throw new PageError("invalid_user_code", INVALID_CODE);
  }
  return pageResponse(deviceDonePage(true), 200);
}

async function pendingDevice(c: Context<AppEnv>, tx: ActivationTx, now: number): Promise<DeviceAuthorization> {
  const device = await findPendingByUserCode(c.env.DB, tx.userCodeHash, epochSeconds(now));
  if (!device) throw new PageError("invalid_user_code", INVALID_CODE);
  return device;
}

async function deviceServer(c: Context<AppEnv>, device: DeviceAuthorization, now: number): Promise<ServerBundle> {
  if (device.authServerId === ORG_SERVER_ID) return orgBundle(orgBase(c.env, c.req.url));
  const bundle = await cachedServer(c.env, device.authServerId, now);
  if (!bundle || bundle.server.status !== "ACTIVE") throw new PageError("invalid_request", "The authorization server of this request is no longer available.");
  return bundle;
}

async function renderSignIn(c: Context<AppEnv>, tx: Omit<ActivationTx, "exp">, now: number, cookies: string[], view: { login?: string; error?: string; status?: number } = {}) {
  const sealed = await sealActivation(c, tx, now);
  const body = signInPage({ serverName: "your device", action: `${ACTIVATE}/signin`, tx: sealed, csrf: tx.csrf, login: view.login, error: view.error });
  return pageResponse(body, view.status ?? 200, [...cookies, csrfFor(c).cookie]);
}

async function renderConfirm(c: Context<AppEnv>, device: DeviceAuthorization, tx: Omit<ActivationTx, "exp">, now: number, cookies: string[]) {
  // A session started here goes out with whatever this request ends in, an error page included.
  keepCookies(c, cookies);
  const bundle = await deviceServer(c, device, now);
  const client = await cachedClient(c.env, device.clientId, now);
  if (!client || client.status !== "ACTIVE") throw new PageError("invalid_client", "The application is no longer available.");
  const byName = new Map(bundle.scopes.map((s) => [s.name, s]));
  const body = confirmPage({
    action: `${ACTIVATE}/confirm`,
    tx: await sealActivation(c, tx, now),
    csrf: tx.csrf,
    clientLabel: client.label,
    userCode: tx.userCode,
    scopes: device.scopes.map((name) => ({ name, displayName: byName.get(name)?.displayName ?? null, description: byName.get(name)?.description ?? null })),
  });
  return pageResponse(body, 200, [...cookies, csrfFor(c).cookie]);
}
