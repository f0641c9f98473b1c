import { z } from "zod";
import type { TrustedOriginRecord } from "../store/trusted-origins";
import { link } from "./links";
import { Links } from "./openapi";

// Okta: the supported schemes are HTTP, HTTPS, FTP, Ionic 2 and Capacitor.
const SCHEMES = ["http", "https", "ftp", "ionic", "capacitor"];

/**
 * An origin is scheme://host[:port] and nothing else (no path, query, fragment or credentials). It is normalized as
 * browsers serialize origins (lowercase scheme and host, no default port) so that uniqueness and CORS matching agree.
 */
export function normalizeOrigin(raw: string): string | undefined {
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#@\s]+$/.test(raw) || !URL.canParse(raw)) return undefined;
  const url = new URL(raw);
  const scheme = url.protocol.slice(0, -1).toLowerCase();
  if (!SCHEMES.includes(scheme) || !url.hostname) return undefined;
  return `${scheme}://${url.host.toLowerCase()}`;
}

const Origin = z
  .string({ error: (i) => (i.input === undefined || i.input === null ? "The field cannot be left blank" : "Expected a string") })
  .max(255, "must be at most 255 characters")
  .transform((s, ctx) => {
    const origin = normalizeOrigin(s);
    if (!origin) {
      ctx.addIssue({ code: "custom", message: "must be an origin (scheme://host[:port]) with scheme http, https, ftp, ionic or capacitor" });
      return z.NEVER;
    }
    return origin;
  });

const Scope = z
  .object({
    type: z.enum(["CORS", "REDIRECT", "IFRAME_EMBED"], { error: "must be one of CORS, REDIRECT, IFRAME_EMBED" }),
    allowedOktaApps: z.array(z.enum(["OKTA_ENDUSER"], { error: "must be OKTA_ENDUSER" })).max(1).optional(),
  })
  .refine((s) => s.allowedOktaApps === undefined || s.type === "IFRAME_EMBED", {
    message: "allowedOktaApps applies only to IFRAME_EMBED",
    path: ["allowedOktaApps"],
  });

/**
 * Okta's TrustedOriginWrite (create) and TrustedOrigin (replace) bodies: name, origin and one to three scopes of
 * distinct types. Read-only fields a client echoes back on replace (id, status, created, _links) are ignored.
 */
export const TrustedOriginInput = z.object({
  name: z
    .string({ error: (i) => (i.input === undefined || i.input === null ? "The field cannot be left blank" : "Expected a string") })
    .trim()
    .min(1, "The field cannot be left blank")
    .max(255, "must be at most 255 characters"),
  origin: Origin,
  scopes: z
    .array(Scope, { error: "The field cannot be left blank" })
    .min(1, "at least one scope is required")
    .max(3, "at most 3 scopes")
    .refine((s) => new Set(s.map((x) => x.type)).size === s.length, "each scope type may appear once"),
}).meta({ id: "TrustedOriginWrite" });

export type TrustedOriginInput = z.infer<typeof TrustedOriginInput>;

/** The list's search: q is a prefix of name or origin, filter an Okta expression (limit and after: readPaging). */
export const TrustedOriginListQuery = z.object({
  q: z.string().max(256).optional(),
  filter: z.string().max(1024).optional(),
});

/** Okta's TrustedOrigin response object. */
export const TrustedOrigin = z
  .object({
    id: z.string(),
    name: z.string(),
    origin: z.string(),
    scopes: z.array(z.object({ type: z.enum(["CORS", "REDIRECT", "IFRAME_EMBED"]), allowedOktaApps: z.array(z.string()).optional() })),
    status: z.enum(["ACTIVE", "INACTIVE"]),
    created: z.string(),
    createdBy: z.string(),
    lastUpdated: z.string(),
    lastUpdatedBy: z.string(),
    _links: Links,
  })
  .meta({ id: "TrustedOrigin" });

/** Okta's TrustedOrigin response; links reflect the status (deactivate when ACTIVE, activate when INACTIVE). */
export function toTrustedOriginResponse(t: TrustedOriginRecord, base: string): z.input<typeof TrustedOrigin> {
  const self = `${base}/api/v1/trustedOrigins/${t.id}`;
  return {
    id: t.id,
    name: t.name,
    origin: t.origin,
    scopes: t.scopes,
    status: t.status,
    created: t.created,
    createdBy: t.createdBy,
    lastUpdated: t.lastUpdated,
    lastUpdatedBy: t.lastUpdatedBy,
    _links: {
      self: link(self, "GET", "PUT", "DELETE"),
      ...(t.status === "ACTIVE"
        ? { deactivate: link(`${self}/lifecycle/deactivate`, "POST") }
        : { activate: link(`${self}/lifecycle/activate`, "POST") }),
    },
  };
}
