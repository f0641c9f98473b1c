import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { OAuthError } from "../../errors";
import { issuerOf, orgBase } from "../../issuer";
import { sha256Hex } from "../../digest";
import { countRecentDeviceAuthorizations, saveDeviceAuthorization } from "../../store/device-authorizations";
import { DEVICE_CODE_GRANT } from "../grants/device-code";
import { resolveScopes } from "../minting/scopes";
import { authenticateClient, endpointAudiences } from "../request/client-auth";
import { readForm } from "../request/params";
import { activeServer } from "../request/server-context";
import { newUserCode, userCodeHash } from "./user-code";
import { epochSeconds } from "../../clock";

/** Okta: a user code is valid for 10 minutes; clients poll every 5 seconds. */
export const DEVICE_CODE_LIFETIME_SECONDS = 600;
export const POLL_INTERVAL_SECONDS = 5;
/** Device requests one client may start per minute before Okta's too_many_user_codes. */
const MAX_CODES_PER_MINUTE = 30;

/**
 * POST {issuer}/v1/device/authorize (RFC 8628 3.1, 3.2): a client on a device without a browser asks for a device
 * code and a user code; the person enters the user code at {org}/activate. Okta: native clients with the device
 * grant, a scope is required, and verification_uri is the org's /activate for every server.
 */
export async function deviceAuthorizeEndpoint(c: Context<AppEnv>): Promise<Response> {
  const now = c.get("now");
  const bundle = await activeServer(c);
  const params = await readForm(c.req.raw);
  const issuer = issuerOf(bundle.server, c.env, c.req.url);
  const client = await authenticateClient(c.env, c.req.raw, params, endpointAudiences(c.req.url, issuer, "device/authorize"), now);
  if (!client.settings.grant_types.includes(DEVICE_CODE_GRANT)) {
    throw new OAuthError("unauthorized_client", `The client is not authorized to use the provided grant type. Configured grant types: [${client.settings.grant_types.join(", ")}].`);
  }
  // Okta: "No scopes were requested." when scope is absent (RFC 8628 3.1 leaves it optional).
  if (params.get("scope") === undefined) throw new OAuthError("invalid_scope", "No scopes were requested.");
  const scopes = resolveScopes(bundle.scopes, params.get("scope"));
  const nowSeconds = epochSeconds(now);
  if ((await countRecentDeviceAuthorizations(c.env.DB, client.clientId, nowSeconds - 60)) >= MAX_CODES_PER_MINUTE) {
    throw new OAuthError("too_many_user_codes", "Too many user codes generated. Please try again later.");
  }
  const deviceCode = crypto.randomUUID();
  let userCode = newUserCode();
  const record = {
    deviceCodeHash: await sha256Hex(deviceCode),
    authServerId: bundle.server.id,
    clientId: client.clientId,
    scopes,
    interval: POLL_INTERVAL_SECONDS,
    created: nowSeconds,
    expiresAt: nowSeconds + DEVICE_CODE_LIFETIME_SECONDS,
  };
  // A collision with a live user code (about 1 in 10^7 per pair) draws another; three in a row would be a broken RNG.
  for (let attempt = 0; !(await saveDeviceAuthorization(c.env.DB, { ...record, userCodeHash: await userCodeHash(userCode) })); attempt++) {
    if (attempt === 2) throw new Error("could not draw a unique user code");
    userCode = newUserCode();
  }
  const verificationUri = `${orgBase(c.env, c.req.url)}/activate`;
  return c.json(
    {
      device_code: deviceCode,
      user_code: userCode,
      verification_uri: verificationUri,
      verification_uri_complete: `${verificationUri}?user_code=${userCode}`,
      expires_in: DEVICE_CODE_LIFETIME_SECONDS,
      interval: POLL_INTERVAL_SECONDS,
    },
    200,
    // RFC 8628 3.2 (as RFC 6749 5.1): the codes are credentials, never cached.
    { "Cache-Control": "no-store", Pragma: "no-cache" },
  );
}
