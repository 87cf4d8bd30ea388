import { mkdirSync, rmSync } from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright-core";

/**
 * One test's browser: a fresh context (own cookies) with a fixed locale and time zone, a
 * numbered screenshot per step, and a record of what the page did that a test must never
 * see: requests to another machine and uncaught errors.
 */

export const LOCALE = "en-US";
/** Not UTC, so a page that formats dates in UTC instead of the user's zone can show it. */
export const TIME_ZONE = "America/New_York";

const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Saves `test-results/<test>/<nn>-<step>.png`. */
  snap(step: string): Promise<void>;
  /** Every URL the page requested on a host other than this machine. */
  foreignRequests: string[];
  /** Uncaught exceptions and Content-Security-Policy violations reported by the page. */
  pageProblems: string[];
  /** Every console error, e.g. Chromium's "Failed to load resource: … 401". */
  consoleErrors: string[];
  close(): Promise<void>;
}

function isForeign(url: string): boolean {
  const parsed = new URL(url);
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return false;
  return !LOCAL_HOSTS.has(parsed.hostname);
}

export async function openBrowserSession(
  browser: Browser,
  test: string,
  options: { javaScriptEnabled?: boolean; viewport?: { width: number; height: number } } = {},
): Promise<BrowserSession> {
  const directory = `test-results/${test}`;
  rmSync(directory, { recursive: true, force: true });
  mkdirSync(directory, { recursive: true });
  const context = await browser.newContext({
    locale: LOCALE,
    timezoneId: TIME_ZONE,
    javaScriptEnabled: options.javaScriptEnabled ?? true,
    viewport: options.viewport ?? { width: 1280, height: 800 },
  });
  const page = await context.newPage();
  const foreignRequests: string[] = [];
  const pageProblems: string[] = [];
  const consoleErrors: string[] = [];
  context.on("request", (request) => {
    if (isForeign(request.url())) foreignRequests.push(request.url());
  });
  page.on("pageerror", (error) => pageProblems.push(`uncaught: ${error.message}`));
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) pageProblems.push(message.text());
    if (message.type() === "error") consoleErrors.push(message.text());
  });
  let step = 0;
  return {
    context,
    page,
    async snap(name) {
      step += 1;
      const file = `${directory}/${String(step).padStart(2, "0")}-${name}.png`;
      await page.screenshot({ path: file, fullPage: true });
    },
    foreignRequests,
    pageProblems,
    consoleErrors,
    close: () => context.close(),
  };
}
