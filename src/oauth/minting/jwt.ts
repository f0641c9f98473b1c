import { base64url } from "../../encoding";

const encoder = new TextEncoder();
// The protected header is the same for every token a key signs: encoded once per key.
const headers = new Map<string, string>();

const SIGN_PARAMS: Record<string, { name: string; hash?: string }> = {
  RS256: { name: "RSASSA-PKCS1-v1_5" },
  ES256: { name: "ECDSA", hash: "SHA-256" },
  EdDSA: { name: "Ed25519" },
};

/**
 * Compact JWS (RFC 7515 section 7.1) signed with WebCrypto directly: the hot path does only the encoding and the
 * one signature, with a key imported once per isolate.
 */
export async function signJwt(header: { alg: string; kid: string }, payload: object, key: CryptoKey): Promise<string> {
  const params = SIGN_PARAMS[header.alg];
  if (!params) throw new Error(`unsupported signing algorithm ${header.alg}`);
  const headerKey = `${header.alg} ${header.kid}`;
  let encodedHeader = headers.get(headerKey);
  if (encodedHeader === undefined) {
    encodedHeader = base64url(encoder.encode(JSON.stringify(header)));
    if (headers.size > 1000) headers.clear();
    headers.set(headerKey, encodedHeader);
  }
  const input = `${encodedHeader}.${base64url(encoder.encode(JSON.stringify(payload)))}`;
  const signature = await crypto.subtle.sign(params, key, encoder.encode(input));
  return `${input}.${base64url(signature)}`;
}
