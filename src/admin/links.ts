import type { Context } from "hono";

type Method = "GET" | "POST" | "PUT" | "DELETE";

/** Okta's HAL link object (HrefObject). */
export const link = (href: string, ...allow: Method[]) => ({ href, hints: { allow } });

/**
 * RFC 8288 Link headers as Okta sends them for cursor pagination: rel="self" always, rel="next" only when another
 * page exists. Clients follow them rather than building URLs.
 */
export function setPaginationLinks(c: Context, base: string, params: Record<string, string | undefined>, nextAfter?: string): void {
  const url = (extra: Record<string, string>) => {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries({ ...params, ...extra })) if (v !== undefined && v !== "") qs.set(k, v);
    const s = qs.toString();
    return s ? `${base}?${s}` : base;
  };
  c.header("Link", `<${url({})}>; rel="self"`, { append: true });
  if (nextAfter !== undefined) c.header("Link", `<${url({ after: nextAfter })}>; rel="next"`, { append: true });
}
