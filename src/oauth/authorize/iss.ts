import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { issuerOf } from "../../issuer";
import { activeServer } from "../request/server-context";

/**
 * RFC 9207 2: the issuer every authorization response carries as `iss`, success or error, in every response mode,
 * so that a client talking to several servers can tell which one answered (mix-up defence).
 */
export async function authorizationIssuer(c: Context<AppEnv>): Promise<string> {
  return issuerOf((await activeServer(c)).server, c.env, c.req.url);
}
