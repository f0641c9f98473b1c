import { decodeJwt, decodeProtectedHeader, generateKeyPair, SignJWT } from "jose";

const B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const b64 = (o: unknown) => btoa(JSON.stringify(o)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

/** A small deterministic generator, so the forgeries are the same for a given seed. */
export function lcg(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** The token with one character changed at a random place (a flipped bit, as base64url sees it). */
export function flipped(token: string, rnd: () => number): string {
  const at = Math.floor(rnd() * token.length);
  if (token[at] === ".") return flipped(token, rnd);
  const i = B64URL.indexOf(token[at]!);
  const replacement = B64URL[(i + 1 + Math.floor(rnd() * 63)) % 64] ?? "A";
  return token.slice(0, at) + replacement + token.slice(at + 1);
}

/**
 * Forgeries of a real JWT: unsigned (alg none, RFC 7519 6.1), signed with a key of our own under the real kid,
 * HMAC-signed with the public modulus as the secret (the RS256/HS256 confusion), and with flipped bits.
 */
export async function forgeries(jwt: string, rnd: () => number, flips = 6): Promise<string[]> {
  const header = decodeProtectedHeader(jwt);
  const payload = decodeJwt(jwt);
  const out = [`${b64({ alg: "none", typ: "JWT" })}.${b64(payload)}.`, `${b64({ ...header, alg: "none" })}.${b64(payload)}.`];
  const foreign = await generateKeyPair("RS256");
  out.push(await new SignJWT(payload).setProtectedHeader({ ...header, alg: "RS256" }).sign(foreign.privateKey));
  out.push(await new SignJWT(payload).setProtectedHeader({ ...header, alg: "HS256" }).sign(new TextEncoder().encode(header.kid ?? "secret")));
  out.push(jwt.split(".").slice(0, 2).join(".") + ".");
  for (let i = 0; i < flips; i++) out.push(flipped(jwt, rnd));
  return out;
}
