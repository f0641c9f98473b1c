import type { Env } from "../../env";
import type { AppRecord } from "../../store/apps";
import type { ServerBundle } from "../../cache/server-bundle";
import type { EventInput } from "../../log/event";
import type { HookRequest } from "../minting/inline-hook";

/** What a grant handler gets: the authenticated client, the server, the form parameters, and now. */
export interface GrantContext {
  env: Env;
  bundle: ServerBundle;
  client: AppRecord;
  params: Map<string, string>;
  issuer: string;
  now: number;
  /** RFC 9449 6.1: the thumbprint of the DPoP proof's key the tokens are bound to, when the request had a proof. */
  dpopJkt?: string;
  /** Records System Log events of this request (the token endpoint's logEvents). */
  log?: (events: EventInput[]) => void;
  /** The request as a token inline hook's context describes it. */
  request?: HookRequest;
  /** The request's URL: the issuers of other servers (token exchange) are derived from it as the issuer is. */
  requestUrl: string;
}

/** RFC 6749 5.1 successful response. */
export interface TokenResponse {
  /** RFC 9449 5: "DPoP" when the access token is bound to a key. */
  token_type: "Bearer" | "DPoP";
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
