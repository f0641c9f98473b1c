import { clientCredentials } from "./client-credentials";
import type { Grant } from "./grant";

/** The grant types this server implements, by grant_type. A new grant is one file and one line here. */
export const GRANTS: ReadonlyMap<string, Grant> = new Map([clientCredentials].map((g) => [g.type, g]));
