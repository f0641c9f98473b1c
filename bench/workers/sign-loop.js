// The platform's signing ceiling: how many compact JWS (RFC 7515) one isolate can sign per second with WebCrypto,
// one awaited signature after another, the way a token request signs. GET /?alg=RS256|ES256&ms=1500
//
// Workers' clocks do not advance while an isolate computes without I/O, so the loop signs in batches and yields
// to a zero-delay timer between batches for the clock to move on.

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

async function keyFor(alg) {
  if (!keys.has(alg)) keys.set(alg, (await crypto.subtle.generateKey(ALGS[alg].generate, false, ["sign", "verify"])).privateKey);
  return keys.get(alg);
}

/** An access token's worth of claims, as Mintgate's and Okta's look (about 300 bytes of payload). */
function claims(i) {
  const iat = Math.floor(Date.now() / 1000);
  return {
    ver: 1,
    jti: `AT.${crypto.randomUUID()}${i}`,
    iss: "http://127.0.0.1/oauth2/ausbench0000000000",
    aud: "api://bench",
    iat,
    exp: iat + 3600,
    cid: "0oabenchclient000000",
    scp: ["bench:read"],
    sub: "0oabenchclient000000",
  };
}

async function signOne(alg, key, i) {
  const input = `${b64url(encoder.encode(JSON.stringify({ kid: "bench", alg })))}.${b64url(encoder.encode(JSON.stringify(claims(i))))}`;
  return `${input}.${b64url(await crypto.subtle.sign(ALGS[alg].sign, key, encoder.encode(input)))}`;
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

export default {
  async fetch(request) {
    const url = new URL(request.url);
    const alg = url.searchParams.get("alg") ?? "RS256";
    if (!ALGS[alg]) return new Response("unknown alg", { status: 400 });
    const ms = Math.min(Number(url.searchParams.get("ms") ?? 1500), 5000);
    const key = await keyFor(alg);
    for (let i = 0; i < 20; i++) await signOne(alg, key, i); // warm
    await tick();
    const batch = alg === "RS256" ? 16 : 256;
    let count = 0;
    const start = Date.now();
    let elapsed = 0;
    while (elapsed < ms) {
      for (let i = 0; i < batch; i++) await signOne(alg, key, count++);
      await tick();
      elapsed = Date.now() - start;
    }
    return Response.json({ alg, signatures: count, ms: elapsed, perSecond: Math.round((count * 1000) / elapsed) });
  },
};
