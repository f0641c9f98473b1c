export const TABS = [
  { id: "settings", label: "Settings" },
  { id: "scopes", label: "Scopes" },
  { id: "claims", label: "Claims" },
  { id: "policies", label: "Access Policies" },
  { id: "keys", label: "Keys" },
  { id: "preview", label: "Token Preview" },
] as const;

/** The per-server tabs, as Okta's console lays out a custom authorization server. */
export function ServerHeader(p: { server: { id: string; name: string; status: string }; tab: (typeof TABS)[number]["id"] }) {
  const base = `/admin/authorization-servers/${encodeURIComponent(p.server.id)}`;
  return (
    <>
      <p class="muted" style="margin:0">
        <a href="/admin/authorization-servers">Authorization servers</a> /
      </p>
      <h1>
        {p.server.name} <span class={`status-${p.server.status}`}>{p.server.status}</span>
      </h1>
      <nav aria-label="Authorization server">
        <ul class="tabs">
          {TABS.map((t) => (
            <li>
              <a href={`${base}/${t.id}`} aria-current={t.id === p.tab ? "page" : undefined}>
                {t.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
    </>
  );
}
