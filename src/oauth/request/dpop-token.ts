import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { OAuthError } from "../../errors";
import type { AppRecord } from "../../store/apps";
import { currentDpopNonce } from "./dpop-nonce";
import { endpointAudiences } from "./client-auth";
import { verifyDpopProof } from "./dpop";

/** What a DPoP token request binds its tokens to, and the nonce the response hands on. */
export interface DpopBinding {
  jkt: string;
  nonce: string;
}

/** Okta's dpop_bound_access_tokens: the client's tokens must be DPoP-bound. */
export const requiresDpop = (client: AppRecord) => client.settings.dpop_bound_access_tokens === true;

/**
 * RFC 9449 5 at the token endpoint, for every grant: a client registered with dpop_bound_access_tokens must send a
 * proof (Okta: with a server nonce) and gets tokens bound to its key. Okta ignores a proof from any other client
 * (RFC 9449 lets a server bind them, but Okta's management SDK sends a proof with every token request and expects a
 * Bearer token unless the app requires DPoP), so such a request returns null without any work: the plain
 * client_credentials hot path is unchanged.
 */
export async function tokenRequestDpop(c: Context<AppEnv>, client: AppRecord, issuer: string): Promise<DpopBinding | null> {
  if (!requiresDpop(client)) return null;
  if (!c.req.raw.headers.has("DPoP")) throw new OAuthError("invalid_dpop_proof", "The DPoP proof JWT header is missing.");
  const now = c.get("now");
  const jkt = await verifyDpopProof(c.env, c.req.raw, { method: "POST", urls: endpointAudiences(c.req.url, issuer, "token"), requireNonce: true }, now);
  return { jkt: jkt!, nonce: await currentDpopNonce(c.env, now) };
}
