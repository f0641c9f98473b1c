import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { Locator, Page } from "playwright-core";
import { expect, inject } from "vitest";
import { adminJson } from "./okta";

/** Screenshots of the console's screens, kept for people to look at (test-results/ is git-ignored). */
export const SHOTS = join(process.cwd(), "test-results", "console");
mkdirSync(SHOTS, { recursive: true });

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[]; failureSummary?: string }>;
}

/**
 * axe-core in the page, limited to WCAG 2.0/2.1 A and AA rules. It is evaluated through the DevTools protocol, which
 * the page's CSP (script-src 'none') does not govern, so the console keeps its CSP while being checked.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const result = await (window as any).axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
    return result.violations.map((v: any) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n: any) => ({ target: n.target, failureSummary: n.failureSummary })) }));
  });
}

/** One screen: no WCAG 2.1 A/AA violation axe can detect, in light and dark, and screenshots at desktop and 360 px. */
export async function checkScreen(page: Page, name: string): Promise<void> {
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    const violations = await axeViolations(page);
    expect(violations, `${name} (${scheme}): ${JSON.stringify(violations, null, 1)}`).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: "light" });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  await page.emulateMedia({ colorScheme: "dark" });
  await page.screenshot({ path: join(SHOTS, `${name}-dark.png`), fullPage: true });
  const size = page.viewportSize()!;
  await page.setViewportSize({ width: 360, height: 740 });
  // Readable at 360 px: nothing wider than the viewport except scrollable tables and code.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, `${name} scrolls sideways at 360 px`).toBeLessThanOrEqual(0);
  await page.emulateMedia({ colorScheme: "light" });
  await page.screenshot({ path: join(SHOTS, `${name}-360.png`), fullPage: true });
  await page.setViewportSize(size);
}

/** The decoded payload of a JWT. */
export const jwtClaims = (jwt: string) => JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString("utf8"));

export const PASSWORD = "Correct-Horse-7-battery";
export const BROWSER_MS = 120_000;

async function created(path: string, body: unknown): Promise<any> {
  const r = await adminJson(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  if (r.status < 200 || r.status > 299) throw new Error(`POST ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** A person with a password, made a SUPER_ADMIN when `admin`. */
export async function person(tag: string, admin: boolean): Promise<{ id: string; login: string }> {
  const login = `${tag}.${crypto.randomUUID().slice(0, 8)}@example.com`;
  const user = await created("/users?activate=true", { profile: { firstName: tag, lastName: "Tester", email: login, login }, credentials: { password: { value: PASSWORD } } });
  if (admin) await created(`/users/${user.id}/roles`, { type: "SUPER_ADMIN" });
  return { id: user.id, login };
}

/** /admin, then the hosted sign-in page; returns the console's callback response. */
export async function signIn(page: Page, login: string) {
  await page.goto(`${inject("baseUrl")}/admin`);
  await page.waitForURL((u) => u.pathname === "/oauth2/v1/authorize");
  await page.getByLabel("Username").fill(login);
  await page.getByLabel("Password").fill(PASSWORD);
  const [response] = await Promise.all([page.waitForResponse((r) => new URL(r.url()).pathname === "/admin/callback"), page.getByRole("button", { name: "Sign in" }).click()]);
  await page.waitForLoadState();
  return response;
}

/** The text of the first match, once it is there. */
export async function textOf(loc: Locator): Promise<string> {
  await loc.first().waitFor({ timeout: 10_000 });
  return (await loc.first().textContent()) ?? "";
}

export const visible = (loc: Locator) => loc.first().waitFor({ state: "visible", timeout: 10_000 });

/** Presses a form's button and waits for the page it leads to. */
export async function press(page: Page, name: string | RegExp) {
  await Promise.all([page.waitForNavigation(), page.getByRole("button", { name, exact: typeof name === "string" }).first().click()]);
}
