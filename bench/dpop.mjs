// DPoP proofs for the bench (RFC 9449 4.2): one ES256 key, the server's nonce (fetched first, as Okta requires),
// one proof per request, each with its own jti. Proofs stay valid for the server's iat window (300 s).
import { exportJWK, generateKeyPair, SignJWT } from "jose";

async function serverNonce(url, body, auth, proof) {
  const [name, value] = auth.split(/:\s*/, 2);
  const res = await fetch(url, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", [name]: value, DPoP: proof }, body });
  await res.arrayBuffer();
  const nonce = res.headers.get("dpop-nonce");
  if (res.status !== 400 || !nonce) throw new Error(`expected use_dpop_nonce with a DPoP-Nonce from ${url}, got ${res.status}`);
  return nonce;
}

export async function mintDpopProofs(url, body, auth, n) {
  const { privateKey, publicKey } = await generateKeyPair("ES256");
  const jwk = await exportJWK(publicKey);
  const header = { alg: "ES256", typ: "dpop+jwt", jwk };
  const proof = (nonce) => {
    const claims = { htm: "POST", htu: url, iat: Math.floor(Date.now() / 1000), jti: crypto.randomUUID(), ...(nonce ? { nonce } : {}) };
    return new SignJWT(claims).setProtectedHeader(header).sign(privateKey);
  };
  const nonce = await serverNonce(url, body, auth, await proof());
  const out = [];
  for (let i = 0; i < n; i += 500) out.push(...(await Promise.all(Array.from({ length: Math.min(500, n - i) }, () => proof(nonce)))));
  return out;
}
