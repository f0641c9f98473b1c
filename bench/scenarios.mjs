// What is measured: Mintgate's hot paths, the platform's limits in the same workerd, and oidc-provider, all
// under the same wrk settings; and which figure is compared with which.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { basic, codeRedemptionParams, mintCodes, mintRefreshTokens, SCOPE } from "./setup.mjs";
import { mintDpopProofs } from "./dpop.mjs";

const FORM = "Content-Type: application/x-www-form-urlencoded";
const CC_BODY = `grant_type=client_credentials&scope=${encodeURIComponent(SCOPE)}`;
const get = (url) => ({ url, args: ["GET", ""] });
const post = (url, body, ...headers) => ({ url, args: ["POST", body, FORM, ...headers] });
/** A client_credentials token request to one Mintgate's RS256 ("rs") or ES256 ("es") server. */
const ccRequest = (mg, server) =>
  post(`${mg.url}/oauth2/${mg.setup[server].id}/v1/token`, CC_BODY, `Authorization: ${basic(mg.setup.service.clientId, mg.setup.service.secret)}`);

/**
 * The wrk scenarios of one round, in the order they run. Targets alternate so that a drift of the machine
 * during the run does not fall on one side of a ratio. `prepare(ctx, phase, warm)` returns wrk's url, script
 * and arguments for the warm-up ("warmup") and the measured run ("measure", after warm-up's result `warm`).
 */
export const SCENARIOS = [
  { key: "static", target: "platform", label: "static JSON (bench/workers/static.js)", prepare: (c) => get(`${c.platform.urls.static}/`) },
  { key: "discovery", target: "mintgate", label: "discovery (openid-configuration)", prepare: (c) => get(`${c.mg.url}/oauth2/${c.mg.setup.rs.id}/.well-known/openid-configuration`) },
  { key: "peer_discovery", target: "peer", label: "discovery", prepare: (c) => get(`${c.peer.url}/.well-known/openid-configuration`) },
  { key: "jwks", target: "mintgate", label: "JWKS (v1/keys)", prepare: (c) => get(`${c.mg.url}/oauth2/${c.mg.setup.rs.id}/v1/keys`) },
  { key: "peer_jwks", target: "peer", label: "JWKS", prepare: (c) => get(`${c.peer.url}/jwks`) },
  { key: "sign_only_rs256", target: "platform", label: "sign-only Worker, RS256", prepare: (c) => get(`${c.platform.urls["sign-only"]}/?alg=RS256`) },
  {
    key: "cc_rs256",
    target: "mintgate",
    label: "client_credentials, RS256",
    prepare: (c) => ccRequest(c.mg, "rs"),
  },
  // Issue 13: the same request to two fresh Mintgates that serve nothing else, with and without the System Log.
  { key: "cc_rs256_log", target: "mintgate_log", label: "client_credentials, RS256", prepare: (c) => ccRequest(c.twins.mintgate_log, "rs") },
  { key: "cc_rs256_nolog", target: "mintgate_nolog", label: "client_credentials, RS256", prepare: (c) => ccRequest(c.twins.mintgate_nolog, "rs") },
  { key: "cc_dpop", target: "mintgate", label: "client_credentials, RS256, DPoP proof", prepare: prepareDpop },
  {
    key: "peer_cc_rs256",
    target: "peer",
    label: "client_credentials, RS256 JWT",
    prepare: (c) => post(`${c.peer.url}/token`, CC_BODY, `Authorization: ${basic(c.peer.clients.RS256.clientId, c.peer.clients.RS256.secret)}`),
  },
  { key: "sign_only_es256", target: "platform", label: "sign-only Worker, ES256", prepare: (c) => get(`${c.platform.urls["sign-only"]}/?alg=ES256`) },
  {
    key: "cc_es256",
    target: "mintgate",
    label: "client_credentials, ES256",
    prepare: (c) => ccRequest(c.mg, "es"),
  },
  { key: "cc_es256_log", target: "mintgate_log", label: "client_credentials, ES256", prepare: (c) => ccRequest(c.twins.mintgate_log, "es") },
  { key: "cc_es256_nolog", target: "mintgate_nolog", label: "client_credentials, ES256", prepare: (c) => ccRequest(c.twins.mintgate_nolog, "es") },
  {
    key: "peer_cc_es256",
    target: "peer",
    label: "client_credentials, ES256 JWT",
    prepare: (c) => post(`${c.peer.url}/token`, CC_BODY, `Authorization: ${basic(c.peer.clients.ES256.clientId, c.peer.clients.ES256.secret)}`),
  },
  { key: "d1_read", target: "platform", label: "one D1 read per request (d1-read.js)", prepare: (c) => get(`${c.platform.urls["d1-read"]}/`) },
  {
    key: "introspect",
    target: "mintgate",
    label: "introspection of a JWT access token",
    prepare: (c) =>
      post(
        `${c.mg.url}/oauth2/${c.mg.setup.rs.id}/v1/introspect`,
        `token=${c.mg.setup.introspectToken}&token_type_hint=access_token`,
        `Authorization: ${basic(c.mg.setup.service.clientId, c.mg.setup.service.secret)}`,
      ),
  },
  // Issue 17's platform floor for a person's token: two RS256 signatures and one Durable Object write per request.
  { key: "platform_floor", target: "platform", label: "platform floor: 2 RS256 sigs + 1 DO write", prepare: (c) => get(`${c.platform.urls["platform-floor"]}/`) },
  // Measured in 1-second slices, each with codes minted just before it: a browser redeems its code a second or two
  // after /authorize, while the code's SessionStore is still in memory; an idle object leaves memory after 10 s
  // (workerd, and Cloudflare for objects that can hibernate), so codes minted once for a 10-second run would each
  // bring their object back, a cost a real redemption does not pay (README, "Person-facing flows").
  { key: "auth_code", target: "mintgate", label: "authorization_code redemption (PKCE)", prepare: prepareCodes, slices: 10 },
  {
    // Wrong client secrets from one IP: each 401 cost a PBKDF2 (100,000 rounds), each 429 none (the throttle).
    key: "wrong_secret_flood",
    target: "mintgate",
    label: "token endpoint, a flood of wrong client secrets from one IP",
    flood: true,
    prepare: (c) => ({
      url: `${c.mg.url}/oauth2/${c.mg.setup.rs.id}/v1/token`,
      script: "status-count.lua",
      args: ["POST", CC_BODY, FORM, `Authorization: ${basic(c.mg.setup.service.clientId, "wrong-secret")}`, "CF-Connecting-IP: 203.0.113.7"],
    }),
  },
  { key: "refresh", target: "mintgate", label: "refresh_token rotation", prepare: prepareRefresh },
];

/**
 * Authorization codes, each redeemed once. Enough are minted beforehand through the signed-in browser's
 * authorize request. Minting one costs the server about what redeeming one does (a few D1 queries), so for
 * warm-up the minting rate of a first batch is the estimate; for the measured run, warm-up's rate of good
 * redemptions; each with a margin.
 */
async function prepareCodes(c, phase, warm, seconds = phase === "warmup" ? c.warmupSeconds : c.seconds) {
  const started = performance.now();
  const mint = (n) => mintCodes(c.mg.url, c.mg.setup.people, n);
  let codes;
  if (phase === "warmup") {
    codes = await mint(200);
    const mintRate = 200 / ((performance.now() - started) / 1000);
    // A redemption of a fresh code costs less than minting one: room for three times the minting rate.
    codes.push(...(await mint(Math.max(0, Math.ceil(mintRate * seconds * 3) + 100 - 200))));
  } else {
    // Warm-up's good rate, or its minting's if warm-up ran out of codes (then the good rate is only a lower bound).
    const exhausted = warm.lua.reduce((a, l) => a + (l.exhausted ?? 0), 0);
    const goodRate = Math.max(0, warm.requests - exhausted) / warm.seconds;
    codes = await mint(Math.ceil(goodRate * seconds * (exhausted ? 2.5 : 1.5)) + 100);
  }
  const n = codes.length;
  c.log(`    minted ${n} authorization codes for ${phase} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const file = join(c.workDir, `codes-${phase}.txt`);
  writeFileSync(file, codes.join("\n") + "\n");
  const p = c.mg.setup.people;
  return {
    url: `${c.mg.url}/oauth2/${p.serverId}/v1/token`,
    script: "one-time.lua",
    args: [file, "grant_type=authorization_code&code=", codeRedemptionParams(p).suffix, FORM, `Authorization: ${basic(p.web.clientId, p.web.secret)}`],
  };
}

/**
 * DPoP client_credentials (RFC 9449): each request carries a proof of its own (a jti is accepted once), made
 * beforehand in this process with the server's nonce, so wrk measures the server's work only: one extra ES256
 * verification and one D1 write (the jti) per request. Counts as for codes: warm-up's good rate, with a margin.
 */
async function prepareDpop(c, phase, warm) {
  const url = `${c.mg.url}/oauth2/${c.mg.setup.rs.id}/v1/token`;
  const client = c.mg.setup.dpopService;
  const auth = `Authorization: ${basic(client.clientId, client.secret)}`;
  const goodRate = phase === "warmup" ? 3000 : Math.max(200, (warm.requests - (warm.non2xx ?? 0)) / warm.seconds);
  const n = Math.ceil(goodRate * (phase === "warmup" ? c.warmupSeconds : c.seconds) * 1.5) + 500;
  const started = performance.now();
  const proofs = await mintDpopProofs(url, CC_BODY, auth, n);
  c.log(`    made ${n} DPoP proofs for ${phase} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const file = join(c.workDir, `dpop-${phase}.txt`);
  writeFileSync(file, proofs.join("\n") + "\n");
  return { url, script: "one-time-header.lua", args: [file, "DPoP", CC_BODY, FORM, auth] };
}

/**
 * Refresh tokens rotated in chains: a pool of tokens from real code flows (offline_access), each answer's new
 * token returning to the pool. The pool file carries the unused tokens from one wrk run to the next.
 */
async function prepareRefresh(c) {
  const p = c.mg.setup.people;
  const file = join(c.workDir, "refresh-pool.txt");
  if (!c.refreshPoolReady) {
    // Each wrk run drops up to `connections` tokens in flight when it stops; two runs a round, and a spare pool.
    const n = c.connections * (2 * c.rounds + 2);
    const tokens = await mintRefreshTokens(c.mg.url, p, n);
    writeFileSync(file, tokens.join("\n") + "\n");
    c.refreshPoolReady = true;
    c.log(`    minted ${n} refresh tokens (one code flow each)`);
  }
  return {
    url: `${c.mg.url}/oauth2/${p.serverId}/v1/token`,
    script: "refresh-chain.lua",
    args: [file, "grant_type=refresh_token&refresh_token=", "", FORM, `Authorization: ${basic(p.web.clientId, p.web.secret)}`],
    env: { BENCH_LUA_OUT: file },
  };
}

/** Whether a run's answers were all good: a run that sent non-2xx or ran out of credentials is not a figure. */
export function problems(result, scenario) {
  const out = [];
  // A flood is refused by design: only answers other than 401 (a PBKDF2 ran) and 429 (throttled) are problems.
  if (scenario?.flood) {
    const other = result.lua.flatMap((l) => Object.entries(l.counted ?? {})).filter(([k]) => k !== "401" && k !== "429");
    return other.length ? [`statuses ${other.map(([k, v]) => `${k}x${v}`).join(" ")}`] : [];
  }
  if (result.non2xx) out.push(`${result.non2xx} non-2xx`);
  const s = result.socketErrors;
  const sockets = s.connect + s.read + s.write + s.timeout;
  if (sockets) out.push(`${sockets} socket errors`);
  for (const l of result.lua) {
    if (l.exhausted) out.push(`ran out of codes (${l.exhausted} requests past the end)`);
    if (l.empty) out.push(`refresh pool ran dry ${l.empty} times`);
    const st = Object.entries(l.statuses ?? {});
    if (st.length) out.push(`statuses ${st.map(([k, v]) => `${k}x${v}`).join(" ")}, e.g. ${l.sample.slice(0, 160)}`);
  }
  return out;
}

/**
 * Each ratio: Mintgate's figure over a reference figure from the same run. `per` divides the reference by the
 * number of signatures one Mintgate response needs (a code redemption signs an access and an ID token).
 * `target` is the issue's bar, where it sets one.
 */
export const RATIOS = [
  { key: "rs256_vs_sign_ceiling", of: "cc_rs256", over: "sign_loop_rs256", target: 0.75, note: "in-isolate RS256 signatures/s" },
  { key: "es256_vs_oidc_provider", of: "cc_es256", over: "peer_cc_es256", target: 1.5 },
  { key: "discovery_vs_static", of: "discovery", over: "static", target: 0.9 },
  { key: "rs256_vs_oidc_provider", of: "cc_rs256", over: "peer_cc_rs256" },
  { key: "dpop_vs_plain", of: "cc_dpop", over: "cc_rs256", note: "a proof to verify and a jti to record per request" },
  { key: "jwks_vs_static", of: "jwks", over: "static", target: 0.9 },
  // Issue 13: logging on stays within 10% of logging off.
  { key: "log_on_vs_off_rs256", of: "cc_rs256_log", over: "cc_rs256_nolog", target: 0.9, note: "System Log on / off" },
  { key: "log_on_vs_off_es256", of: "cc_es256_log", over: "cc_es256_nolog", target: 0.9, note: "System Log on / off" },
  { key: "es256_vs_sign_ceiling", of: "cc_es256", over: "sign_loop_es256", note: "in-isolate ES256 signatures/s" },
  { key: "rs256_vs_sign_only", of: "cc_rs256", over: "sign_only_rs256" },
  { key: "es256_vs_sign_only", of: "cc_es256", over: "sign_only_es256" },
  { key: "discovery_vs_oidc_provider", of: "discovery", over: "peer_discovery" },
  { key: "jwks_vs_oidc_provider", of: "jwks", over: "peer_jwks" },
  { key: "introspect_vs_d1_read", of: "introspect", over: "d1_read", note: "introspection reads D1 once (revocation)" },
  { key: "code_vs_sign_ceiling", of: "auth_code", over: "sign_loop_rs256", per: "auth_code", note: "ceiling / signatures per response" },
  { key: "refresh_vs_sign_ceiling", of: "refresh", over: "sign_loop_rs256", per: "refresh", note: "ceiling / signatures per response" },
  // Issue 17: Mintgate >= 0.8x a Worker that does only what these flows cannot avoid (two signatures, one DO write).
  { key: "code_vs_platform", of: "auth_code", over: "platform_floor", target: 0.8, edge: true },
  { key: "refresh_vs_platform", of: "refresh", over: "platform_floor", target: 0.8, edge: true },
];

/**
 * The scenarios of a round in the order they run: the logging twins' pairs (x_log, x_nolog) swap every other
 * round, so that whatever favours the first or the second of a pair (the machine's drift, the other twin's work
 * just finished) falls on each side of log_on_vs_off alike.
 */
export function roundOrder(list, round) {
  if (round % 2) return list;
  const out = [...list];
  for (let i = 0; i + 1 < out.length; i++) {
    if (out[i].key.endsWith("_log") && out[i + 1].key === out[i].key.replace(/_log$/, "_nolog")) [out[i], out[i + 1]] = [out[i + 1], out[i]];
  }
  return out;
}
