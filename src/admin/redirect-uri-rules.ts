/**
 * Which redirect URIs an app may register (security finding 3): https anywhere; http only to a loopback host
 * (RFC 8252 7.3, 8.3: native apps on the device; `http://localhost` for development); a private-use scheme
 * (reverse domain name with a period, RFC 8252 7.1) only for native apps (RFC 9700 4.1.3). Everything else —
 * javascript:, data:, file:, http to another host — is refused, so no authorization response is ever sent where
 * a script or a network attacker could read it.
 */
const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);
const PRIVATE_USE = /^[a-z][a-z0-9+\-]*\.[a-z0-9+.\-]*$/;

export function redirectUriProblem(uri: string, applicationType: string): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return "must be an absolute URI without a fragment";
  }
  const scheme = url.protocol.slice(0, -1).toLowerCase();
  if (scheme === "https") return undefined;
  if (scheme === "http") return LOOPBACK.has(url.hostname) ? undefined : "http is allowed only to a loopback host (localhost, 127.0.0.1, [::1]); use https";
  if (PRIVATE_USE.test(scheme)) return applicationType === "native" ? undefined : "a private-use URI scheme is allowed only for native applications";
  return "must use https, http to a loopback host, or (native applications) a private-use scheme such as com.example.app";
}

/** One cause per refused URI, naming the field and the entry. */
export function redirectUriViolations(o: { application_type: string; redirect_uris: string[]; post_logout_redirect_uris: string[] }): string[] {
  const causes: string[] = [];
  for (const field of ["redirect_uris", "post_logout_redirect_uris"] as const) {
    o[field].forEach((uri, i) => {
      const problem = redirectUriProblem(uri, o.application_type);
      if (problem) causes.push(`settings.oauthClient.${field}.${i}: ${problem}`);
    });
  }
  return causes;
}
