import { authorizationCode } from "./authorization-code";
import { clientCredentials } from "./client-credentials";
import { deviceCode } from "./device-code";
import type { Grant } from "./grant";
import { password } from "./password";
import { refreshToken } from "./refresh-token";
import { tokenExchange } from "./token-exchange";

/** The grant types this server implements, by grant_type. A new grant is one file and one line here. */
export const GRANTS: ReadonlyMap<string, Grant> = new Map([authorizationCode, clientCredentials, refreshToken, password, deviceCode, tokenExchange].map((g) => [g.type, g]));
