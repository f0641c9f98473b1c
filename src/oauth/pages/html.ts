import type { MiddlewareHandler } from "hono";
import { html, raw } from "hono/html";
import { secureHeaders } from "hono/secure-headers";
import type { HtmlEscapedString } from "hono/utils/html";

/** A page or part of one: hono/html escapes every interpolated value unless it is itself Html. */
export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

const STYLE = raw(`
:root{color-scheme:light dark;--fg:#1b1f24;--muted:#57606a;--bg:#f6f8fa;--card:#fff;--accent:#0b57d0;--err:#b3261e;--line:#d0d7de}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9da7b3;--bg:#0d1117;--card:#161b22;--accent:#7aa7ff;--err:#ff8a80;--line:#30363d}}
*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:24rem;margin:8vh auto;padding:0 1rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:2rem 1.5rem}
h1{font-size:1.4rem;margin:0 0 .25rem}p.sub{color:var(--muted);margin:0 0 1.5rem}
label{display:block;font-weight:600;margin:1rem 0 .35rem}
input[type=text],input[type=password],input[type=email]{width:100%;padding:.7rem .8rem;font:inherit;color:inherit;background:transparent;border:1px solid var(--line);border-radius:8px}
input:focus,button:focus{outline:3px solid var(--accent);outline-offset:2px}
button{width:100%;margin-top:1.5rem;padding:.8rem;font:inherit;font-weight:600;color:#fff;background:var(--accent);border:0;border-radius:8px;cursor:pointer}
button.secondary{background:transparent;color:var(--fg);border:1px solid var(--line);margin-top:.75rem}
@media (prefers-color-scheme:dark){button{color:#0d1117}button.secondary{color:var(--fg)}}
.error{color:var(--err);border:1px solid var(--err);border-radius:8px;padding:.6rem .8rem;margin:0 0 1rem}
ul.scopes{padding-left:1.2rem}footer{color:var(--muted);font-size:.85rem;text-align:center;margin-top:1rem}
`);

/** A CSP that allows only our inline style and, for form_post, one script by nonce; no framing, no base, no plugins. */
const CSP = {
  defaultSrc: ["'none'"],
  styleSrc: ["'unsafe-inline'"],
  scriptSrc: ["'none'"],
  formAction: ["*"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
};

/** The form_post page's CSP: the same, with its one script allowed by nonce. */
const cspWithScript = (nonce: string) =>
  `default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-${nonce}'; form-action *; frame-ancestors 'none'; base-uri 'none'`;

/**
 * Security headers for every response of the page routes (hono/secure-headers): the CSP above, no framing
 * (X-Frame-Options for old browsers), no referrer, no sniffing. A CSP a response sets itself (form_post) is kept.
 */
const securityHeaders = secureHeaders({
  contentSecurityPolicy: CSP,
  xFrameOptions: "DENY",
  referrerPolicy: "no-referrer",
  strictTransportSecurity: false,
  overwrite: false,
});

/**
 * And HSTS on every page served over https (security finding 11), so a browser that has seen a sign-in page never
 * again sends a password or session cookie over http. One year (RFC 6797); without includeSubDomains, because
 * whether the domain's other hosts are https-only is the operator's call. Not sent over http (RFC 6797 7.2).
 */
export const pageSecurity: MiddlewareHandler = async (c, next) => {
  await securityHeaders(c, next);
  if (c.req.url.startsWith("https://")) c.res.headers.set("Strict-Transport-Security", "max-age=31536000");
};

/** A page with the cookies it sets; never cached (the security headers come from pageSecurity). */
export async function pageResponse(body: Html, status: number, cookies: readonly string[] = [], scriptNonce?: string): Promise<Response> {
  const headers = new Headers({ "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store", Pragma: "no-cache" });
  if (scriptNonce) headers.set("Content-Security-Policy", cspWithScript(scriptNonce));
  for (const cookie of cookies) headers.append("Set-Cookie", cookie);
  return new Response(String(await body), { status, headers });
}

export function page(title: string, body: Html): Html {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title}</title><style>${STYLE}</style></head>
<body><main>${body}<footer>Secured by Mintgate</footer></main></body></html>`;
}
