import { z } from "zod";
import type { SigningSummary } from "../keys/key-store";
import type { AuthorizationServerRecord } from "../store/authorization-servers";
import { SIGNING_ALGS } from "../keys/crypto";
import { link } from "./links";
import { Links } from "./openapi";

/**
 * Okta's AuthorizationServer as a request body (create and full replace). Read-only fields that clients echo
 * back (id, issuer, status, created, lastUpdated, _links, credentials.signing.kid ...) are accepted and ignored.
 */
export const AuthorizationServerInput = z.object({
  name: z.string().trim().min(1, "The field cannot be left blank").max(100),
  description: z.string().max(1000).nullish(),
  audiences: z
    .array(
      z
        .string()
        .trim()
        .min(1, "An audience cannot be blank")
        .max(1024)
        // Okta: an audience containing ':' must be a valid URI.
        .refine((a) => !a.includes(":") || URL.canParse(a), "An audience containing ':' must be a valid URI"),
      { error: "Audiences must be an array with one string" },
    )
    // Okta supports exactly one audience per authorization server (checked only once it is an array).
    .refine((a: unknown) => !Array.isArray(a) || a.length === 1, "Exactly one audience is supported"),
  issuerMode: z.enum(["ORG_URL", "CUSTOM_URL", "DYNAMIC"]).optional(),
  credentials: z
    .object({
      signing: z
        .object({
          rotationMode: z.enum(["AUTO", "MANUAL"]).optional(),
          // Mintgate's option: RS256 (Okta's only algorithm, the default), ES256 or EdDSA (Ed25519).
          alg: z.enum(SIGNING_ALGS).optional(),
          use: z.literal("sig").optional(),
        })
        .optional(),
    })
    .optional(),
}).meta({ id: "AuthorizationServerRequest" });

export type AuthorizationServerInput = z.infer<typeof AuthorizationServerInput>;

/** The list endpoint's search: q over name and audiences (paging is read by readPaging). */
export const SearchQuery = z.object({ q: z.string().max(256).optional() });

/** The list's query parameters as documented: the search and Okta's cursor paging (read by readPaging). */
export const ServerListQuery = SearchQuery.extend({ after: z.string().optional(), limit: z.string().optional() });

/** Okta's AuthorizationServer response object, as toAuthorizationServer builds it. */
export const AuthorizationServer = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().optional(),
    audiences: z.array(z.string()),
    issuer: z.string(),
    issuerMode: z.enum(["ORG_URL", "CUSTOM_URL", "DYNAMIC"]),
    status: z.enum(["ACTIVE", "INACTIVE"]),
    created: z.string(),
    lastUpdated: z.string(),
    credentials: z.object({
      signing: z.object({
        rotationMode: z.enum(["AUTO", "MANUAL"]),
        lastRotated: z.string(),
        nextRotation: z.string().optional(),
        kid: z.string(),
        use: z.literal("sig"),
        alg: z.enum(SIGNING_ALGS).optional(),
      }),
    }),
    _links: Links,
  })
  .meta({ id: "AuthorizationServer" });

/** Okta's AuthorizationServer response object. */
export function toAuthorizationServer(
  s: AuthorizationServerRecord,
  signing: SigningSummary,
  base: string,
  issuer: string,
): z.input<typeof AuthorizationServer> {
  const self = `${base}/api/v1/authorizationServers/${s.id}`;
  const wellKnown = `${base}/oauth2/${s.id}/.well-known`;
  return {
    id: s.id,
    name: s.name,
    description: s.description ?? undefined,
    audiences: s.audiences,
    issuer,
    issuerMode: s.issuerMode,
    status: s.status,
    created: s.created,
    lastUpdated: s.lastUpdated,
    credentials: {
      signing: {
        rotationMode: signing.rotationMode,
        lastRotated: signing.lastRotated,
        ...(signing.nextRotation ? { nextRotation: signing.nextRotation } : {}),
        kid: signing.kid,
        use: signing.use,
        // Okta's object has no alg (it is always RS256); Mintgate adds it only for its other algorithms.
        ...(signing.alg === "RS256" ? {} : { alg: signing.alg }),
      },
    },
    _links: {
      scopes: link(`${self}/scopes`, "GET"),
      claims: link(`${self}/claims`, "GET"),
      policies: link(`${self}/policies`, "GET"),
      self: link(self, "GET", "DELETE", "PUT"),
      metadata: [
        { name: "oauth-authorization-server", ...link(`${wellKnown}/oauth-authorization-server`, "GET") },
        { name: "openid-configuration", ...link(`${wellKnown}/openid-configuration`, "GET") },
      ],
      rotateKey: link(`${self}/credentials/lifecycle/keyRotate`, "POST"),
      ...(s.status === "ACTIVE"
        ? { deactivate: link(`${self}/lifecycle/deactivate`, "POST") }
        : { activate: link(`${self}/lifecycle/activate`, "POST") }),
    },
  };
}
