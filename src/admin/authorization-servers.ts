import { Hono } from "hono";
import { isoTime } from "../clock";
import { config, type AppEnv, type Env } from "../env";
import { ApiError, validationError } from "../errors";
import { newId } from "../ids";
import { issuerOf, orgBase } from "../issuer";
import { keyStore } from "../keys/key-store";
import {
  deleteServer,
  insertServer,
  listServers,
  replaceServer,
  setServerStatus,
  type AuthorizationServerRecord,
} from "../store/authorization-servers";
import { z } from "zod";
import { AuthorizationServer, AuthorizationServerInput, SearchQuery, ServerListQuery, toAuthorizationServer } from "./authorization-server-schema";
import type { Operation } from "./openapi";
import { readBody, readQuery } from "./body";
import { linkPage, readPaging } from "./paging";
import { invalidate } from "../cache/invalidate";
import { requireServer, notFoundError } from "./require";

export const DEFAULT_SERVER_ID = "default";

function checkIssuerMode(env: Env, input: AuthorizationServerInput): void {
  if (input.issuerMode === "CUSTOM_URL" && !config(env).CUSTOM_DOMAIN_URL) {
    throw validationError("AuthorizationServer", ["issuerMode: CUSTOM_URL needs a custom domain (set CUSTOM_DOMAIN_URL)"]);
  }
}

async function present(env: Env, url: string, server: AuthorizationServerRecord) {
  const signing = await keyStore(env, server.id).signing(server.id);
  return toAuthorizationServer(server, signing, orgBase(env, url), issuerOf(server, env, url));
}

function changed(id: string): void {
  invalidate({ server: id, keys: id });
}

const ONE = "/:authServerId";

/** The served document's description of these routes (openapi.ts); the handlers below are mounted at the same paths. */
export const authorizationServerOperations: Operation[] = [
  { method: "get", path: "/", operationId: "listAuthorizationServers", summary: "List all authorization servers", query: ServerListQuery, status: 200, response: z.array(AuthorizationServer) },
  { method: "post", path: "/", operationId: "createAuthorizationServer", summary: "Create an authorization server", body: AuthorizationServerInput, status: 201, response: AuthorizationServer },
  { method: "get", path: ONE, operationId: "getAuthorizationServer", summary: "Retrieve an authorization server", status: 200, response: AuthorizationServer },
  { method: "put", path: ONE, operationId: "replaceAuthorizationServer", summary: "Replace an authorization server", body: AuthorizationServerInput, status: 200, response: AuthorizationServer },
  { method: "delete", path: ONE, operationId: "deleteAuthorizationServer", summary: "Delete an authorization server", status: 204 },
  { method: "post", path: `${ONE}/lifecycle/activate`, operationId: "activateAuthorizationServer", summary: "Activate an authorization server", status: 204 },
  { method: "post", path: `${ONE}/lifecycle/deactivate`, operationId: "deactivateAuthorizationServer", summary: "Deactivate an authorization server", status: 204 },
];

export const authorizationServers = new Hono<AppEnv>()
  .get("/", async (c) => {
    const { q } = readQuery(c, SearchQuery, "AuthorizationServer");
    // Okta: limit defaults to 200, at most 200.
    const paging = readPaging(c, 200);
    const page = await listServers(c.env.DB, { q, limit: paging.limit, afterSeq: paging.after });
    linkPage(c, `${orgBase(c.env, c.req.url)}/api/v1/authorizationServers`, { q }, paging, page);
    return c.json(await Promise.all(page.items.map((s) => present(c.env, c.req.url, s))));
  })
  .post("/", async (c) => {
    const input = await readBody(c, AuthorizationServerInput, "AuthorizationServer");
    checkIssuerMode(c.env, input);
    const now = isoTime(c.get("now"));
    const id = newId("aus");
    const rotationMode = input.credentials?.signing?.rotationMode ?? "AUTO";
    const signingAlg = input.credentials?.signing?.alg ?? "RS256";
    // Keys first, so the response can name the signing key; undone if the row cannot be written.
    const keys = keyStore(c.env, id);
    const signing = await keys.configure(id, rotationMode, signingAlg);
    let server: AuthorizationServerRecord;
    try {
      server = await insertServer(c.env.DB, {
        id,
        name: input.name,
        description: input.description ?? null,
        audiences: input.audiences,
        issuerMode: input.issuerMode ?? "ORG_URL",
        status: "ACTIVE",
        rotationMode,
        signingAlg,
        created: now,
        lastUpdated: now,
      });
    } catch (err) {
      await keys.destroy();
      throw err;
    }
    return c.json(toAuthorizationServer(server, signing, orgBase(c.env, c.req.url), issuerOf(server, c.env, c.req.url)), 201);
  })
  .get(ONE, async (c) => c.json(await present(c.env, c.req.url, await requireServer(c.env, c.req.param("authServerId")))))
  .put(ONE, async (c) => {
    const id = c.req.param("authServerId");
    const existing = await requireServer(c.env, id);
    const input = await readBody(c, AuthorizationServerInput, "AuthorizationServer");
    checkIssuerMode(c.env, input);
    const rotationMode = input.credentials?.signing?.rotationMode ?? existing.rotationMode;
    const signingAlg = input.credentials?.signing?.alg ?? existing.signingAlg;
    const keys = keyStore(c.env, id);
    const rekey = rotationMode !== existing.rotationMode || signingAlg !== existing.signingAlg;
    if (rekey) await keys.configure(id, rotationMode, signingAlg);
    let server: AuthorizationServerRecord | null;
    try {
      server = await replaceServer(c.env.DB, id, {
        name: input.name,
        description: input.description === undefined ? existing.description : input.description,
        audiences: input.audiences,
        issuerMode: input.issuerMode ?? existing.issuerMode,
        rotationMode,
        signingAlg,
        lastUpdated: isoTime(c.get("now")),
      });
    } catch (err) {
      // Undo the mode; a new algorithm's key has already signed nothing that could outlive this failure.
      if (rekey) await keys.configure(id, existing.rotationMode, existing.signingAlg);
      throw err;
    }
    if (!server) throw notFoundError(id, "AuthorizationServer");
    changed(id);
    return c.json(await present(c.env, c.req.url, server));
  })
  .delete(ONE, async (c) => {
    const id = c.req.param("authServerId");
    if (id === DEFAULT_SERVER_ID) {
      await requireServer(c.env, id);
      throw new ApiError("E0000006", undefined, ["The default authorization server cannot be deleted; deactivate it instead."]);
    }
    if (!(await deleteServer(c.env.DB, id))) throw notFoundError(id, "AuthorizationServer");
    await keyStore(c.env, id).destroy();
    changed(id);
    return c.body(null, 204);
  })
  .post(`${ONE}/lifecycle/activate`, async (c) => {
    const id = c.req.param("authServerId");
    if (!(await setServerStatus(c.env.DB, id, "ACTIVE", isoTime(c.get("now"))))) throw notFoundError(id, "AuthorizationServer");
    changed(id);
    return c.body(null, 204);
  })
  .post(`${ONE}/lifecycle/deactivate`, async (c) => {
    const id = c.req.param("authServerId");
    if (!(await setServerStatus(c.env.DB, id, "INACTIVE", isoTime(c.get("now"))))) throw notFoundError(id, "AuthorizationServer");
    changed(id);
    return c.body(null, 204);
  });
