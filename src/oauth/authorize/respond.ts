import { randomBase62 } from "../../ids";
import { formPostPage } from "../pages/messages";
import { pageResponse } from "../pages/html";
import type { ResponseMode } from "../../errors";

/**
 * Sends an authorization response (or error) to the client's redirect_uri in the requested mode: query
 * (RFC 6749 4.1.2), fragment (4.2.2), or form_post (OAuth 2.0 Form Post Response Mode). Okta:
 * Referrer-Policy no-referrer on query and fragment responses.
 */
export async function redirectToClient(redirectUri: string, mode: ResponseMode, params: Record<string, string | undefined>, cookies: readonly string[] = []): Promise<Response> {
  const values = Object.fromEntries(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined));
  if (mode === "form_post") {
    const nonce = randomBase62(22);
    return pageResponse(formPostPage(redirectUri, values, nonce), 200, cookies, nonce);
  }
  const url = new URL(redirectUri);
  if (mode === "query") {
    for (const [k, v] of Object.entries(values)) url.searchParams.set(k, v);
  } else {
    url.hash = new URLSearchParams(values).toString();
  }
  const headers = new Headers({ Location: url.toString(), "Referrer-Policy": "no-referrer", "Cache-Control": "no-store", Pragma: "no-cache" });
  for (const c of cookies) headers.append("Set-Cookie", c);
  return new Response(null, { status: 302, headers });
}
