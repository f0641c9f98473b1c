import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchChromium, startStaticServer, type RunningBrowser, type StaticServer } from "./support/browser";
import { BROWSER_MS, checkScreen, jwtClaims, person, press, signIn, textOf, visible, SHOTS } from "./support/console";
import { adminJson } from "./support/okta";

// The admin console in Debian's Chromium: an administrator signs in through the org server's code flow and does
// the seed pages' tasks — a server, a scope, a claim, a policy and rule, a token preview, a service app and a
// real token, a key rotation — with every screen checked by axe-core and photographed.
const baseUrl = inject("baseUrl");

describe("the admin console", () => {
  const browsers: RunningBrowser[] = [];
  let admin: { id: string; login: string };
  let page: Page;
  const tag = crypto.randomUUID().slice(0, 6);
  const serverName = `Orders ${tag}`;
  let serverPath = "";
  let clientId = "";
  let secret = "";

  const openPage = async (): Promise<Page> => {
    const b = await launchChromium();
    browsers.push(b);
    return b.context.pages()[0] ?? (await b.context.newPage());
  };

  beforeAll(async () => {
    admin = await person("ada", true);
    page = await openPage();
  }, BROWSER_MS);

  afterAll(async () => {
    for (const b of browsers) await b.close();
  });

  it("signs an administrator in through the hosted sign-in page, which names the console app and, smaller, the server", async () => {
    await page.goto(`${baseUrl}/admin`);
    await expect.poll(() => page.url()).toContain("/oauth2/v1/authorize");
    expect(await textOf(page.locator("p.sub strong"))).toBe("Mintgate Admin Console");
    expect(await textOf(page.locator("p.sub small"))).toBe("Org Authorization Server");
    await checkScreen(page, "00-sign-in");
    const res = await signIn(page, admin.login);
    expect(res.status()).toBe(303);
    const cookie = (await res.allHeaders())["set-cookie"] ?? "";
    expect(cookie).toMatch(/__Host-mg_console=[^;]+; Path=\/; Secure; HttpOnly; SameSite=Strict/);
    expect(new URL(page.url()).pathname).toBe("/admin");
    expect(await textOf(page.getByRole("heading", { level: 1 }))).toMatch(/Welcome to Mintgate|Get started/);
    const csp = (await (await page.reload())!.allHeaders())["content-security-policy"];
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    await checkScreen(page, "01-get-started");
  }, BROWSER_MS);

  it("creates an authorization server, showing the API's error next to the field first", async () => {
    await page.goto(`${baseUrl}/admin/authorization-servers`);
    await checkScreen(page, "02-authorization-servers");
    await page.getByRole("link", { name: "Add authorization server" }).click();
    await page.getByLabel("Name", { exact: true }).fill(serverName);
    await page.getByLabel("Audience").fill("1bad:audience");
    await press(page, "Create");
    // The admin API's errorCause for audiences, next to the Audience field and tied to it for screen readers.
    const audience = page.getByLabel("Audience");
    expect(await audience.getAttribute("aria-invalid")).toBe("true");
    expect(await textOf(page.locator("#audience-error"))).toContain("An audience containing ':' must be a valid URI");
    await checkScreen(page, "03-server-create-error");
    await audience.fill(`api://orders-${tag}`);
    await press(page, "Create");
    expect(await textOf(page.getByRole("heading", { level: 1 }))).toContain(serverName);
    serverPath = new URL(page.url()).pathname.replace(/\/settings$/, "");
    await visible(page.getByText("Issuer", { exact: true }));
    await checkScreen(page, "04-server-settings");
  }, BROWSER_MS);

  it("adds a scope and a claim, showing an expression error at its position", async () => {
    await page.goto(`${baseUrl}${serverPath}/scopes`);
    await page.getByLabel("Name", { exact: true }).fill("orders:read");
    await page.getByLabel("Description").fill("Read orders");
    await press(page, "Add scope");
    await visible(page.getByRole("cell", { name: "orders:read" }));
    await checkScreen(page, "05-scopes");

    await page.goto(`${baseUrl}${serverPath}/claims`);
    await page.getByLabel("Name", { exact: true }).fill("tenant");
    await page.getByLabel("Value", { exact: true }).fill('"acme:" + (app.clientId');
    await press(page, "Add claim");
    expect(await textOf(page.locator("#value-error"))).toContain("at position");
    expect(await textOf(page.locator("pre .caret"))).toContain("^");
    await checkScreen(page, "06-claim-error");
    await page.getByLabel("Value", { exact: true }).fill('"acme:" + app.clientId');
    await press(page, "Add claim");
    await visible(page.getByRole("cell", { name: "tenant" }));
    await checkScreen(page, "07-claims");
  }, BROWSER_MS);

  it("creates an access policy and rules, and moves a rule up", async () => {
    await page.goto(`${baseUrl}${serverPath}/policies`);
    await page.getByLabel("Name", { exact: true }).fill("Orders policy");
    await page.getByLabel("Description").fill("Who gets orders tokens");
    await press(page, "Create policy");
    expect(await textOf(page.getByRole("heading", { level: 2 }).first())).toContain("Orders policy");
    for (const name of ["Services", "Fallback"]) {
      await page.getByLabel("Rule name").fill(name);
      await page.getByLabel("Scopes", { exact: true }).fill(name === "Services" ? "orders:read" : "openid");
      await press(page, "Create rule");
    }
    const names = () => page.locator("table tbody tr td:nth-child(2)").allTextContents();
    expect(await names()).toEqual(["Services", "Fallback"]);
    await press(page, "Move Fallback up");
    expect(await names()).toEqual(["Fallback", "Services"]);
    await press(page, "Move Fallback down");
    expect(await names()).toEqual(["Services", "Fallback"]);
    await checkScreen(page, "08-policy-rules");
    await page.goto(`${baseUrl}${serverPath}/policies`);
    await checkScreen(page, "09-policies");
  }, BROWSER_MS);

  it("creates a service app and shows its secret once", async () => {
    await page.goto(`${baseUrl}/admin/apps/new`);
    await page.getByLabel("Name (label)").fill(`Orders service ${tag}`);
    await page.getByLabel("Application type").selectOption("service");
    await page.getByLabel("client_credentials").check();
    await page.getByLabel("authorization_code").uncheck();
    await press(page, "Create");
    expect(await textOf(page.getByRole("heading", { level: 1 }))).toContain("created");
    secret = (await page.locator("#client-secret").textContent())!;
    clientId = (await page.locator("code.secret").first().textContent())!;
    expect(secret.length).toBeGreaterThan(20);
    await checkScreen(page, "10-app-created");
    await page.getByRole("link", { name: /Continue to/ }).click();
    expect(await page.locator("#client-secret").count()).toBe(0);
    await checkScreen(page, "11-app-detail");
    await page.goto(`${baseUrl}/admin/apps`);
    await checkScreen(page, "12-apps");
  }, BROWSER_MS);

  it("previews the token: the matching policy and rule and the claim, without issuing one", async () => {
    await page.goto(`${baseUrl}${serverPath}/preview`);
    await checkScreen(page, "13-preview-form");
    await page.getByLabel("Application (client)").selectOption(clientId);
    await page.getByLabel("Grant type", { exact: true }).selectOption("client_credentials");
    await page.getByLabel("Scopes", { exact: true }).fill("orders:read");
    await press(page, "Preview token");
    expect(await textOf(page.getByRole("status").filter({ hasText: "would issue" }))).toContain("Policy Orders policy, rule Services would issue the tokens.");
    const claims = JSON.parse((await page.locator("#access-token-claims").textContent())!);
    expect(claims).toMatchObject({ tenant: `acme:${clientId}`, scp: ["orders:read"], sub: clientId, cid: clientId, aud: `api://orders-${tag}` });
    expect(claims.jti).toContain("not issued");
    await checkScreen(page, "14-preview-result");
    // Why none: a scope no rule allows.
    await page.getByLabel("Scopes", { exact: true }).fill("openid");
    await press(page, "Preview token");
    await visible(page.getByText("cannot request 'openid' with client credentials"));
  }, BROWSER_MS);

  it("the service app gets a real token with its secret, carrying the scope and the claim", async () => {
    const server = (await adminJson(`/authorizationServers/${serverPath.split("/").pop()}`)).body;
    const res = await fetch(`${server.issuer}/v1/token`, {
      method: "POST",
      headers: { Authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString("base64")}`, "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
      body: "grant_type=client_credentials&scope=orders%3Aread",
    });
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(jwtClaims(body.access_token)).toMatchObject({ scp: ["orders:read"], tenant: `acme:${clientId}`, cid: clientId });
  });

  it("rotates the signing keys", async () => {
    await page.goto(`${baseUrl}${serverPath}/keys`);
    const activeKid = () => page.locator("tr", { has: page.locator("td.status-ACTIVE") }).locator("code").first().textContent();
    const before = await activeKid();
    await press(page, "Rotate signing keys");
    expect(await textOf(page.getByRole("status"))).toContain("rotated");
    expect(await activeKid()).not.toBe(before);
    await checkScreen(page, "15-keys");
  }, BROWSER_MS);

  it("shows people, groups and trusted origins", async () => {
    for (const [path, name] of [
      ["/admin/people", "16-people"],
      [`/admin/people/${admin.id}`, "17-person"],
      ["/admin/groups", "18-groups"],
      ["/admin/trusted-origins", "19-trusted-origins"],
    ] as const) {
      await page.goto(`${baseUrl}${path}`);
      await checkScreen(page, name);
    }
  }, BROWSER_MS);

  it("refuses a form without the session's CSRF token, and changes nothing", async () => {
    await page.goto(`${baseUrl}/admin/groups`);
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === "POST"),
      // A form like the page's own, but without the csrf field (DevTools evaluation is not bound by the page's CSP).
      page.evaluate(() => {
        const f = document.createElement("form");
        f.method = "post";
        f.action = "/admin/groups";
        const name = document.createElement("input");
        name.name = "name";
        name.value = "csrf-less";
        f.append(name);
        document.body.append(f);
        f.submit();
      }),
    ]);
    expect(response.status()).toBe(403);
    await page.waitForLoadState();
    expect(await textOf(page.getByRole("alert"))).toContain("did not carry this session's security token");
    await checkScreen(page, "20-csrf-refused");
    expect((await adminJson("/groups?q=csrf-less")).body).toEqual([]);
  }, BROWSER_MS);

  it("refuses a person without an administrator role, clearly", async () => {
    const someone = await person("bob", false);
    const other = await openPage();
    const res = await signIn(other, someone.login);
    expect(res.status()).toBe(403);
    expect(await textOf(other.getByRole("alert"))).toContain("is not an administrator");
    expect((await res.allHeaders())["set-cookie"] ?? "").not.toContain("__Host-mg_console=");
    await checkScreen(other, "21-refused");
  }, BROWSER_MS);

  it("keeps every screenshot under test-results/console", () => {
    expect(SHOTS).toBe(join(process.cwd(), "test-results", "console"));
  });
});
