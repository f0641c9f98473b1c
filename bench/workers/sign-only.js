// A minimal token endpoint: sign one fixed set of claims with a CryptoKey made once per isolate, and answer as a
// token response does. Everything Mintgate adds on top (routing, parsing, client authentication, policy) is the
// difference between this and Mintgate's client_credentials figure. GET /?alg=RS256|ES256

const ALGS = {
  RS256: {
    generate: { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    sign: { name: "RSASSA-PKCS1-v1_5" },
  },
  ES256: { generate: { name: "ECDSA", namedCurve: "P-256" }, sign: { name: "ECDSA", hash: "SHA-256" } },
};

const encoder = new TextEncoder();
const keys = new Map();

function b64url(bytes) {
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let s = "";
  for (const b of u8) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function keyFor(alg) {
  if (!keys.has(alg)) keys.set(alg, crypto.subtle.generateKey(ALGS[alg].generate, false, ["sign", "verify"]).then((k) => k.privateKey));
  return keys.get(alg);
}

const CLAIMS = JSON.stringify({
  ver: 1,
  jti: "AT.fixedfixedfixedfixedfixedfixedfixedfixedf",
  iss: "http://127.0.0.1/oauth2/ausbench0000000000",
  aud: "api://bench",
  iat: 1900000000,
  exp: 1900003600,
  cid: "0oabenchclient000000",
  scp: ["bench:read"],
  sub: "0oabenchclient000000",
});

export default {
  async fetch(request) {
    const alg = new URL(request.url).searchParams.get("alg") ?? "RS256";
    if (!ALGS[alg]) return new Response("unknown alg", { status: 400 });
    const input = `${b64url(encoder.encode(JSON.stringify({ kid: "bench", alg })))}.${b64url(encoder.encode(CLAIMS))}`;
    const signature = await crypto.subtle.sign(ALGS[alg].sign, await keyFor(alg), encoder.encode(input));
    return Response.json(
      { token_type: "Bearer", expires_in: 3600, access_token: `${input}.${b64url(signature)}`, scope: "bench:read" },
      { headers: { "Cache-Control": "no-store", Pragma: "no-cache" } },
    );
  },
};
