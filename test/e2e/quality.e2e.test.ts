import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { openBillingPageAsPro, signUpWithCookie, waitForEmulatorPage } from "./billing-app.js";
import { setUpE2EEnvironment } from "./environment.js";

/**
 * The quality bar: small screens, keyboard, CSP, no third parties. (The bundle
 * budget is web/bundle-size.test.ts, in `npm test`.)
 */

const e2e = setUpE2EEnvironment();

const scrollWidth = (page: Page) =>
  page.evaluate(() => document.scrollingElement?.scrollWidth ?? Number.POSITIVE_INFINITY);

/** The directives that govern scripts: script-src, else default-src. */
function scriptSources(policy: string): string {
  const directives = policy.split(";").map((directive) => directive.trim());
  const named = (name: string) => directives.find((directive) => directive.startsWith(`${name} `));
  return named("script-src") ?? named("default-src") ?? "";
}

describe("quality of the billing pages", () => {
  it("fits a 360 px wide screen without horizontal scrolling", () =>
    e2e.inBrowser(
      "quality-360px",
      async ({ page, snap, consoleErrors }) => {
        const { t } = e2e;
        await page.goto(`${t.url}/signup`);
        await page.getByRole("heading", { level: 1, name: "Create your account" }).waitFor();
        expect(await scrollWidth(page)).toBeLessThanOrEqual(360);
        // Signed out is a normal state: the page asks who is signed in without a 401.
        expect(consoleErrors).toEqual([]);
        await snap("signup");

        await openBillingPageAsPro(page, t);
        await page.getByRole("table", { name: "Invoice history" }).waitFor();
        expect(await scrollWidth(page)).toBeLessThanOrEqual(360);
        await snap("billing");

        await page.goto(`${t.url}/pricing`);
        await page.getByRole("heading", { level: 2, name: "Pro" }).waitFor();
        expect(await scrollWidth(page)).toBeLessThanOrEqual(360);
        await snap("pricing");
      },
      { viewport: { width: 360, height: 780 } },
    ));

  it("reaches Manage billing with Tab, shows the focus, and opens the portal with Enter", () =>
    e2e.inBrowser("quality-keyboard", async ({ page, snap }) => {
      const { t } = e2e;
      await openBillingPageAsPro(page, t);

      let focused = "";
      for (let presses = 0; presses < 40 && focused !== "Manage billing"; presses += 1) {
        await page.keyboard.press("Tab");
        focused = await page.evaluate(() => document.activeElement?.textContent?.trim() ?? "");
      }
      expect(focused).toBe("Manage billing");
      const focusVisible = await page.evaluate(() => {
        const element = document.activeElement;
        if (!element?.matches(":focus-visible")) return false;
        const style = getComputedStyle(element);
        return style.outlineStyle !== "none" || style.boxShadow !== "none";
      });
      expect(focusVisible).toBe(true);
      await snap("manage-billing-focused");

      await page.keyboard.press("Enter");
      await waitForEmulatorPage(page, t);
      await page.getByRole("heading", { level: 2, name: "Current plan" }).waitFor();
    }));

  it("serves every page with a script-tight CSP and loads nothing from another host", () =>
    e2e.inBrowser("quality-csp", async ({ context, page }) => {
      const { t } = e2e;
      await signUpWithCookie(context, t.url);
      for (const path of ["/signin", "/settings/billing", "/pricing"]) {
        const response = await page.goto(`${t.url}${path}`);
        await page.getByRole("heading", { level: 1 }).waitFor();
        const policy = (await response?.allHeaders())?.["content-security-policy"] ?? "";
        expect(policy, path).not.toBe("");
        const scripts = scriptSources(policy);
        expect(scripts, `${path}: ${policy}`).toMatch(/'self'|'none'/);
        expect(scripts, path).not.toMatch(/'unsafe-inline'|'unsafe-eval'|\*/);
      }
    }));
});
