import { authorizationCode } from "./authorization-code";
import { clientCredentials } from "./client-credentials";
import type { Grant } from "./grant";
import { refreshToken } from "./refresh-token";

/** The grant types this server implements, by grant_type. A new grant is one file and one line here. */
export const GRANTS: ReadonlyMap<string, Grant> = new Map([authorizationCode, clientCredentials, refreshToken].map((g) => [g.type, g]));
