import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../../env";
import { issuerOf } from "../../issuer";
import { activeServer } from "../request/server-context";

declare module "hono" {
  interface ContextVariableMap {
    /** RFC 9207: the issuer that answers this authorization request, for every response to it, errors included. */
    authorizationIssuer: string;
  }
}

/**
 * RFC 9207 2: the issuer every authorization response carries as `iss`, success or error, in every response mode,
 * so that a client talking to several servers can tell which one answered (mix-up defence).
 */
export async function authorizationIssuer(c: Context<AppEnv>): Promise<string> {
  return issuerOf((await activeServer(c)).server, c.env, c.req.url);
}

/** Names the issuer before the authorize routes run, so that the page dialect's one exit can put it on errors. */
export const withAuthorizationIssuer: MiddlewareHandler<AppEnv> = async (c, next) => {
  c.set("authorizationIssuer", await authorizationIssuer(c));
  await next();
};
