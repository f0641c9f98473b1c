import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env";
import { validationError } from "../errors";
import { orgBase } from "../issuer";
import { keyStore, type KeyView } from "../keys/key-store";
import { readBody } from "./body";
import { link } from "./links";
import { Links, type Operation } from "./openapi";
import { PublicJwkSchema } from "../keys/crypto";
import { invalidate } from "../cache/invalidate";
import { requireServer, notFoundError } from "./require";

/** Okta's AuthorizationServerJsonWebKey: the published JWK (RSA as Okta's; EC and OKP for ES256 and EdDSA) with its status. */
export const AuthorizationServerJsonWebKey = PublicJwkSchema.extend({ status: z.enum(["ACTIVE", "NEXT", "EXPIRED"]), _links: Links })
  .meta({ id: "AuthorizationServerJsonWebKey" });

function toJsonWebKey(k: KeyView, self: string): z.input<typeof AuthorizationServerJsonWebKey> {
  return { status: k.status, ...k.jwk, _links: { self: link(`${self}/${k.jwk.kid}`, "GET") } };
}

// Okta's JwkUse: "sig" is the only value, checked after parsing for Okta's own error text.
const RotateBody = z.object({ use: z.string() }).meta({ id: "JwkUse" });

const KEYS = "/:authServerId/credentials/keys";
const ROTATE = "/:authServerId/credentials/lifecycle/keyRotate";

export const signingKeyOperations: Operation[] = [
  { method: "get", path: KEYS, operationId: "listAuthorizationServerKeys", summary: "List all signing keys (ACTIVE, NEXT, EXPIRED)", status: 200, response: z.array(AuthorizationServerJsonWebKey) },
  { method: "get", path: `${KEYS}/:keyId`, operationId: "getAuthorizationServerKey", summary: "Retrieve a signing key", status: 200, response: AuthorizationServerJsonWebKey },
  { method: "post", path: ROTATE, operationId: "rotateAuthorizationServerKeys", summary: "Rotate the signing keys, in either rotation mode", body: RotateBody, status: 200, response: z.array(AuthorizationServerJsonWebKey) },
];

export const signingKeys = new Hono<AppEnv>()
  .get(KEYS, async (c) => {
    const id = c.req.param("authServerId");
    await requireServer(c.env, id);
    const self = `${orgBase(c.env, c.req.url)}/api/v1/authorizationServers/${id}/credentials/keys`;
    return c.json((await keyStore(c.env, id).listKeys(id)).map((k) => toJsonWebKey(k, self)));
  })
  .get(`${KEYS}/:keyId`, async (c) => {
    const { authServerId: id, keyId: kid } = c.req.param();
    await requireServer(c.env, id);
    const key = (await keyStore(c.env, id).listKeys(id)).find((k) => k.jwk.kid === kid);
    if (!key) throw notFoundError(kid, "AuthorizationServerJsonWebKey");
    return c.json(toJsonWebKey(key, `${orgBase(c.env, c.req.url)}/api/v1/authorizationServers/${id}/credentials/keys`));
  })
  .post(ROTATE, async (c) => {
    const id = c.req.param("authServerId");
    await requireServer(c.env, id);
    const body = await readBody(c, RotateBody, "rotateKeys");
    // Okta: JwkUse; "sig" is the only value.
    if (body.use !== "sig") throw validationError("rotateKeys", ["Invalid value specified for key 'use' parameter"]);
    // Okta: "you can rotate keys yourself in either mode"; only the org server's keys cannot (refused in app.ts).
    const keys = await keyStore(c.env, id).rotate(id);
    invalidate({ keys: id });
    const self = `${orgBase(c.env, c.req.url)}/api/v1/authorizationServers/${id}/credentials/keys`;
    return c.json(keys.map((k) => toJsonWebKey(k, self)));
  });
