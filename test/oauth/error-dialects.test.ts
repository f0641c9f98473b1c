import { Hono } from "hono";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError, handleOAuthError, OAUTH_ERRORS, OAuthError, PageError, RedirectError, type OAuthErrorCode } from "../../src/errors";
import { pageErrors } from "../../src/oauth/pages/errors";
import { pageSecurity } from "../../src/oauth/pages/html";
import { BASE } from "../support/admin";
import { expectErrorPage, expectRedirectError, REDIRECT } from "../support/people";

/** Each dialect's one exit, fed the errors handlers throw. */
function oauthApp(err: unknown) {
  return new Hono().onError(handleOAuthError).get("/x", () => {
    throw err;
  });
}

function pageApp(err: unknown) {
  return new Hono()
    .onError(pageErrors("Sign-in error"))
    .use("/x", pageSecurity)
    // As withAuthorizationIssuer names it on the authorize routes (RFC 9207).
    .use("/x", async (c, next) => {
      c.set("authorizationIssuer", `${BASE}/oauth2/default`);
      await next();
    })
    .get("/x", () => {
      throw err;
    });
}

afterEach(() => vi.restoreAllMocks());

describe("OAuthError", () => {
  it.each(Object.entries(OAUTH_ERRORS))("%s answers %i, from the code table alone", async (code, status) => {
    const res = await oauthApp(new OAuthError(code as OAuthErrorCode, "why")).request("/x");
    expect(res.status).toBe(status);
  });

  it("invalid_client for a Basic client: 401, the body and a Basic challenge (RFC 6749 5.2)", async () => {
    const res = await oauthApp(new OAuthError("invalid_client", "no", "basic")).request("/x");
    expect({ status: res.status, body: await res.json(), challenge: res.headers.get("WWW-Authenticate"), cache: res.headers.get("Cache-Control") }).toEqual({
      status: 401,
      body: { error: "invalid_client", error_description: "no" },
      challenge: 'Basic realm="Mintgate"',
      cache: "no-store",
    });
  });

  it.each([
    [new OAuthError("invalid_token", "The access token is invalid.", "bearer"), 401, 'Bearer error="invalid_token", error_description="The access token is invalid."'],
    [new OAuthError("insufficient_scope", 'Say "please".', "bearer"), 403, 'Bearer error="insufficient_scope", error_description="Say \\"please\\"."'],
    [new OAuthError("invalid_token", "No access token was sent.", "bearer-bare"), 401, 'Bearer realm="Mintgate"'],
  ])("a protected resource's error is a Bearer challenge and no body (RFC 6750 3): %s", async (err, status, challenge) => {
    const res = await oauthApp(err).request("/x");
    expect({ status: res.status, body: await res.text(), challenge: res.headers.get("WWW-Authenticate") }).toEqual({ status, body: "", challenge });
  });

  it("an unknown error is a 500 server_error with an errorId, logged once, its message never sent", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const res = await oauthApp(new Error("secret detail")).request("/x");
    const body = (await res.json()) as { error: string; error_description: string };
    expect(res.status).toBe(500);
    expect(body.error).toBe("server_error");
    expect(JSON.stringify(body)).not.toContain("secret detail");
    expect(log).toHaveBeenCalledTimes(1);
    const line = JSON.parse(String(log.mock.calls[0]![0])) as { errorId: string; error: string };
    expect(body.error_description).toBe(`An unexpected error occurred (errorId ${line.errorId}).`);
    expect(line.error).toContain("secret detail");
  });

  it("a binding's retryable failure is a 503 temporarily_unavailable", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const res = await oauthApp(Object.assign(new Error("overloaded"), { retryable: true })).request("/x");
    expect({ status: res.status, error: ((await res.json()) as { error: string }).error }).toEqual({ status: 503, error: "temporarily_unavailable" });
  });

  it("Okta's errors leave in Okta's dialect", async () => {
    const res = await oauthApp(new ApiError("E0000007", "thing")).request("/x");
    expect({ status: res.status, code: ((await res.json()) as { errorCode: string }).errorCode }).toEqual({ status: 404, code: "E0000007" });
  });
});

describe("the page dialect", () => {
  it("sends an authorization error back to the client's redirect_uri", async () => {
    const res = await pageApp(new RedirectError(new OAuthError("access_denied", "No."), REDIRECT, "query", "s1")).request("/x");
    expectRedirectError(res, "access_denied", "No.", { state: "s1" });
  });

  it("shows a request error as a 400 page with the page's security headers", async () => {
    const res = await pageApp(new PageError("invalid_client", "Invalid value for 'client_id' parameter.")).request("/x");
    await expectErrorPage(res, "invalid_client", "Invalid value for 'client_id' parameter.");
    expect(res.headers.get("Content-Security-Policy")).toBe("default-src 'none'; style-src 'unsafe-inline'; script-src 'none'; form-action *; frame-ancestors 'none'; base-uri 'none'");
  });

  it("shows an unknown error as a 500 page with an errorId, never as the request's fault", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const res = await pageApp(new Error("secret detail")).request("/x");
    const html = await res.text();
    expect(res.status).toBe(500);
    expect(html).toContain("<code>server_error</code>");
    expect(html).toMatch(/errorId oae[0-9A-Za-z]{22}/);
    expect(html).not.toContain("secret detail");
  });
});
