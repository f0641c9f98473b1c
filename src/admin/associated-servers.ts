import { Hono } from "hono";
import { z } from "zod";
import { isoTime } from "../clock";
import type { AppEnv, Env } from "../env";
import { validationError } from "../errors";
import { issuerOf, orgBase, ORG_SERVER_ID } from "../issuer";
import { keyStore } from "../keys/key-store";
import { getServer, type AuthorizationServerRecord } from "../store/authorization-servers";
import { addTrustedServers, listAssociatedServers, removeTrustedServer } from "../store/trusted-servers";
import { AuthorizationServer, toAuthorizationServer } from "./authorization-server-schema";
import { readBody, readQuery } from "./body";
import { link } from "./links";
import type { Operation } from "./openapi";
import { linkPage, readPaging } from "./paging";
import { notFoundError, requireServer } from "./require";

const WHAT = "AssociatedServerMediated";

/** Okta's AssociatedServerMediated: the ids of the servers to trust (the spec's example shows another shape; this is the real one). */
export const AssociatedServerInput = z
  .object({ trusted: z.array(z.string().min(1).max(64)).min(1, "name at least one authorization server id").max(100) })
  .meta({ id: "AssociatedServerMediated" });

/** trusted=true lists the servers this one trusts, trusted=false those it could trust; q searches name and audience. */
export const AssociatedServerQuery = z.object({
  trusted: z.enum(["true", "false"], { error: "must be true or false" }).optional(),
  q: z.string().max(256).optional(),
  after: z.string().optional(),
  limit: z.string().optional(),
});

const LIST = "/:authServerId/associatedServers";
const ONE = `${LIST}/:associatedServerId`;

export const associatedServerOperations: Operation[] = [
  { method: "get", path: LIST, operationId: "listAssociatedServersByTrustedType", summary: "List all associated authorization servers", query: AssociatedServerQuery, status: 200, response: z.array(AuthorizationServer) },
  { method: "post", path: LIST, operationId: "createAssociatedServers", summary: "Create trusted relationships between authorization servers", body: AssociatedServerInput, status: 200, response: z.array(AuthorizationServer) },
  { method: "delete", path: ONE, operationId: "deleteAssociatedServer", summary: "Delete an associated authorization server", status: 204 },
];

/** Okta's AuthorizationServer, with the self link of an association: it can only be deleted. */
async function presentAssociated(env: Env, url: string, owner: string, s: AuthorizationServerRecord) {
  const base = orgBase(env, url);
  const server = toAuthorizationServer(s, await keyStore(env, s.id).signing(s.id), base, issuerOf(s, env, url));
  return { ...server, _links: { ...server._links, self: link(`${base}/api/v1/authorizationServers/${owner}/associatedServers/${s.id}`, "DELETE") } };
}

export const associatedServers = new Hono<AppEnv>()
  .get(LIST, async (c) => {
    const serverId = c.req.param("authServerId");
    await requireServer(c.env, serverId);
    const { trusted, q } = readQuery(c, AssociatedServerQuery, WHAT);
    // Okta: limit defaults to 200.
    const paging = readPaging(c, 200);
    const page = await listAssociatedServers(c.env.DB, serverId, { trusted: trusted !== "false", q, limit: paging.limit, afterSeq: paging.after });
    linkPage(c, `${orgBase(c.env, c.req.url)}/api/v1/authorizationServers/${serverId}/associatedServers`, { trusted, q }, paging, page);
    return c.json(await Promise.all(page.items.map((s) => presentAssociated(c.env, c.req.url, serverId, s))));
  })
  .post(LIST, async (c) => {
    const serverId = c.req.param("authServerId");
    await requireServer(c.env, serverId);
    const input = await readBody(c, AssociatedServerInput, WHAT);
    const ids = [...new Set(input.trusted)];
    const causes: string[] = [];
    const servers: AuthorizationServerRecord[] = [];
    for (const id of ids) {
      if (id === serverId) causes.push(`trusted: an authorization server cannot trust itself ('${id}')`);
      else if (id === ORG_SERVER_ID) causes.push("trusted: the org authorization server cannot be a trusted server");
      else {
        const found = await getServer(c.env.DB, id);
        if (found) servers.push(found);
        else causes.push(`trusted: The associated server doesn't exist ('${id}')`);
      }
    }
    if (causes.length) throw validationError(WHAT, causes);
    const existing = await addTrustedServers(c.env.DB, serverId, ids, isoTime(c.get("now")));
    // Okta: invalid_request "The associated server mapping already exists.", as its API's validation error.
    if (existing.length) throw validationError(WHAT, existing.map((id) => `trusted: The associated server mapping already exists ('${id}')`));
    // Okta answers 200 (not 201) with the associated servers.
    return c.json(await Promise.all(servers.map((s) => presentAssociated(c.env, c.req.url, serverId, s))), 200);
  })
  .delete(ONE, async (c) => {
    const { authServerId, associatedServerId } = c.req.param();
    await requireServer(c.env, authServerId);
    if (!(await removeTrustedServer(c.env.DB, authServerId, associatedServerId))) throw notFoundError(associatedServerId, "AuthorizationServer");
    return c.body(null, 204);
  });
