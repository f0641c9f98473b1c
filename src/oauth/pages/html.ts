/** Escapes text for HTML element content and attribute values. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!);
}

const STYLE = `
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
.error{color:var(--err);border:1px solid var(--err);border-radius:8px;padding:.6rem .8rem;margin:0 0 1rem}
ul.scopes{padding-left:1.2rem}footer{color:var(--muted);font-size:.85rem;text-align:center;margin-top:1rem}
`;

/**
 * Security headers for every page: a CSP that allows only our inline style (and, for form_post, one script by
 * nonce), no framing (frame-ancestors 'none', X-Frame-Options for old browsers), no referrer, no caching.
 */
export function pageHeaders(scriptNonce?: string): Record<string, string> {
  const script = scriptNonce ? `'nonce-${scriptNonce}'` : "'none'";
  return {
    "Content-Type": "text/html; charset=utf-8",
    "Content-Security-Policy": `default-src 'none'; style-src 'unsafe-inline'; script-src ${script}; form-action *; frame-ancestors 'none'; base-uri 'none'`,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    Pragma: "no-cache",
  };
}

/** A page with its security headers and the cookies it sets. */
export function pageResponse(body: string, status: number, cookies: readonly string[] = [], scriptNonce?: string): Response {
  const headers = new Headers(pageHeaders(scriptNonce));
  for (const cookie of cookies) headers.append("Set-Cookie", cookie);
  return new Response(body, { status, headers });
}

export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>${STYLE}</style></head>
<body><main>${body}<footer>Secured by Mintgate</footer></main></body></html>`;
}
