import { OAUTH_ERRORS, OKTA_ERRORS } from "../../../src/errors";
import type { Dialect } from "./routes";

const ERROR_ID = /^oae[0-9A-Za-z]{22}$/;
const sameKeys = (o: object, keys: string[]) => JSON.stringify(Object.keys(o).sort()) === JSON.stringify([...keys].sort());

/** Okta's error object, exactly: the five members, a known code, its status from the table, never cached. */
function oktaProblem(status: number, headers: Headers, text: string): string | null {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text);
  } catch {
    return "Okta error is not JSON";
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) return "Okta error is not an object";
  if (!sameKeys(body, ["errorCode", "errorSummary", "errorLink", "errorId", "errorCauses"])) return `Okta error members ${Object.keys(body)}`;
  const code = body.errorCode as keyof typeof OKTA_ERRORS;
  if (!(code in OKTA_ERRORS)) return `unknown Okta code ${String(code)}`;
  if (OKTA_ERRORS[code].status !== status) return `${code} with status ${status}`;
  if (body.errorLink !== code || typeof body.errorSummary !== "string" || !ERROR_ID.test(String(body.errorId))) return "Okta error members malformed";
  const causes = body.errorCauses;
  if (!Array.isArray(causes) || !causes.every((c) => typeof c === "object" && c !== null && sameKeys(c, ["errorSummary"]) && typeof c.errorSummary === "string")) {
    return "Okta errorCauses malformed";
  }
  if (!/^application\/json/.test(headers.get("Content-Type") ?? "")) return "Okta error without application/json";
  if (headers.get("Cache-Control") !== "no-store") return "Okta error without Cache-Control: no-store";
  return null;
}

/** RFC 6749 5.2 / RFC 6750 3: {error, error_description} with no-store, or a Bearer challenge with no body. */
function oauthProblem(status: number, headers: Headers, text: string): string | null {
  if (headers.get("Cache-Control") !== "no-store" || headers.get("Pragma") !== "no-cache") return "OAuth error without no-store and no-cache";
  const challenge = headers.get("WWW-Authenticate");
  if (text === "") {
    if (!challenge?.startsWith("Bearer ")) return "OAuth error with no body and no Bearer challenge";
    return status === 401 || status === 403 || status === 400 ? null : `Bearer challenge with status ${status}`;
  }
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text);
  } catch {
    return "OAuth error is not JSON";
  }
  if (typeof body !== "object" || body === null || !sameKeys(body, ["error", "error_description"])) return "OAuth error members";
  const error = body.error as keyof typeof OAUTH_ERRORS;
  if (!(error in OAUTH_ERRORS)) return `unknown OAuth error ${String(error)}`;
  if (OAUTH_ERRORS[error] !== status) return `${error} with status ${status}`;
  if (typeof body.error_description !== "string" || body.error_description === "") return "OAuth error_description missing";
  if (challenge !== null && !(error === "invalid_client" && challenge.startsWith("Basic "))) return `unexpected challenge ${challenge}`;
  return null;
}

/** The page dialect (oauth/pages/errors.ts): a 400 HTML page with the strict CSP, never cached, naming its error. */
function pageProblem(status: number, headers: Headers, text: string): string | null {
  if (status !== 400 && status !== 500 && status !== 503) return `error page with status ${status}`;
  if (headers.get("Content-Type") !== "text/html; charset=utf-8") return "error page without text/html";
  if (!(headers.get("Content-Security-Policy") ?? "").includes("default-src 'none'")) return "error page without its CSP";
  if (headers.get("Cache-Control") !== "no-store") return "error page without no-store";
  if (headers.get("Location") !== null) return "error page with a Location";
  const m = /<title>([^<]*error)<\/title>[\s\S]*<code>(\w+)<\/code>/.exec(text);
  if (!m || !(m[2]! in OAUTH_ERRORS)) return "error page without its title and error code";
  return null;
}

/** The console's pages (src/console): an HTML page with the console's strict CSP, never cached. */
function consolePageProblem(status: number, headers: Headers): string | null {
  if (![400, 403, 404, 405].includes(status)) return `console page with status ${status}`;
  if (!(headers.get("Content-Type") ?? "").startsWith("text/html")) return "console page without text/html";
  if (!(headers.get("Content-Security-Policy") ?? "").includes("default-src 'none'")) return "console page without its CSP";
  if (headers.get("Cache-Control") !== "no-store") return "console page without no-store";
  return null;
}

export interface Verdict {
  fiveXX: boolean;
  /** What is wrong with the answer's shape, or null. */
  problem: string | null;
}

/**
 * Whether an answer is one the route may give: any 2xx; a 3xx with a Location; a 4xx in the route's dialect's exact
 * shape. Okta's error object is also right on OAuth and page routes, where an unknown server, an unknown path and a
 * refused CORS preflight are Okta's errors (as at Okta).
 */
export function judge(dialect: Dialect, method: string, res: { status: number; headers: Headers }, text: string): Verdict {
  const { status, headers } = res;
  if (status >= 500) return { fiveXX: true, problem: null };
  if (status < 200) return { fiveXX: false, problem: `status ${status}` };
  if (status < 300) {
    if (/^application\/json/.test(headers.get("Content-Type") ?? "") && text !== "" && method !== "HEAD") {
      try {
        JSON.parse(text);
      } catch {
        return { fiveXX: false, problem: "2xx JSON that does not parse" };
      }
    }
    return { fiveXX: false, problem: null };
  }
  // RFC 9110 15.4.5: 304 answers a conditional GET (the JWKS's ETag) and has no Location and no body.
  if (status === 304) return { fiveXX: false, problem: text === "" ? null : "304 with a body" };
  if (status < 400) return { fiveXX: false, problem: headers.get("Location") ? null : `${status} without Location` };
  // A HEAD answer has no body to judge; its status class was judged above.
  if (method === "HEAD") return { fiveXX: false, problem: null };
  const looksOkta = text.startsWith('{"errorCode"');
  if (looksOkta || dialect === "okta") return { fiveXX: false, problem: oktaProblem(status, headers, text) };
  if (dialect === "console") return { fiveXX: false, problem: consolePageProblem(status, headers) };
  return { fiveXX: false, problem: dialect === "oauth" ? oauthProblem(status, headers, text) : pageProblem(status, headers, text) };
}

/**
 * An outage's answer (injected faults): a 5xx in the route's own dialect — OAuth's server_error or
 * temporarily_unavailable, Okta's E0000009, or the 5xx page — and nothing that blames the request.
 */
export function outageProblem(dialect: Dialect, res: { status: number; headers: Headers }, text: string): string | null {
  if (res.status < 500) return `answered ${res.status} during an outage: ${text.slice(0, 200)}`;
  const problem =
    dialect === "okta" ? oktaProblem(res.status, res.headers, text) : dialect === "oauth" ? oauthProblem(res.status, res.headers, text) : dialect === "console" ? null : pageProblem(res.status, res.headers, text);
  if (problem) return problem;
  if (!/errorId oae[0-9A-Za-z]{22}|"errorId":"oae/.test(text)) return "outage without an errorId";
  return null;
}
