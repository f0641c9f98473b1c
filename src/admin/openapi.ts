import { OpenAPIHono, type RouteConfig } from "@hono/zod-openapi";
import { z } from "zod";
import { ADMIN_SCOPES, requiredScope } from "../tokens/route-scopes";

export type Method = "get" | "post" | "put" | "delete";

/**
 * One admin operation as the served document describes it. `path` is the Hono path its handler is mounted at, so the
 * document and the router are written from the same string; `body` and `query` are the zod schemas the handler
 * validates with (readBody, readQuery), so the document cannot describe a request the handler would judge otherwise.
 */
export interface Operation {
  method: Method;
  path: string;
  summary: string;
  /** For a path with alternatives (`:action{activate|deactivate}`), each operation's id is the alternative and this. */
  operationId: string;
  body?: z.ZodType;
  /** Okta's assign-group body may be left out; every other body is required (conventions: bodies are required). */
  optionalBody?: boolean;
  query?: z.ZodObject;
  status: 200 | 201 | 204;
  /** A second success status with the same body (a role that was already assigned answers 200, not 201). */
  alsoStatus?: 200;
  response?: z.ZodType;
  /** Served without authentication (the document itself). */
  public?: boolean;
}

/** Lifecycle operations that answer an empty JSON object (Okta's users and apps). */
export const EmptyObject = z.object({}).meta({ id: "EmptyObject" });

/** Okta's list paging parameters (readPaging): a cursor from a Link header and a page size. */
export const PagingQuery = z.object({ after: z.string().optional(), limit: z.string().optional() });

/** A group of operations mounted under one prefix of /api/v1, under one tag. */
export interface OperationGroup {
  prefix: string;
  tag: string;
  operations: Operation[];
}

/** Okta's Error object (REFERENCE 1.4), the body of every 4xx and 5xx. */
export const OktaError = z
  .object({
    errorCode: z.string(),
    errorSummary: z.string(),
    errorLink: z.string(),
    errorId: z.string(),
    errorCauses: z.array(z.object({ errorSummary: z.string() })),
  })
  .meta({ id: "Error" });

/** Okta's HrefObject, the value of a HAL link. */
export const HrefObject = z
  .object({
    href: z.string(),
    name: z.string().optional(),
    method: z.string().optional(),
    hints: z.object({ allow: z.array(z.enum(["GET", "POST", "PUT", "DELETE"])) }).optional(),
  })
  .meta({ id: "HrefObject" });

/** `_links`: relations to one link, or (metadata) to several. */
export const Links = z.record(z.string(), z.union([HrefObject, z.array(HrefObject)]));

/** A response object described only by its fields' presence (objects the server builds but does not validate). */
export const AnyObject = z.record(z.string(), z.unknown());

/**
 * Hono's `:name` as OpenAPI's `{name}`. A constrained parameter `:name{a|b}` stands for each literal alternative,
 * as Okta documents each lifecycle operation as its own path.
 */
export function openApiPaths(honoPath: string): string[] {
  const alternatives = /:\w+\{([\w|]+)\}/.exec(honoPath);
  if (alternatives) return alternatives[1]!.split("|").flatMap((alt) => openApiPaths(honoPath.replace(alternatives[0], alt)));
  return [honoPath.replace(/:(\w+)/g, "{$1}").replace(/(.)\/$/, "$1")];
}

const ERRORS: Record<number, string> = {
  400: "Invalid request: E0000001 (validation, one cause per field), E0000003 (malformed JSON), E0000018/E0000019/E0000021 (media types), E0000029 (paging)",
  401: "E0000011: missing or invalid SSWS token or org access token",
  403: "E0000006: the token lacks the scope or role, or the object cannot be changed",
  404: "E0000007: no such object",
};

function errorResponses(op: Operation, params: string[]) {
  const codes = [400, ...(op.public ? [] : [401, 403]), ...(params.length ? [404] : [])];
  return Object.fromEntries(
    codes.map((code) => [code, { description: ERRORS[code]!, content: { "application/json": { schema: OktaError } } }]),
  );
}

function route(path: string, op: Operation, tag: string): RouteConfig {
  const params = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  const scope = requiredScope(op.method.toUpperCase(), path);
  return {
    method: op.method,
    path,
    tags: [tag],
    summary: op.summary,
    operationId: op.operationId,
    // Okta: an SSWS API token, or an org access token with the route's scope (README, OAuth 2.0 for the admin API).
    security: op.public ? [] : [{ apiToken: [] }, { oauth2: scope ? [scope] : [] }],
    request: {
      ...(params.length ? { params: z.object(Object.fromEntries(params.map((p) => [p, z.string().min(1)]))) } : {}),
      ...(op.query ? { query: op.query } : {}),
      ...(op.body ? { body: { required: !op.optionalBody, content: { "application/json": { schema: op.body } } } } : {}),
    },
    responses: {
      [op.status]:
        op.status === 204
          ? { description: "No Content" }
          : { description: op.summary, content: { "application/json": { schema: op.response ?? AnyObject } } },
      ...(op.alsoStatus ? { [op.alsoStatus]: { description: op.summary, content: { "application/json": { schema: op.response ?? AnyObject } } } } : {}),
      ...errorResponses(op, params),
    },
  };
}

/** Mintgate's own OpenAPI 3.1 document of the admin API, served at /api/v1/openapi.json. */
export function adminDocument(base: string, groups: OperationGroup[]) {
  const doc = new OpenAPIHono();
  const scopes = Object.fromEntries(ADMIN_SCOPES.map((s) => [s, s]));
  doc.openAPIRegistry.registerComponent("securitySchemes", "apiToken", {
    type: "apiKey",
    in: "header",
    name: "Authorization",
    description: "Okta API token: `Authorization: SSWS {token}`",
  });
  doc.openAPIRegistry.registerComponent("securitySchemes", "oauth2", {
    type: "oauth2",
    description: "An access token of the org authorization server with the route's okta.* scope",
    flows: {
      clientCredentials: { tokenUrl: `${base}/oauth2/v1/token`, scopes },
      authorizationCode: { authorizationUrl: `${base}/oauth2/v1/authorize`, tokenUrl: `${base}/oauth2/v1/token`, scopes },
    },
  });
  for (const group of groups) {
    for (const op of group.operations) {
      const paths = openApiPaths(`/api/v1${group.prefix}${op.path}`);
      for (const path of paths) {
        const operationId = paths.length > 1 ? `${path.split("/").at(-1)}${op.operationId}` : op.operationId;
        doc.openAPIRegistry.registerPath(route(path, { ...op, operationId }, group.tag));
      }
    }
  }
  return doc.getOpenAPI31Document({
    openapi: "3.1.0",
    info: {
      title: "Mintgate admin API",
      version: "1",
      description: "Okta's management API for authorization servers, apps, users, groups and trusted origins, as Mintgate serves it.",
      license: { name: "Apache-2.0", url: "https://www.apache.org/licenses/LICENSE-2.0" },
    },
    servers: [{ url: base }],
  });
}
