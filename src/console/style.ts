/** The sign-in page's look (same colours, fields and focus ring), widened for tables and forms; light and dark. */
export const CONSOLE_CSS = `
:root{color-scheme:light dark;--fg:#1b1f24;--muted:#57606a;--bg:#f6f8fa;--card:#fff;--accent:#0b57d0;--err:#b3261e;--ok:#116329;--line:#d0d7de;--code:#eef1f4}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9da7b3;--bg:#0d1117;--card:#161b22;--accent:#7aa7ff;--err:#ff8a80;--ok:#7ee2a8;--line:#30363d;--code:#0b0f14}}
*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
a{color:var(--accent)}a:focus,input:focus,select:focus,textarea:focus,button:focus,summary:focus{outline:3px solid var(--accent);outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:var(--card);padding:.5rem;z-index:2}
header.top{display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;align-items:center;padding:.75rem 1rem;border-bottom:1px solid var(--line);background:var(--card)}
header.top .brand{font-weight:700;text-decoration:none;color:var(--fg)}
nav ul{display:flex;flex-wrap:wrap;gap:.25rem 1rem;list-style:none;margin:0;padding:0}
nav a[aria-current=page]{font-weight:700}
header.top form{margin-left:auto;display:flex;gap:.75rem;align-items:center}header.top form span{color:var(--muted);font-size:.9rem}
main{max-width:64rem;margin:1.5rem auto;padding:0 1rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:1.25rem;margin:0 0 1.25rem;overflow-x:auto}
h1{font-size:1.5rem;margin:0 0 1rem}h2{font-size:1.2rem;margin:0 0 .75rem}h3{font-size:1.05rem;margin:1rem 0 .5rem}
p.sub,.muted{color:var(--muted)}
label,.label{display:block;font-weight:600;margin:1rem 0 .35rem}
.check label{display:inline;font-weight:400;margin:0 1rem 0 .35rem}
input[type=text],input[type=password],input[type=email],input[type=url],input[type=number],input[type=search],select,textarea{width:100%;max-width:40rem;padding:.6rem .7rem;font:inherit;color:inherit;background:transparent;border:1px solid var(--line);border-radius:8px}
select option{background:var(--card);color:var(--fg)}
textarea{min-height:5rem;font-family:ui-monospace,SFMono-Regular,Menlo,monospace}
input[aria-invalid=true],textarea[aria-invalid=true],select[aria-invalid=true]{border-color:var(--err)}
button,.button{display:inline-block;margin:.75rem .5rem 0 0;padding:.55rem 1rem;font:inherit;font-weight:600;color:#fff;background:var(--accent);border:0;border-radius:8px;cursor:pointer;text-decoration:none}
@media (prefers-color-scheme:dark){button,.button{color:#0d1117}}
button.secondary,.button.secondary{background:transparent;color:var(--fg);border:1px solid var(--line)}
button.danger{background:var(--err)}
form.inline{display:inline}form.inline button{margin:0 .25rem .25rem 0;padding:.3rem .7rem;font-size:.9rem}
.hint{color:var(--muted);font-size:.9rem;margin:.25rem 0 0}
.field-error{color:var(--err);margin:.25rem 0 0;font-size:.95rem}
.error{color:var(--err);border:1px solid var(--err);border-radius:8px;padding:.6rem .8rem;margin:0 0 1rem}
.notice{color:var(--ok);border:1px solid var(--ok);border-radius:8px;padding:.6rem .8rem;margin:0 0 1rem}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.45rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.9rem;background:var(--code);border-radius:6px}
code{padding:.1rem .3rem;overflow-wrap:anywhere}pre{padding:.75rem;overflow-x:auto;white-space:pre-wrap;word-break:break-all}
.status-ACTIVE{color:var(--ok);font-weight:600}.status-INACTIVE,.status-EXPIRED,.status-SUSPENDED,.status-DEPROVISIONED{color:var(--muted);font-weight:600}
.tabs{display:flex;flex-wrap:wrap;gap:.25rem 1rem;list-style:none;padding:0;margin:0 0 1rem;border-bottom:1px solid var(--line)}
.tabs a{display:inline-block;padding:.4rem 0}
.secret{font-size:1.05rem}
.caret{color:var(--err);white-space:pre}
footer{color:var(--muted);font-size:.85rem;text-align:center;margin:2rem 0 1rem}
@media (max-width:600px){th,td{padding:.35rem .25rem;font-size:.92rem}main{padding:0 .6rem}.card{padding:1rem .75rem}}
`;
