import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchChromium, type RunningBrowser } from "./support/browser";
import { BROWSER_MS, checkScreen, jwtClaims, person, press, signIn, textOf, visible } from "./support/console";

// The console's directory and app tasks in Chromium: the first-run walkthrough's curl line, an app's new secret,
// assignments, deactivation and deletion, a person's lifecycle and group membership, and trusted origins.
const baseUrl = inject("baseUrl");

describe("the admin console's apps, people and origins", () => {
  const browsers: RunningBrowser[] = [];
  let page: Page;
  const tag = crypto.randomUUID().slice(0, 6);

  beforeAll(async () => {
    const admin = await person("grace", true);
    const b = await launchChromium();
    browsers.push(b);
    page = b.context.pages()[0] ?? (await b.context.newPage());
    await signIn(page, admin.login);
  }, BROWSER_MS);

  afterAll(async () => {
    for (const b of browsers) await b.close();
  });

  it("walks through a first token: the curl line it shows gets one", async () => {
    await page.goto(`${baseUrl}/admin`);
    await page.getByLabel("App name").fill(`First ${tag}`);
    await press(page, "Create app and show curl");
    const curl = (await page.locator("#curl").inputValue()).trim();
    await checkScreen(page, "30-first-token");
    // The curl line, run as curl would: POST, Basic credentials, form parameters.
    const m = /^curl -s -X POST '([^']+)' -u '([^':]+):([^']+)' -d grant_type=client_credentials -d scope=(\S+)$/.exec(curl);
    expect(m, curl).not.toBeNull();
    const res = await fetch(m![1]!, {
      method: "POST",
      headers: { Authorization: `Basic ${Buffer.from(`${m![2]}:${m![3]}`).toString("base64")}`, "Content-Type": "application/x-www-form-urlencoded" },
      body: `grant_type=client_credentials&scope=${encodeURIComponent(m![4]!)}`,
    });
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(jwtClaims(body.access_token).scp).toEqual(["mintgate:first"]);
  }, BROWSER_MS);

  it("gives a web app a new secret (shown once), edits its redirect URIs, assigns a person, deactivates and deletes it", async () => {
    const someone = await person("lin", false);
    await page.goto(`${baseUrl}/admin/apps/new`);
    await page.getByLabel("Name (label)").fill(`Web ${tag}`);
    await page.getByLabel("Sign-in redirect URIs").fill("not a uri");
    await press(page, "Create");
    expect(await textOf(page.locator("#redirect_uris-error"))).toContain("must be an absolute URI without a fragment");
    await page.getByLabel("Sign-in redirect URIs").fill("https://web.example/callback");
    await press(page, "Create");
    const first = await textOf(page.locator("#client-secret"));
    await page.getByRole("link", { name: /Continue to/ }).click();
    await press(page, "Generate new secret");
    const second = await textOf(page.locator("#client-secret"));
    expect(second).not.toBe(first);
    await page.getByLabel("Sign-in redirect URIs").fill("https://web.example/callback\nhttps://web.example/other");
    await press(page, "Save");
    expect(await page.getByLabel("Sign-in redirect URIs").inputValue()).toBe("https://web.example/callback\nhttps://web.example/other");
    await page.getByLabel("Assign a person (login or id)").fill(someone.login);
    await press(page, "Assign person");
    await visible(page.getByRole("button", { name: `Unassign ${someone.login}` }));
    await checkScreen(page, "31-app-assignments");
    await press(page, "Delete");
    expect(await textOf(page.getByRole("alert"))).toContain("E0000");
    await press(page, "Deactivate");
    await press(page, "Delete");
    expect(new URL(page.url()).pathname).toBe("/admin/apps");
  }, BROWSER_MS);

  it("adds a person, suspends and unsuspends them, and puts them in a group", async () => {
    await page.goto(`${baseUrl}/admin/groups`);
    await page.getByLabel("Name", { exact: true }).fill(`Team ${tag}`);
    await press(page, "Add group");
    const groupId = new URL(page.url()).pathname.split("/").pop()!;
    await page.goto(`${baseUrl}/admin/people`);
    const login = `kim.${tag}@example.com`;
    await page.getByLabel("First name").fill("Kim");
    await page.getByLabel("Last name").fill("Tester");
    await page.getByLabel("Username (login)").fill(login);
    await page.getByLabel("Email", { exact: true }).fill("not-an-email");
    await press(page, "Add person");
    expect(await textOf(page.locator("#email-error"))).toContain("Does not match required pattern");
    await page.getByLabel("Email", { exact: true }).fill(login);
    // Okta: a person created with a password and activate=true is ACTIVE (without one, PROVISIONED).
    await page.getByLabel("Password", { exact: true }).fill("Correct-Horse-7-battery");
    await press(page, "Add person");
    expect(await textOf(page.locator("h1"))).toContain("ACTIVE");
    await press(page, "Suspend");
    expect(await textOf(page.locator("h1"))).toContain("SUSPENDED");
    await press(page, "Unsuspend");
    expect(await textOf(page.locator("h1"))).toContain("ACTIVE");
    await page.getByLabel("Add to group (id)").fill(groupId);
    await press(page, "Add to group");
    await visible(page.getByRole("button", { name: `Remove from Team ${tag}` }));
    await checkScreen(page, "32-person-groups");
    await page.goto(`${baseUrl}/admin/groups/${groupId}`);
    await visible(page.getByRole("link", { name: login }));
    await checkScreen(page, "33-group");
  }, BROWSER_MS);

  it("adds, deactivates and deletes a trusted origin, with the API's error next to the field", async () => {
    await page.goto(`${baseUrl}/admin/trusted-origins`);
    await page.getByLabel("Name", { exact: true }).fill(`Origin ${tag}`);
    await page.getByLabel("Origin URL").fill("https://spa.example/path");
    await press(page, "Add origin");
    expect(await textOf(page.locator("#origin-error"))).toContain("must be an origin");
    await page.getByLabel("Origin URL").fill(`https://spa-${tag}.example`);
    await press(page, "Add origin");
    await press(page, `Deactivate Origin ${tag}`);
    await visible(page.getByRole("button", { name: `Activate Origin ${tag}` }));
    await checkScreen(page, "34-trusted-origins");
    await press(page, `Delete Origin ${tag}`);
    expect(await page.getByRole("cell", { name: `Origin ${tag}` }).count()).toBe(0);
  }, BROWSER_MS);
});
