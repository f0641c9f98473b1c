import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchChromium, type RunningBrowser } from "./support/browser";
import { BROWSER_MS, checkScreen, person, press, signIn, textOf } from "./support/console";

// A person's Reset sessions action and the System Log screen in Chromium, against wrangler dev (real queue).
const baseUrl = inject("baseUrl");

describe("the admin console's sessions reset and System Log", () => {
  const browsers: RunningBrowser[] = [];
  let page: Page;
  let adminLogin: string;

  beforeAll(async () => {
    const admin = await person("ivy", true);
    adminLogin = admin.login;
    const b = await launchChromium();
    browsers.push(b);
    page = b.context.pages()[0] ?? (await b.context.newPage());
    await signIn(page, admin.login);
  }, BROWSER_MS);

  afterAll(async () => {
    for (const b of browsers) await b.close();
  });

  it("resets a person's sessions, also revoking their OAuth tokens when the box is checked", async () => {
    const someone = await person("sam", false);
    await page.goto(`${baseUrl}/admin/people/${someone.id}`);
    await page.getByLabel("Also revoke their OAuth tokens (access and refresh tokens)").check();
    await press(page, "Reset sessions");
    expect(await textOf(page.getByRole("status"))).toBe("Their sessions were ended and their OAuth tokens revoked.");
    await checkScreen(page, "40-person-sessions");
  }, BROWSER_MS);

  it("shows the admin's own sign-in in the System Log, filtered by event type and outcome", async () => {
    await page.goto(`${baseUrl}/admin`);
    await page.getByRole("link", { name: "System Log" }).click();
    await page.getByLabel("Event type").fill("user.session.start");
    await page.getByLabel("Outcome").selectOption("SUCCESS");
    await press(page, "Filter");
    expect(new URL(page.url()).search).toBe("?eventType=user.session.start&outcome=SUCCESS");
    // The System Log is written through a queue: the event arrives after a batch.
    const row = page.locator("tbody tr", { hasText: adminLogin });
    for (let i = 0; i < 30 && (await row.count()) === 0; i++) {
      await page.waitForTimeout(1000);
      await page.reload();
    }
    expect(await row.first().textContent()).toContain("user.session.start");
    expect(await row.first().textContent()).toContain("SUCCESS");
    await checkScreen(page, "41-system-log");
  }, BROWSER_MS);
});
