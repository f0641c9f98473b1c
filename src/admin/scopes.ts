import { Hono } from "hono";
import { isoTime } from "../clock";
import type { AppEnv } from "../env";
import { ApiError, validationError } from "../errors";
import { newId } from "../ids";
import { orgBase } from "../issuer";
import { deleteScope, insertScope, listScopePage, replaceScope } from "../store/scopes";
import { issuesToCauses, readBody, readQuery } from "./body";
import { setPaginationLinks } from "./links";
import { z } from "zod";
import type { Operation } from "./openapi";
import { OAuth2Scope, ScopeInput, ScopeListQuery, ScopePaging, ScopeSearch, toScopeResponse } from "./scope-schema";
import { invalidate } from "../cache/invalidate";
import { requireServer, requireScope, notFoundError } from "./require";

const WHAT = "OAuth2Scope";

// Okta: scope names are unique per authorization server.
const duplicateName = (name: string) => validationError(WHAT, [`name: A scope named '${name}' already exists on this authorization server`]);

const SCOPES = "/:authServerId/scopes";
const ONE = `${SCOPES}/:scopeId`;

export const scopeOperations: Operation[] = [
  { method: "get", path: SCOPES, operationId: "listOAuth2Scopes", summary: "List all custom token scopes", query: ScopeListQuery, status: 200, response: z.array(OAuth2Scope) },
  { method: "post", path: SCOPES, operationId: "createOAuth2Scope", summary: "Create a custom token scope", body: ScopeInput, status: 201, response: OAuth2Scope },
  { method: "get", path: ONE, operationId: "getOAuth2Scope", summary: "Retrieve a custom token scope", status: 200, response: OAuth2Scope },
  { method: "put", path: ONE, operationId: "replaceOAuth2Scope", summary: "Replace a custom token scope", body: ScopeInput, status: 200, response: OAuth2Scope },
  { method: "delete", path: ONE, operationId: "deleteOAuth2Scope", summary: "Delete a custom token scope", status: 204 },
];

export const scopes = new Hono<AppEnv>()
  .get(SCOPES, async (c) => {
    const serverId = c.req.param("authServerId");
    await requireServer(c.env, serverId);
    const { q } = readQuery(c, ScopeSearch, WHAT);
    const paging = ScopePaging.safeParse({ limit: c.req.query("limit"), after: c.req.query("after") });
    if (!paging.success) throw new ApiError("E0000029", undefined, issuesToCauses(paging.error));
    const { limit, after } = paging.data;
    const page = await listScopePage(c.env.DB, serverId, { q, limit, after });
    const base = orgBase(c.env, c.req.url);
    const last = page.items.at(-1);
    const self = `${base}/api/v1/authorizationServers/${serverId}/scopes`;
    setPaginationLinks(c, self, { q, limit: String(limit), after }, page.more && last ? last.name : undefined);
    return c.json(page.items.map((s) => toScopeResponse(s, base)));
  })
  .post(SCOPES, async (c) => {
    const serverId = c.req.param("authServerId");
    await requireServer(c.env, serverId);
    const input = await readBody(c, ScopeInput, WHAT);
    const scope = await insertScope(c.env.DB, {
      id: newId("scp"),
      authServerId: serverId,
      name: input.name,
      displayName: input.displayName ?? null,
      description: input.description ?? null,
      // Okta defaults: consent IMPLICIT, default false, metadataPublish NO_CLIENTS, optional false.
      consent: input.consent ?? "IMPLICIT",
      isDefault: input.default ?? false,
      metadataPublish: input.metadataPublish ?? "NO_CLIENTS",
      optional: input.optional ?? false,
      created: isoTime(c.get("now")),
    });
    if (!scope) throw duplicateName(input.name);
    invalidate({ server: serverId });
    return c.json(toScopeResponse(scope, orgBase(c.env, c.req.url)), 201);
  })
  .get(ONE, async (c) => {
    const scope = await requireScope(c.env, c.req.param("authServerId"), c.req.param("scopeId"));
    return c.json(toScopeResponse(scope, orgBase(c.env, c.req.url)));
  })
  .put(ONE, async (c) => {
    const { authServerId, scopeId } = c.req.param();
    const existing = await requireScope(c.env, authServerId, scopeId);
    const input = await readBody(c, ScopeInput, WHAT);
    if (existing.system && input.name !== existing.name) {
      throw validationError(WHAT, [`name: The name of the system scope '${existing.name}' cannot be changed`]);
    }
    // Okta's replace example keeps the fields the body leaves out (displayName, consent); null clears a text field.
    const result = await replaceScope(c.env.DB, authServerId, scopeId, {
      name: input.name,
      displayName: input.displayName === undefined ? existing.displayName : input.displayName,
      description: input.description === undefined ? existing.description : input.description,
      consent: input.consent ?? existing.consent,
      isDefault: input.default ?? existing.isDefault,
      metadataPublish: input.metadataPublish ?? existing.metadataPublish,
      optional: input.optional ?? existing.optional,
      lastUpdated: isoTime(c.get("now")),
    });
    if (result === "duplicate") throw duplicateName(input.name);
    if (!result) throw notFoundError(scopeId, "OAuth2Scope");
    invalidate({ server: authServerId });
    return c.json(toScopeResponse(result, orgBase(c.env, c.req.url)));
  })
  .delete(ONE, async (c) => {
    const { authServerId, scopeId } = c.req.param();
    const existing = await requireScope(c.env, authServerId, scopeId);
    // Okta: reserved (system) scopes exist on every custom authorization server and cannot be deleted.
    if (existing.system) throw new ApiError("E0000006", undefined, [`The system scope '${existing.name}' cannot be deleted.`]);
    if (!(await deleteScope(c.env.DB, authServerId, scopeId))) throw notFoundError(scopeId, "OAuth2Scope");
    invalidate({ server: authServerId });
    return c.body(null, 204);
  });
