import type { Env } from "../../env";
import { sha256Hex, timingSafeEqualStrings } from "../../digest";
import { verifySecret } from "../../secrets";
import type { AppRecord } from "../../store/apps";
import { rememberVerifiedSecret, verifiedSecret } from "../../cache/clients";
import { clientIp, requireMayHash } from "../../throttle";
import { DUMMY_HASH } from "../authorize/password-sign-in";

/**
 * client_secret_basic / client_secret_post. A warm isolate that already verified this secret against this stored
 * hash pays one SHA-256 (verifiedSecret) and touches no binding: the hot path stays free of storage calls. Any
 * PBKDF2 is preceded by the throttle (429 E0000047 past it), and an unknown or inactive client_id is verified
 * against a dummy hash so that it costs the same time as a known one with a wrong secret.
 */
export async function clientSecretMatches(env: Env, req: Request, clientId: string, app: AppRecord | null, secret: string): Promise<boolean> {
  const digest = await sha256Hex(secret);
  const known = app ? verifiedSecret(app.clientId) : undefined;
  if (app?.secretHash && known && known.storedHash === app.secretHash && timingSafeEqualStrings(known.digest, digest)) return true;
  await requireMayHash(env, { ip: clientIp(req), account: `client:${clientId}` });
  const usable = app?.status === "ACTIVE" && app.secretHash ? app.secretHash : null;
  const ok = await verifySecret(secret, usable ?? DUMMY_HASH);
  if (!ok || !usable || !app) return false;
  rememberVerifiedSecret(app.clientId, { storedHash: usable, digest });
  return true;
}
