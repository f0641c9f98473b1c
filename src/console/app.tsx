import { Hono, type MiddlewareHandler } from "hono";
import { secureHeaders } from "hono/secure-headers";
import { timingSafeEqualStrings } from "../digest";
import { logUnexpected, newErrorId } from "../errors";
import { ApiReadError, SignInAgain } from "./api";
import { consoleAuth, signOut } from "./auth";
import type { ConsoleEnv, WorkerFetch } from "./env";
import { formOf, render } from "./render";
import { clearSessionCookie, currentSession } from "./session";
import { servers } from "./servers";
import { serverPages } from "./server-pages";
import { policyPages } from "./policies";
import { previewPages } from "./preview";
import { appPages } from "./apps";
import { peoplePages } from "./people";
import { groupPages } from "./groups";
import { originPages } from "./origins";
import { startPageApp } from "./start";
import { logPages } from "./logs";

/**
 * The sign-in page's CSP (no script at all, inline style only, no framing, no base, no plugins), with forms
 * limited to this origin: the console posts only to itself.
 */
const security = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    styleSrc: ["'unsafe-inline'"],
    scriptSrc: ["'none'"],
    imgSrc: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
  },
  xFrameOptions: "DENY",
  referrerPolicy: "no-referrer",
  strictTransportSecurity: false,
});

const refused = (c: Parameters<MiddlewareHandler<ConsoleEnv>>[0]) =>
  render(
    c,
    "Form refused",
    undefined,
    <div class="card">
      <h1>This form was refused</h1>
      <p role="alert">The form did not carry this session's security token, so nothing was changed. Reload the page and try again.</p>
      <p>
        <a href="/admin">Back to the console</a>
      </p>
    </div>,
    403,
  );

/** Every page needs a signed-in admin; every POST also this session's CSRF token (in the form body). */
const requireSession: MiddlewareHandler<ConsoleEnv> = async (c, next) => {
  const session = await currentSession(c, c.get("now"));
  if (c.req.method === "POST") {
    const type = c.req.header("Content-Type") ?? "";
    const body = type.startsWith("application/x-www-form-urlencoded") ? await formOf(c.req.raw.clone()) : null;
    const csrf = body?.get("csrf") ?? "";
    if (!session || !csrf || !timingSafeEqualStrings(csrf, session.csrf)) return refused(c);
  } else if (!session) {
    return c.redirect("/admin/signin", 302);
  }
  c.set("session", session!);
  await next();
};

/** The admin console at /admin: server-rendered pages (hono/jsx), no script, every change through the admin API. */
export function consoleApp(worker: WorkerFetch) {
  const app = new Hono<ConsoleEnv>()
    .use("*", security)
    .use("*", async (c, next) => {
      c.set("worker", worker);
      await next();
      c.res.headers.set("Cache-Control", "no-store");
    })
    .route("/", consoleAuth)
    .use("*", requireSession)
    .post("/signout", signOut)
    .route("/", startPageApp)
    .route("/authorization-servers", servers)
    .route("/authorization-servers", serverPages)
    .route("/authorization-servers", policyPages)
    .route("/authorization-servers", previewPages)
    .route("/apps", appPages)
    .route("/people", peoplePages)
    .route("/groups", groupPages)
    .route("/trusted-origins", originPages)
    .route("/logs", logPages);

  app.notFound((c) => render(c, "Not found", undefined, <NotFound />, 404));
  app.onError((err, c) => {
    if (err instanceof SignInAgain) {
      c.header("Set-Cookie", clearSessionCookie());
      return c.redirect("/admin/signin", 303);
    }
    if (err instanceof ApiReadError && err.status === 404) return render(c, "Not found", undefined, <NotFound />, 404);
    const errorId = newErrorId();
    logUnexpected(c, errorId, err);
    return render(
      c,
      "Something went wrong",
      undefined,
      <div class="card">
        <h1>Something went wrong</h1>
        <p role="alert">The console could not complete this request. Error id: {errorId}</p>
      </div>,
      500,
    );
  });
  return app;
}

const NotFound = () => (
  <div class="card">
    <h1>Not found</h1>
    <p>There is nothing here, or it was deleted.</p>
    <p>
      <a href="/admin">Back to the console</a>
    </p>
  </div>
);
