import { expect } from "vitest";
import { call } from "./admin";
import { FORM, type Client, type Json } from "./clients";
import { CSRF_COOKIE, SESSION_COOKIE, cookieFrom, createPerson, createWebApp, assignUser, formPage, peopleServer, postForm, submitConsent, submitSignIn, type FormPage, type Person, type PeopleRuleOptions } from "./people";

/** Builders for the device authorization grant (RFC 8628): native clients, /device/authorize, polling, /activate. */

export const DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
export const USER_CODE = /^[BCDFGHJKLMNPQRSTVWXZ]{8}$/;

/** A native public client with the device grant (and refresh tokens), as Okta's device guide registers it. */
export function nativeDeviceApp(o: { grant_types?: string[]; consent_method?: "TRUSTED" | "REQUIRED" } = {}): Promise<Client> {
  return createWebApp({ application_type: "native", method: "none", grant_types: o.grant_types ?? [DEVICE_GRANT, "refresh_token"], consent_method: o.consent_method });
}

export interface DeviceSetup {
  serverId: string;
  client: Client;
  person: Person;
}

/** A server whose rule allows the device grant, a native client and a person assigned to it. */
export async function deviceSetup(o: { rule?: PeopleRuleOptions; consent_method?: "TRUSTED" | "REQUIRED" } = {}): Promise<DeviceSetup> {
  const server = await peopleServer({ rule: { grantTypes: [DEVICE_GRANT, "refresh_token"], ...o.rule } });
  const client = await nativeDeviceApp({ consent_method: o.consent_method });
  const person = await createPerson();
  await assignUser(client.id, person.id);
  return { serverId: server.id, client, person };
}

const devicePath = (serverId: string) => (serverId === "org" ? "/oauth2/v1/device/authorize" : `/oauth2/${serverId}/v1/device/authorize`);

export function deviceAuthorize(serverId: string, params: Record<string, string> | string, headers: Record<string, string> = {}): Promise<Response> {
  const body = typeof params === "string" ? params : new URLSearchParams(params).toString();
  return call(devicePath(serverId), { method: "POST", headers: { "Content-Type": FORM, ...headers }, body });
}

/** A device request's response body, after checking it succeeded. */
export async function startDevice(serverId: string, client: Client, scope = "openid profile offline_access"): Promise<Json> {
  const res = await deviceAuthorize(serverId, { client_id: client.clientId, scope });
  const body = (await res.json()) as Json;
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body;
}

export function poll(serverId: string, client: Client, deviceCode: string): Promise<Response> {
  const path = serverId === "org" ? "/oauth2/v1/token" : `/oauth2/${serverId}/v1/token`;
  return call(path, { method: "POST", headers: { "Content-Type": FORM }, body: new URLSearchParams({ grant_type: DEVICE_GRANT, device_code: deviceCode, client_id: client.clientId }).toString() });
}

/** GET /activate (optionally prefilled): the entry page's csrf and cookie. */
export async function entryPage(userCode?: string): Promise<{ html: string; csrf: string; csrfCookie: string; res: Response }> {
  const res = await call(`/activate${userCode === undefined ? "" : `?user_code=${encodeURIComponent(userCode)}`}`);
  const html = await res.clone().text();
  expect(res.status, html).toBe(200);
  const csrf = /name="csrf" value="([^"]+)"/.exec(html)![1]!;
  return { html, csrf, csrfCookie: cookieFrom(res, CSRF_COOKIE)!, res };
}

/** POST /activate with a code, as the browser that loaded the entry page (and `cookies`, e.g. a session). */
export async function enterCode(userCode: string, cookies: string[] = [], headers: Record<string, string> = {}): Promise<Response> {
  const entry = await entryPage();
  const fields = new URLSearchParams({ csrf: entry.csrf, user_code: userCode }).toString();
  const cookie = [entry.csrfCookie, ...cookies].join("; ");
  return call("/activate", { method: "POST", headers: { "Content-Type": FORM, Cookie: cookie, ...headers }, body: fields });
}

export interface Activation {
  /** The confirmation page. */
  confirm: FormPage;
  sid: string;
}

/** Enters the code, signs in on the page and returns the confirmation page with the new session. */
export async function signInToActivate(userCode: string, person: Person): Promise<Activation> {
  const signIn = await formPage(await enterCode(userCode));
  expect(signIn.action).toBe("/activate/signin");
  const res = await submitSignIn(signIn, person.login, person.password);
  const sid = cookieFrom(res, SESSION_COOKIE)!;
  const confirm = await formPage(res);
  expect(confirm.action).toBe("/activate/confirm");
  return { confirm, sid };
}

/** The whole activation: code, sign-in, then allow or deny. Returns the final page's response. */
export async function activate(userCode: string, person: Person, decision: "allow" | "deny" = "allow"): Promise<Response> {
  const { confirm, sid } = await signInToActivate(userCode, person);
  return submitConsent(confirm, decision, [sid]);
}

export { postForm };
