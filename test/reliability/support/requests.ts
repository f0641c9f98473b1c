import fc from "fast-check";
import { fill, paramsOf, type Route } from "./routes";

/** What the fuzzer knows of the world it attacks: real ids and credentials, so requests reach past the 404s. */
export interface World {
  /** Values by parameter name (authServerId, serverId, policyId, appId, id, …); unknown names get generic ones. */
  ids: Record<string, string[]>;
  /** Authorization header values: valid SSWS, Basic of a real client, Bearer tokens and their forgeries. */
  authorizations: string[];
  /** Tokens for body parameters (token, refresh_token, code, client_assertion, id_token_hint). */
  tokens: string[];
  clientIds: string[];
}

export interface FuzzRequest {
  route: Route;
  method: string;
  path: string;
  query: [string, string][];
  /** Whether the request starts from the headers a real client of this route sends (then the generated ones override). */
  plausible: boolean;
  headers: [string, string][];
  body: { kind: "none" } | { kind: "text"; text: string } | { kind: "bytes"; bytes: number[] };
}

/** encodeURIComponent, except that a lone surrogate (which it refuses) becomes an invalid UTF-8 escape on purpose. */
export const enc = (s: string) => [...s].map((ch) => { try { return encodeURIComponent(ch); } catch { return "%ED%A0%80"; } }).join("");

const METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];
const PARAM_NAMES = [
  "grant_type", "client_id", "client_secret", "code", "redirect_uri", "scope", "state", "nonce", "response_type", "response_mode",
  "code_verifier", "code_challenge", "code_challenge_method", "refresh_token", "token", "token_type_hint", "client_assertion",
  "client_assertion_type", "prompt", "id_token_hint", "post_logout_redirect_uri", "limit", "after", "q", "filter", "search",
  "activate", "use", "decision", "csrf", "username", "password", "device_code", "request_uri", "max_age", "login_hint",
];
const GRANTS = ["client_credentials", "authorization_code", "refresh_token", "password", "implicit", "urn:ietf:params:oauth:grant-type:device_code", "urn:ietf:params:oauth:grant-type:token-exchange", "urn:ietf:params:oauth:grant-type:jwt-bearer", ""];
const CONTENT_TYPES = [
  "application/x-www-form-urlencoded", "application/json", "application/json; charset=utf-8", "text/plain", "multipart/form-data; boundary=x",
  "application/x-www-form-urlencoded; charset=utf-16", "application/jwt", "application/json-patch+json", "*/*", "garbage/", "",
];
const ACCEPTS = ["application/json", "*/*", "text/html", "application/xml", "application/json;q=0", ""];

/** Strings that break parsers: control characters, lone surrogates, percent-escapes of invalid UTF-8, huge ones. */
const nasty = fc.oneof(
  fc.string({ maxLength: 24 }),
  fc.string({ unit: "binary", maxLength: 24 }),
  fc.constantFrom("", " ", "null", "undefined", "0", "-1", "1e309", "NaN", "../../etc/passwd", "%00", "%FF%FE", "%", "%E2%82", "\u0000", "\ud800", "🐍", "a".repeat(70_000), "<script>alert(1)</script>", "' OR 1=1 --", "{}", "[]"),
  fc.integer().map(String),
);

const pathValue = (pool: string[]) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...(pool.length ? pool : ["x"])) },
    { weight: 1, arbitrary: nasty.map(enc) },
    { weight: 1, arbitrary: fc.constantFrom("%FF", "%C0%AF", "..", "%2F", "a%00b", "x".repeat(3000)) },
  );

function deepJson(depth: number, kind: "array" | "object"): string {
  return kind === "array" ? "[".repeat(depth) + "]".repeat(depth) : '{"a":'.repeat(depth) + "1" + "}".repeat(depth);
}

/** A JSON value whose shape resembles the admin API's bodies, with wrong types and extra members. */
const jsonish: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double(),
    nasty,
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom("name", "description", "audiences", "status", "type", "priority", "conditions", "actions", "profile", "credentials", "settings", "label", "signOnMode", "id", "value", "valueType", "claimType", "include", "grantTypes", "scopes", "__proto__", "constructor"), tie("value"), { maxKeys: 5 }),
  ),
})).value;

export function bodyArb(world: World): fc.Arbitrary<FuzzRequest["body"]> {
  const form = fc
    .array(fc.tuple(fc.constantFrom(...PARAM_NAMES), fc.oneof(fc.constantFrom(...GRANTS), fc.constantFrom(...world.tokens), fc.constantFrom(...world.clientIds), nasty)), { maxLength: 8 })
    .map((pairs) => ({ kind: "text" as const, text: new URLSearchParams(pairs).toString() }));
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant({ kind: "none" as const }) },
    { weight: 6, arbitrary: form },
    { weight: 4, arbitrary: jsonish.map((v) => ({ kind: "text" as const, text: JSON.stringify(v) ?? "null" })) },
    { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 100, max: 20_000 }), fc.constantFrom("array" as const, "object" as const)).map(([d, k]) => ({ kind: "text" as const, text: deepJson(d, k) })) },
    { weight: 1, arbitrary: fc.constantFrom('{"name":', "{'a':1}", "[1,2", '{"a":1}{"b":2}', "\u0000", '{"__proto__":{"admin":true}}', "grant_type=client_credentials&grant_type=password").map((text) => ({ kind: "text" as const, text })) },
    { weight: 1, arbitrary: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 64 }).map((bytes) => ({ kind: "bytes" as const, bytes: [0xff, 0xfe, 0xc0, ...bytes] })) },
    { weight: 1, arbitrary: fc.integer({ min: 60_000, max: 300_000 }).map((n) => ({ kind: "text" as const, text: `grant_type=client_credentials&scope=${"a".repeat(n)}` })) },
  );
}

export function requestArb(world: World, all: Route[]): fc.Arbitrary<FuzzRequest> {
  return fc.constantFrom(...all).chain((route) => {
    const params = paramsOf(route.path);
    const values = fc.record(Object.fromEntries(params.map((p) => [p.name, p.choices ? fc.oneof(fc.constantFrom(...p.choices), pathValue([])) : pathValue(world.ids[p.name] ?? world.ids.id ?? [])])));
    const header = fc.oneof(
      fc.tuple(fc.constant("Authorization"), fc.constantFrom(...world.authorizations)),
      fc.tuple(fc.constant("Content-Type"), fc.constantFrom(...CONTENT_TYPES)),
      fc.tuple(fc.constant("Accept"), fc.constantFrom(...ACCEPTS)),
      fc.tuple(fc.constantFrom("Origin", "Access-Control-Request-Method", "Cookie", "DPoP", "X-Forwarded-For", "If-None-Match"), fc.oneof(fc.constantFrom("https://app.example", "null", "mg_sid=abc; mg_csrf=def", "*"), nasty.map((s) => s.replace(/[^\x20-\x7e]/g, "")))),
      // Huge headers: workerd's own limit is 128 KiB for all of them.
      fc.tuple(fc.constantFrom("X-Huge", "Authorization", "Cookie"), fc.integer({ min: 8_000, max: 60_000 }).map((n) => "Bearer " + "A".repeat(n))),
    );
    return fc.record({
      route: fc.constant(route),
      method: fc.oneof({ weight: 5, arbitrary: fc.constant(route.method) }, { weight: 1, arbitrary: fc.constantFrom(...METHODS) }),
      path: fc.oneof({ weight: 12, arbitrary: values.map((v) => fill(route.path, v)) }, { weight: 1, arbitrary: fc.webPath() }),
      query: fc.array(fc.tuple(fc.constantFrom(...PARAM_NAMES), fc.oneof(fc.constantFrom(...GRANTS), fc.constantFrom(...world.clientIds), fc.constantFrom("code", "token", "id_token", "S256", "plain", "openid", "query", "fragment", "form_post", "none", "login"), nasty)), { maxLength: 6 }),
      plausible: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
      headers: fc.array(header, { maxLength: 4 }),
      body: bodyArb(world),
    });
  });
}

/** The Request a FuzzRequest describes. Query values are added raw sometimes, so invalid escapes reach the Worker. */
export function toRequest(base: string, r: FuzzRequest, world: World): Request {
  const qs = r.query.map(([k, v], i) => (i % 2 ? `${k}=${v}` : `${k}=${enc(v)}`)).join("&");
  let path = r.path.startsWith("/") ? r.path : `/${r.path}`;
  path = path.replace(/[^\x21-\x7e]/gu, enc);
  const raw = qs.replace(/[^\x21-\x7e]/gu, enc);
  const headers = new Headers();
  if (r.plausible) {
    const dialect = r.route.dialect;
    if (dialect === "okta") {
      headers.set("Authorization", world.authorizations[0]!);
      headers.set("Accept", "application/json");
      headers.set("Content-Type", "application/json");
    } else if (dialect === "oauth") {
      headers.set("Authorization", world.authorizations[2]!);
      headers.set("Content-Type", "application/x-www-form-urlencoded");
    } else {
      headers.set("Content-Type", "application/x-www-form-urlencoded");
    }
  }
  for (const [k, v] of r.headers) (r.plausible ? headers.set(k, v) : headers.append(k, v));
  const hasBody = r.body.kind !== "none" && r.method !== "GET" && r.method !== "HEAD";
  const body = !hasBody ? undefined : r.body.kind === "text" ? r.body.text : new Uint8Array((r.body as { bytes: number[] }).bytes);
  return new Request(`${base}${path}${raw ? `?${raw}` : ""}`, { method: r.method, headers, body, redirect: "manual" });
}

/** A short description of a request for a failure report (the body cut to what a person can read). */
export function describeRequest(r: FuzzRequest): string {
  const body = r.body.kind === "none" ? "" : r.body.kind === "text" ? r.body.text.slice(0, 300) : `bytes ${r.body.bytes.slice(0, 32).join(",")}`;
  const headers = r.headers.map(([k, v]) => `${k}: ${v.slice(0, 80)}`).join(" | ");
  return `${r.method} ${r.path.slice(0, 200)}?${r.query.map(([k, v]) => `${k}=${v.slice(0, 60)}`).join("&")} [${headers}] ${body}`;
}
