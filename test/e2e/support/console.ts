import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { expect } from "vitest";

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
