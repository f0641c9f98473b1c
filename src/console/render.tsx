import type { Context } from "hono";
import type { Child } from "hono/jsx";
import type { ConsoleEnv } from "./env";
import { Layout } from "./layout";

/** A console page: HTML, never cached (the security headers come from the console app's middleware). */
export function render(c: Context<ConsoleEnv>, title: string, section: string | undefined, body: Child, status = 200) {
  const s = c.get("session");
  const user = s ? { login: s.login, csrf: s.csrf } : undefined;
  c.header("Cache-Control", "no-store");
  return c.html(
    <Layout title={title} section={section} user={user}>
      {body}
    </Layout>,
    status as 200,
  );
}

/** Flash messages by code, so a redirect can say what happened without reflecting text from the URL. */
const NOTICES: Record<string, string> = {
  created: "Created.",
  saved: "Saved.",
  deleted: "Deleted.",
  activated: "Activated.",
  deactivated: "Deactivated.",
  suspended: "Suspended.",
  unsuspended: "Unsuspended.",
  rotated: "The signing keys were rotated: the NEXT key is now ACTIVE.",
  moved: "Priority changed.",
  assigned: "Assigned.",
  unassigned: "Unassigned.",
  added: "Added.",
  removed: "Removed.",
  unlocked: "Unlocked: the person can sign in again.",
  "sessions-reset": "Their sessions were ended: they must sign in again.",
  "sessions-tokens-reset": "Their sessions were ended and their OAuth tokens revoked.",
};

export const notice = (c: Context) => NOTICES[c.req.query("notice") ?? ""] ?? null;

export const done = (c: Context, path: string, code: keyof typeof NOTICES | string) => c.redirect(`${path}${path.includes("?") ? "&" : "?"}notice=${code}`, 303);

/** The urlencoded body of a console form. */
export async function form(c: Context): Promise<URLSearchParams> {
  return formOf(c.req.raw);
}

/** Bytes decoded as UTF-8 (workerd warns when .text() reads a form body). */
export async function formOf(req: Request): Promise<URLSearchParams> {
  return new URLSearchParams(new TextDecoder().decode(await req.arrayBuffer()));
}

export const enc = encodeURIComponent;
