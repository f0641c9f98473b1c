import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env";
import { validationError } from "../errors";
import { orgBase } from "../issuer";
import { keyStore, type KeyView } from "../keys/key-store";
import { readBody } from "./body";
import { link } from "./links";
import { invalidate } from "../cache/invalidate";
import { requireServer, notFoundError } from "./require";

/** Okta's AuthorizationServerJsonWebKey (RSA as Okta's; EC and OKP members for ES256 and EdDSA keys). */
function toJsonWebKey(k: KeyView, self: string) {
  return { status: k.status, ...k.jwk, _links: { self: link(`${self}/${k.jwk.kid}`, "GET") } };
}

const RotateBody = z.object({ use: z.string() });

export const signingKeys = new Hono<AppEnv>()
  .get("/:id/credentials/keys", async (c) => {
    const id = c.req.param("id");
    await requireServer(c.env, id);
    const self = `${orgBase(c.env, c.req.url)}/api/v1/authorizationServers/${id}/credentials/keys`;
    return c.json((await keyStore(c.env, id).listKeys(id)).map((k) => toJsonWebKey(k, self)));
  })
  .get("/:id/credentials/keys/:kid", async (c) => {
    const { id, kid } = c.req.param();
    await requireServer(c.env, id);
    const key = (await keyStore(c.env, id).listKeys(id)).find((k) => k.jwk.kid === kid);
    if (!key) throw notFoundError(kid, "AuthorizationServerJsonWebKey");
    return c.json(toJsonWebKey(key, `${orgBase(c.env, c.req.url)}/api/v1/authorizationServers/${id}/credentials/keys`));
  })
  .post("/:id/credentials/lifecycle/keyRotate", async (c) => {
    const id = c.req.param("id");
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
