import { describe, expect, it } from "vitest";
import { call } from "../support/admin";
import { expectOAuthError, FORM } from "../support/clients";
import { expectErrorPage } from "../support/people";

// Issue 10, section 4: hono/body-limit counts a form body while it streams, so a large unauthenticated body is
// refused before it is buffered, in the dialect of the route.
const LIMIT = 64 * 1024;
const TOO_LARGE = "The request body is too large.";

const bigForm = (extra = 1) => `grant_type=client_credentials&padding=${"x".repeat(LIMIT + extra)}`;

/** A body with no Content-Length: the runtime sends it chunked, so only counting while reading can stop it. */
function streamed(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(offset, offset + 4096));
      offset += 4096;
    },
  });
}

describe("a form body over 64 KiB", () => {
  it.each([
    ["with Content-Length", () => bigForm()],
    ["streamed without Content-Length", () => streamed(bigForm())],
  ])("is refused at the token endpoint %s with invalid_request", async (_name, body) => {
    const res = await call("/oauth2/default/v1/token", { method: "POST", headers: { "Content-Type": FORM }, body: body(), duplex: "half" } as RequestInit);
    await expectOAuthError(res, 400, "invalid_request", TOO_LARGE);
  });

  it("is refused at the org server's introspection endpoint too", async () => {
    const res = await call("/oauth2/v1/introspect", { method: "POST", headers: { "Content-Type": FORM }, body: bigForm() });
    await expectOAuthError(res, 400, "invalid_request", TOO_LARGE);
  });

  it("is refused on the sign-in page's form with an error page, not JSON", async () => {
    const res = await call("/oauth2/default/v1/authorize", { method: "POST", headers: { "Content-Type": FORM }, body: streamed(bigForm()), duplex: "half" } as RequestInit);
    await expectErrorPage(res, "invalid_request", TOO_LARGE);
  });
});

describe("a form body of exactly 64 KiB", () => {
  it("is read, and judged on its parameters", async () => {
    const body = `grant_type=client_credentials&padding=${"x".repeat(LIMIT - "grant_type=client_credentials&padding=".length)}`;
    expect(new TextEncoder().encode(body).length).toBe(LIMIT);
    const res = await call("/oauth2/default/v1/token", { method: "POST", headers: { "Content-Type": FORM }, body });
    // Past the size check: the request fails on client authentication instead.
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: string }).error).toBe("invalid_client");
  });
});
