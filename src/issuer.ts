import { config, type Env } from "./env";
import type { AuthorizationServerRecord } from "./store/authorization-servers";

/** The org authorization server's id where one is needed (key stores, transactions); it has no row in D1. */
export const ORG_SERVER_ID = "org";

/** Where a server's endpoints live: /oauth2/v1/… for the org server, /oauth2/{id}/v1/… for a custom one. */
export const serverPath = (serverId: string) => (serverId === ORG_SERVER_ID ? "/oauth2" : `/oauth2/${serverId}`);

/**
 * The origin of a request URL as the runtime hands it over (absolute and normalised), by string slicing: parsing
 * a URL costs more than the rest of a discovery or JWKS answer.
 */
export function requestOrigin(requestUrl: string): string {
  const path = requestUrl.indexOf("/", requestUrl.indexOf("//") + 2);
  return path < 0 ? requestUrl : requestUrl.slice(0, path);
}

/** The request URL without its query or fragment. */
export function withoutQuery(requestUrl: string): string {
  const end = requestUrl.search(/[?#]/);
  return end < 0 ? requestUrl : requestUrl.slice(0, end);
}

/** The org's base URL: ORG_URL when configured, otherwise the origin the request came to (local development). */
export function orgBase(env: Env, requestUrl: string): string {
  return config(env).ORG_URL ?? requestOrigin(requestUrl);
}

/**
 * The issuer of a custom authorization server, by its issuerMode (Okta): ORG_URL uses the org URL,
 * CUSTOM_URL the custom domain, DYNAMIC the host the request came to.
 */
export function issuerOf(server: Pick<AuthorizationServerRecord, "id" | "issuerMode">, env: Env, requestUrl: string): string {
  // Okta: the org authorization server's issuer is the org's base URL itself.
  if (server.id === ORG_SERVER_ID) return orgBase(env, requestUrl);
  const base =
    server.issuerMode === "DYNAMIC"
      ? requestOrigin(requestUrl)
      : server.issuerMode === "CUSTOM_URL"
        ? (config(env).CUSTOM_DOMAIN_URL ?? orgBase(env, requestUrl))
        : orgBase(env, requestUrl);
  return `${base}/oauth2/${server.id}`;
}
