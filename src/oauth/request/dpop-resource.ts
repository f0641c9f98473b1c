import type { Context } from "hono";
import type { JWTPayload } from "jose";
import type { AppEnv } from "../../env";
import { OAuthError } from "../../errors";
import { endpointAudiences } from "./client-auth";
import { verifyDpopProof } from "./dpop";

export type TokenScheme = "Bearer" | "DPoP";

/** The key a DPoP-bound access token is confirmed by (RFC 9449 6.1: cnf.jkt), if any. */
export function boundJkt(claims: JWTPayload): string | undefined {
  const cnf = claims.cnf as { jkt?: unknown } | undefined;
  return typeof cnf?.jkt === "string" ? cnf.jkt : undefined;
}

/**
 * RFC 9449 7 at a protected resource of this server (userinfo): a DPoP-bound token must come with the DPoP scheme
 * and a proof of its key for this request (htm, htu, ath); presented as a plain Bearer it is refused with the DPoP
 * challenge (7.1). A Bearer token sent with the DPoP scheme is refused too: the scheme promises a binding it lacks.
 */
export async function checkSenderConstraint(c: Context<AppEnv>, claims: JWTPayload, scheme: TokenScheme, token: string, issuer: string, endpoint: string): Promise<void> {
  const jkt = boundJkt(claims);
  if (!jkt) {
    if (scheme === "DPoP") throw new OAuthError("invalid_token", "The access token is not DPoP-bound.", "bearer");
    return;
  }
  if (scheme !== "DPoP") throw new OAuthError("invalid_token", "The access token is DPoP-bound: present it with the DPoP scheme and a DPoP proof.", "dpop");
  const proven = await verifyDpopProof(
    c.env,
    c.req.raw,
    { method: c.req.method, urls: endpointAudiences(c.req.url, issuer, endpoint), accessToken: token, requireNonce: false, challenge: "dpop" },
    c.get("now"),
  );
  if (!proven) throw new OAuthError("invalid_dpop_proof", "The DPoP proof JWT header is missing.", "dpop");
  if (proven !== jkt) throw new OAuthError("invalid_dpop_proof", "The DPoP proof's key does not match the access token's binding.", "dpop");
}
