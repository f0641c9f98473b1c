import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { notFound } from "../../errors";
import { orgBase, ORG_SERVER_ID } from "../../issuer";
import { orgBundle } from "../../tokens/org-server";
import { cachedServer, type ServerBundle } from "../../cache/server-bundle";

/**
 * The custom authorization server named by the path. An unknown server is Okta's 404 E0000007; so is an
 * INACTIVE one: a deactivated server publishes no metadata and issues nothing.
 */
export async function activeServer(c: Context<AppEnv>): Promise<ServerBundle> {
  const id = c.req.param("serverId");
  // The org server's routes (/oauth2/v1/…) have no server id; it is not reachable as /oauth2/org/v1/….
  if (id === undefined) return orgBundle(orgBase(c.env, c.req.url));
  const bundle = id === ORG_SERVER_ID ? null : await cachedServer(c.env, id, c.get("now"));
  if (!bundle || bundle.server.status !== "ACTIVE") throw notFound(`Resource not found: ${id} (AuthorizationServer)`);
  return bundle;
}
