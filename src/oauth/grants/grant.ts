import type { Env } from "../../env";
import type { AppRecord } from "../../store/apps";
import type { ServerBundle } from "../../cache/server-bundle";

/** What a grant handler gets: the authenticated client, the server, the form parameters, and now. */
export interface GrantContext {
  env: Env;
  bundle: ServerBundle;
  client: AppRecord;
  params: Map<string, string>;
  issuer: string;
  now: number;
  /** The request's URL: the issuers of other servers (token exchange) are derived from it as the issuer is. */
  requestUrl: string;
}

/** RFC 6749 5.1 successful response. */
export interface TokenResponse {
  token_type: "Bearer";
  expires_in: number;
  access_token: string;
  scope: string;
  refresh_token?: string;
  id_token?: string;
  /** RFC 8693 2.2.1: the type of the token a token exchange issued. */
  issued_token_type?: string;
}

export interface Grant {
  /** The grant_type value (RFC 6749 4.x, or an extension URI). */
  type: string;
  handle(ctx: GrantContext): Promise<TokenResponse>;
}
