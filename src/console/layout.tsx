import type { Child } from "hono/jsx";
import { raw } from "hono/html";
import { CONSOLE_CSS } from "./style";

export interface LayoutProps {
  title: string;
  /** The nav entry to mark as the current page. */
  section?: string;
  /** The signed-in admin; absent on the sign-in and refusal pages. */
  user?: { login: string; csrf: string };
  children?: Child;
}

export const SECTIONS = [
  { id: "start", href: "/admin", label: "Get started" },
  { id: "servers", href: "/admin/authorization-servers", label: "Authorization servers" },
  { id: "apps", href: "/admin/apps", label: "Applications" },
  { id: "people", href: "/admin/people", label: "People" },
  { id: "groups", href: "/admin/groups", label: "Groups" },
  { id: "origins", href: "/admin/trusted-origins", label: "Trusted origins" },
  { id: "logs", href: "/admin/logs", label: "System Log" },
] as const;

/** Every console page: a skip link, the navigation, one main landmark, and the sign-out form. */
export function Layout(p: LayoutProps) {
  return (
    <>
      {raw("<!doctype html>")}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width,initial-scale=1" />
          <title>{`${p.title} · Mintgate Admin`}</title>
          <style>{raw(CONSOLE_CSS)}</style>
        </head>
        <body>
          <a class="skip" href="#main">
            Skip to content
          </a>
          <header class="top">
            <a class="brand" href="/admin">
              Mintgate Admin
            </a>
            {p.user && (
              <nav aria-label="Console">
                <ul>
                  {SECTIONS.map((s) => (
                    <li>
                      <a href={s.href} aria-current={p.section === s.id ? "page" : undefined}>
                        {s.label}
                      </a>
                    </li>
                  ))}
                </ul>
              </nav>
            )}
            {p.user && (
              <form method="post" action="/admin/signout">
                <span>{p.user.login}</span>
                <input type="hidden" name="csrf" value={p.user.csrf} />
                <button type="submit" class="secondary">
                  Sign out
                </button>
              </form>
            )}
          </header>
          <main id="main">{p.children}</main>
          <footer>Mintgate · Okta-compatible authorization server</footer>
        </body>
      </html>
    </>
  );
}
