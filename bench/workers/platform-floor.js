// The platform's floor for a person's token request (issue 17): what a code redemption or a refresh cannot do
// without — two RS256 signatures (an access token and an ID token) and one write to a Durable Object (the session
// or token family that records the rotation) — and nothing else. GET /?near_ms=5 waits that long before the
// Durable Object call, as the simulated-distance scenario does for Mintgate's near round trips.
//
// Each request writes to one of 64 objects, as people's requests spread over their own sessions' objects.
import { DurableObject } from "cloudflare:workers";

const RS256 = { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" };
const encoder = new TextEncoder();
let key;

function b64url(bytes) {
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let s = "";
  for (const b of u8) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

const HEADER = b64url(encoder.encode(JSON.stringify({ kid: "bench", alg: "RS256" })));

async function jws(claims) {
  key ??= crypto.subtle.generateKey(RS256, false, ["sign", "verify"]).then((k) => k.privateKey);
  const input = `${HEADER}.${b64url(encoder.encode(JSON.stringify(claims)))}`;
  const sig = await crypto.subtle.sign({ name: "RSASSA-PKCS1-v1_5" }, await key, encoder.encode(input));
  return `${input}.${b64url(sig)}`;
}

/** One family's state: the current token's hash, replaced on every rotation (one SQLite write). */
export class FloorFamily extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS family (id INTEGER PRIMARY KEY, token_hash TEXT NOT NULL, rotated_at INTEGER NOT NULL)");
  }
  rotate(tokenHash, now) {
    this.ctx.storage.sql.exec("INSERT OR REPLACE INTO family (id, token_hash, rotated_at) VALUES (1, ?, ?)", tokenHash, now);
    return true;
  }
}

let n = 0;
export default {
  async fetch(request, env) {
    const nearMs = Number(new URL(request.url).searchParams.get("near_ms") ?? 0);
    const i = n++;
    const iat = Math.floor(Date.now() / 1000);
    const base = { iss: "http://127.0.0.1/oauth2/ausbench0000000000", iat, exp: iat + 3600, sub: "00ubenchuser00000000", cid: "0oabenchweb000000000" };
    const accessToken = await jws({ ver: 1, jti: `AT.${crypto.randomUUID()}`, aud: "api://bench", scp: ["openid", "offline_access"], uid: base.sub, ...base });
    const idToken = await jws({ ver: 1, jti: `ID.${crypto.randomUUID()}`, aud: base.cid, amr: ["pwd"], auth_time: iat, ...base });
    if (nearMs > 0) await new Promise((r) => setTimeout(r, nearMs));
    await env.FAMILY.getByName(`family-${i % 64}`).rotate(crypto.randomUUID(), iat);
    return Response.json(
      { token_type: "Bearer", expires_in: 3600, access_token: accessToken, id_token: idToken, refresh_token: crypto.randomUUID(), scope: "openid offline_access" },
      { headers: { "Cache-Control": "no-store", Pragma: "no-cache" } },
    );
  },
};
