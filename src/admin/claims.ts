import { Hono } from "hono";
import { isoTime } from "../clock";
import type { AppEnv, Env } from "../env";
import { validationError } from "../errors";
import { newId } from "../ids";
import { orgBase } from "../issuer";
import { deleteClaim, insertClaim, listClaims, replaceClaim, type ClaimFields, type ClaimStatus } from "../store/claims";
import { unknownScopeNames } from "../store/scopes";
import { readBody } from "./body";
import { z } from "zod";
import type { Operation } from "./openapi";
import { ClaimInput, claimFromInput, claimProblems, OAuth2Claim, toClaimResponse } from "./claim-schema";
import { invalidate } from "../cache/invalidate";
import { requireServer, requireClaim, notFoundError } from "./require";

const WHAT = "OAuth2Claim";

/** Validates a claim body beyond its shape, reporting every problem at once. */
async function readClaim(env: Env, input: ClaimInput, serverId: string, status: ClaimStatus): Promise<ClaimFields> {
  const fields = claimFromInput(input, status);
  const causes = claimProblems(input);
  // conditions.scopes name scopes of this server, as a rule's scope condition does.
  for (const name of await unknownScopeNames(env.DB, serverId, fields.scopes)) {
    causes.push(`conditions.scopes: '${name}' is not a scope of this authorization server`);
  }
  if (causes.length) throw validationError(WHAT, causes);
  return fields;
}

// Okta: a claim name is unique per authorization server and token type.
const duplicateName = (f: ClaimFields) =>
  validationError(WHAT, [`name: A ${f.claimType} claim named '${f.name}' already exists on this authorization server`]);

const CLAIMS = "/:authServerId/claims";
const ONE = `${CLAIMS}/:claimId`;

export const claimOperations: Operation[] = [
  { method: "get", path: CLAIMS, operationId: "listOAuth2Claims", summary: "List all custom token claims", status: 200, response: z.array(OAuth2Claim) },
  { method: "post", path: CLAIMS, operationId: "createOAuth2Claim", summary: "Create a custom token claim", body: ClaimInput, status: 201, response: OAuth2Claim },
  { method: "get", path: ONE, operationId: "getOAuth2Claim", summary: "Retrieve a custom token claim", status: 200, response: OAuth2Claim },
  { method: "put", path: ONE, operationId: "replaceOAuth2Claim", summary: "Replace a custom token claim", body: ClaimInput, status: 200, response: OAuth2Claim },
  { method: "delete", path: ONE, operationId: "deleteOAuth2Claim", summary: "Delete a custom token claim", status: 204 },
];

export const claims = new Hono<AppEnv>()
  .get(CLAIMS, async (c) => {
    const serverId = c.req.param("authServerId");
    await requireServer(c.env, serverId);
    const base = orgBase(c.env, c.req.url);
    // Okta: the claims list has no paging.
    return c.json((await listClaims(c.env.DB, serverId)).map((claim) => toClaimResponse(claim, serverId, base)));
  })
  .post(CLAIMS, async (c) => {
    const serverId = c.req.param("authServerId");
    await requireServer(c.env, serverId);
    const input = await readBody(c, ClaimInput, WHAT);
    // A new claim is ACTIVE unless the body says otherwise.
    const fields = await readClaim(c.env, input, serverId, input.status ?? "ACTIVE");
    const claim = await insertClaim(c.env.DB, { ...fields, id: newId("ocl"), authServerId: serverId, created: isoTime(c.get("now")) });
    if (!claim) throw duplicateName(fields);
    invalidate({ server: serverId });
    return c.json(toClaimResponse(claim, serverId, orgBase(c.env, c.req.url)), 201);
  })
  .get(ONE, async (c) => {
    const { authServerId, claimId } = c.req.param();
    return c.json(toClaimResponse(await requireClaim(c.env, authServerId, claimId), authServerId, orgBase(c.env, c.req.url)));
  })
  .put(ONE, async (c) => {
    const { authServerId, claimId } = c.req.param();
    const existing = await requireClaim(c.env, authServerId, claimId);
    const input = await readBody(c, ClaimInput, WHAT);
    // A full replacement (absent fields take their create defaults), except that an absent status keeps the current one.
    const fields = await readClaim(c.env, input, authServerId, input.status ?? existing.status);
    const result = await replaceClaim(c.env.DB, authServerId, claimId, { ...fields, lastUpdated: isoTime(c.get("now")) });
    if (result === "duplicate") throw duplicateName(fields);
    if (!result) throw notFoundError(claimId, "OAuth2Claim");
    invalidate({ server: authServerId });
    return c.json(toClaimResponse(result, authServerId, orgBase(c.env, c.req.url)));
  })
  .delete(ONE, async (c) => {
    const { authServerId, claimId } = c.req.param();
    await requireClaim(c.env, authServerId, claimId);
    if (!(await deleteClaim(c.env.DB, authServerId, claimId))) throw notFoundError(claimId, "OAuth2Claim");
    invalidate({ server: authServerId });
    return c.body(null, 204);
  });
