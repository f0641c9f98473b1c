import { expect } from "vitest";
import { admin, call } from "../support/admin";
import { cookieFrom, createPerson, formPage, postForm, submitSignIn, type Person } from "../support/people";

/** A signed-in console session (SUPER_ADMIN), as a browser gets it: the sign-in page and the callback. */
export async function consoleSession(): Promise<{ cookie: string; csrf: string }> {
  const p: Person = await createPerson();
  expect((await admin(`/users/${p.id}/roles`, { method: "POST", json: { type: "SUPER_ADMIN" } })).status).toBe(201);
  const start = await call("/admin/signin");
  const flow = cookieFrom(start, "__Host-mg_console_flow")!;
  const authorize = new URL(start.headers.get("Location")!, "http://mintgate.test");
  const signedIn = await submitSignIn(await formPage(await call(`${authorize.pathname}${authorize.search}`)), p.login, p.password);
  const back = new URL(signedIn.headers.get("Location")!);
  const res = await call(`${back.pathname}${back.search}`, { headers: { Cookie: flow } });
  expect(res.status).toBe(303);
  const cookie = cookieFrom(res, "__Host-mg_console")!;
  const html = await (await call("/admin/groups", { headers: { Cookie: cookie } })).text();
  return { cookie, csrf: /name="csrf" value="([^"]+)"/.exec(html)![1]! };
}

export type ConsoleSession = Awaited<ReturnType<typeof consoleSession>>;

/** A console page, GET with the session cookie. */
export const page = (s: ConsoleSession, path: string) => call(path, { headers: { Cookie: s.cookie } });

/** A console form POST with the session's cookie and (unless told otherwise) its CSRF token. */
export const post = (s: ConsoleSession, path: string, fields: Record<string, string> = {}, csrf = true) =>
  postForm(path, { ...fields, ...(csrf ? { csrf: s.csrf } : {}) }, [s.cookie]);
