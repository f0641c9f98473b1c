import type { MiddlewareHandler } from "hono";
import { isoTime, nowMs } from "../clock";
import { config, type AppEnv, type Env } from "../env";
import { ApiError } from "../errors";
import { sha256Hex, timingSafeEqualStrings } from "../ids";
import { findApiTokenByHash, saveApiToken } from "../store/api-tokens";

const BOOTSTRAP_ID = "bootstrap";
const bootstrapHashes = new WeakMap<Env, Promise<string | null>>();
const recorded = new WeakSet<Env>();

function bootstrapHash(env: Env): Promise<string | null> {
  let h = bootstrapHashes.get(env);
  if (!h) {
    const token = config(env).ADMIN_TOKEN;
    h = token ? sha256Hex(token) : Promise.resolve(null);
    bootstrapHashes.set(env, h);
  }
  return h;
}

/**
 * Okta API tokens: `Authorization: SSWS <token>`. Tokens are looked up by their SHA-256 digest, so the
 * stored value is never the token. The bootstrap token (ADMIN_TOKEN) is compared in constant time and
 * recorded, hashed, in api_tokens; a replaced ADMIN_TOKEN stops working at once.
 */
export const requireApiToken: MiddlewareHandler<AppEnv> = async (c, next) => {
  const match = /^SSWS +([\x21-\x7e]{1,512})$/.exec(c.req.header("Authorization") ?? "");
  if (!match) throw new ApiError("E0000011");
  const presented = await sha256Hex(match[1]!);
  const boot = await bootstrapHash(c.env);
  if (boot && timingSafeEqualStrings(presented, boot)) {
    if (!recorded.has(c.env)) {
      await saveApiToken(c.env.DB, { id: BOOTSTRAP_ID, name: "ADMIN_TOKEN", tokenHash: boot, created: isoTime(nowMs()) });
      recorded.add(c.env);
    }
  } else {
    const found = await findApiTokenByHash(c.env.DB, presented);
    if (!found || found.id === BOOTSTRAP_ID) throw new ApiError("E0000011");
  }
  await next();
};
