// The peer: panva's oidc-provider (v9) on this Node (24), one process pinned to the server core like Mintgate,
// with the equivalent of Mintgate's service app: client_credentials with client_secret_basic, a JWT access token
// (RFC 9068) for a default resource, signed RS256 by one client's resource and ES256 by the other's.
//
// `node peer-oidc-provider.mjs --serve` is the server; startPeer() starts it.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { allowedCores, SERVER_CORE, startPinned } from "./pinned-process.mjs";

const SCOPE = "bench:read";
export const PEER_CLIENTS = { RS256: "bench-rs256", ES256: "bench-es256" };
const RESOURCE = { RS256: "urn:bench:rs256", ES256: "urn:bench:es256" };

export async function startPeer() {
  const peer = await startPinned({
    script: import.meta.filename,
    args: ["--serve"],
    core: SERVER_CORE,
    label: "oidc-provider",
    // Koa and oidc-provider skip development-only work in production.
    env: { NODE_ENV: "production" },
  });
  return { url: peer.url, clients: peer.clients, version: peer.version, pids: [peer.pid], pinning: { process: allowedCores(peer.pid) }, stop: peer.stop };
}

async function serve() {
  const { default: Provider } = await import("oidc-provider");
  const { version } = (await import("oidc-provider/package.json", { with: { type: "json" } })).default;
  const jwk = (alg) => {
    const { privateKey } =
      alg === "RS256" ? generateKeyPairSync("rsa", { modulusLength: 2048 }) : generateKeyPairSync("ec", { namedCurve: "P-256" });
    return { ...privateKey.export({ format: "jwk" }), kid: `peer-${alg.toLowerCase()}`, alg, use: "sig" };
  };
  const clients = Object.fromEntries(Object.entries(PEER_CLIENTS).map(([alg, id]) => [alg, { clientId: id, secret: randomBytes(32).toString("base64url") }]));
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: Object.values(clients).map((c) => ({
      client_id: c.clientId,
      client_secret: c.secret,
      grant_types: ["client_credentials"],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: "client_secret_basic",
      scope: SCOPE,
    })),
    jwks: { keys: [jwk("RS256"), jwk("ES256")] },
    scopes: [SCOPE],
    features: {
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        // Each client's tokens are for its own resource server, so the request is the same as Mintgate's.
        defaultResource: (_ctx, client) => (client.clientId === PEER_CLIENTS.ES256 ? RESOURCE.ES256 : RESOURCE.RS256),
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource) => ({
          scope: SCOPE,
          audience: resource,
          accessTokenTTL: 3600,
          accessTokenFormat: "jwt",
          jwt: { sign: { alg: resource === RESOURCE.ES256 ? "ES256" : "RS256" } },
        }),
      },
    },
  });
  server.on("request", provider.callback());
  // Keep-alive connections stay open between wrk runs.
  server.keepAliveTimeout = 60_000;
  const stop = () => server.close(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  process.stdin.on("end", stop);
  process.stdin.resume();
  process.stdout.write(JSON.stringify({ ok: true, pid: process.pid, url: issuer, clients, version }) + "\n");
}

if (process.argv[2] === "--serve") {
  serve().catch((err) => {
    process.stdout.write(JSON.stringify({ ok: false, error: String(err?.stack ?? err) }) + "\n");
    process.exit(1);
  });
}
