import { Hono, type Context } from "hono";
import { isoTime } from "../clock";
import type { AppEnv } from "../env";
import { ApiError, validationError } from "../errors";
import { newId } from "../ids";
import { orgBase } from "../issuer";
import {
  deleteTrustedOrigin,
  insertTrustedOrigin,
  listTrustedOrigins,
  replaceTrustedOrigin,
  setTrustedOriginStatus,
  type TrustedOriginClause,
} from "../store/trusted-origins";
import { readBody, readQuery } from "./body";
import { linkPage, readPaging } from "./paging";
import { z } from "zod";
import { PagingQuery, type Operation } from "./openapi";
import { normalizeOrigin, toTrustedOriginResponse, TrustedOrigin, TrustedOriginInput, TrustedOriginListQuery } from "./trusted-origin-schema";
import { parseFilter } from "./user-schema";
import { invalidate } from "../cache/invalidate";
import { requireTrustedOrigin, notFoundError } from "./require";

const WHAT = "TrustedOrigin";

// Okta records who made the change: the caller requireAdmin identified (an API token's id, a person, a client).
const actorId = (c: Context<AppEnv>) => c.get("actor")?.id ?? "unknown";

const taken = (field: "name" | "origin") => validationError(field, [`${field}: An object with this field already exists in the current organization`]);

const FIELDS = ["name", "origin", "status", "type"] as const;

const LIFECYCLE = "/:id/lifecycle/:action{activate|deactivate}";

/** Okta's filter on name, origin, status and type (of scopes): `eq` clauses joined by `and`. */
function filterClauses(expression: string | undefined): TrustedOriginClause[] {
  if (expression === undefined) return [];
  const parsed = parseFilter(expression);
  // Okta: an expression it cannot run is 400 E0000031 "Invalid search criteria."
  const unsupported = () => new ApiError("E0000031", undefined, ['filter: supported expressions are eq clauses on name, origin, status and type joined by and, like name eq "x"']);
  if (!parsed) throw unsupported();
  return parsed.map((c) => {
    const field = FIELDS.find((f) => f === c.attr);
    if (!field || c.op !== "eq") throw unsupported();
    // Origins are stored normalized, so the filter value is compared the same way.
    return { field, value: field === "origin" ? (normalizeOrigin(c.value) ?? c.value) : c.value };
  });
}

export const trustedOriginOperations: Operation[] = [
  { method: "get", path: "/", operationId: "listTrustedOrigins", summary: "List all trusted origins", query: TrustedOriginListQuery.extend(PagingQuery.shape), status: 200, response: z.array(TrustedOrigin) },
  { method: "post", path: "/", operationId: "createTrustedOrigin", summary: "Create a trusted origin", body: TrustedOriginInput, status: 200, response: TrustedOrigin },
  { method: "get", path: "/:id", operationId: "getTrustedOrigin", summary: "Retrieve a trusted origin", status: 200, response: TrustedOrigin },
  { method: "put", path: "/:id", operationId: "replaceTrustedOrigin", summary: "Replace a trusted origin", body: TrustedOriginInput, status: 200, response: TrustedOrigin },
  { method: "delete", path: "/:id", operationId: "deleteTrustedOrigin", summary: "Delete a trusted origin", status: 204 },
  { method: "post", path: LIFECYCLE, operationId: "TrustedOrigin", summary: "Activate or deactivate a trusted origin", status: 200, response: TrustedOrigin },
];

export const trustedOrigins = new Hono<AppEnv>()
  // CORS answers come from a per-isolate cache of trusted origins: drop it after every change made here.
  .use("*", async (c, next) => {
    await next();
    if (c.req.method !== "GET") invalidate({ trustedOrigins: true });
  })
  .get("/", async (c) => {
    const q = readQuery(c, TrustedOriginListQuery, WHAT);
    // Okta: q and filter are alternatives, never combined.
    if (q.q && q.filter) throw new ApiError("E0000033");
    // Okta: trusted origins list limit defaults to 20, at most 200.
    const paging = readPaging(c, 20);
    const clauses = filterClauses(q.filter);
    const page = await listTrustedOrigins(c.env.DB, { q: q.q, clauses, limit: paging.limit, afterSeq: paging.after });
    const base = orgBase(c.env, c.req.url);
    linkPage(c, `${base}/api/v1/trustedOrigins`, { q: q.q, filter: q.filter }, paging, page);
    return c.json(page.items.map((t) => toTrustedOriginResponse(t, base)));
  })
  .post("/", async (c) => {
    const input = await readBody(c, TrustedOriginInput, WHAT);
    const created = await insertTrustedOrigin(c.env.DB, { ...input, id: newId("tos"), by: actorId(c), now: isoTime(c.get("now")) });
    if ("conflict" in created) throw taken(created.conflict);
    // Okta: creating a trusted origin answers 200, not 201.
    return c.json(toTrustedOriginResponse(created, orgBase(c.env, c.req.url)));
  })
  .get("/:id", async (c) => c.json(toTrustedOriginResponse(await requireTrustedOrigin(c.env, c.req.param("id")), orgBase(c.env, c.req.url))))
  .put("/:id", async (c) => {
    const existing = await requireTrustedOrigin(c.env, c.req.param("id"));
    const input = await readBody(c, TrustedOriginInput, WHAT);
    const replaced = await replaceTrustedOrigin(c.env.DB, { ...input, id: existing.id, by: actorId(c), now: isoTime(c.get("now")) });
    if (!replaced) throw notFoundError(existing.id, "TrustedOrigin");
    if ("conflict" in replaced) throw taken(replaced.conflict);
    return c.json(toTrustedOriginResponse(replaced, orgBase(c.env, c.req.url)));
  })
  .delete("/:id", async (c) => {
    if (!(await deleteTrustedOrigin(c.env.DB, c.req.param("id")))) throw notFoundError(c.req.param("id"), "TrustedOrigin");
    return c.body(null, 204);
  })
  .post(LIFECYCLE, async (c) => {
    const status = c.req.param("action") === "activate" ? "ACTIVE" : "INACTIVE";
    const t = await setTrustedOriginStatus(c.env.DB, c.req.param("id"), status, actorId(c), isoTime(c.get("now")));
    if (!t) throw notFoundError(c.req.param("id"), "TrustedOrigin");
    // Okta: activate and deactivate answer 200 with the trusted origin.
    return c.json(toTrustedOriginResponse(t, orgBase(c.env, c.req.url)));
  });
