import { spawn } from "node:child_process";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser } from "../browser.js";
import { uniqueEmail } from "../portico.js";
import { CARDS, fillCheckoutForm, returnLinkName } from "./emulator-pages.js";
import { type ExampleApp, REPOSITORY, startExampleApp } from "./example-app.js";

/**
 * examples/next as its developer ships it: `next build`, then `next start`, with Portico
 * embedded behind the example's own sign-in. The browser buys Pro on the emulator's
 * Checkout, the emulator's webhooks reach the route the example mounts, and both "Manage
 * billing" buttons (a server action, and @portico/react's ManageBillingButton) open the portal.
 * The package's button is server-rendered by `next start` as a working form, and hydrates
 * without a mismatch.
 */

const EXAMPLE_DIR = join(REPOSITORY, "examples", "next");
const NEXT_BIN = join(REPOSITORY, "node_modules", "next", "dist", "bin", "next");
const TSC_BIN = join(REPOSITORY, "node_modules", "typescript", "bin", "tsc");
const REACT_TSCONFIG = join(REPOSITORY, "packages", "react", "tsconfig.build.json");

/** Runs a program in examples/next; its output becomes the error when it fails. */
function runInExample(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: EXAMPLE_DIR,
      env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`${args.join(" ")} exited ${code}:\n${output}`)),
    );
  });
}

/** The server renders dates in UTC with `dateStyle: long`. */
const formatUtcDate = (unixSeconds: number) =>
  new Intl.DateTimeFormat("en-US", { dateStyle: "long", timeZone: "UTC" }).format(
    new Date(unixSeconds * 1000),
  );

let app: ExampleApp;
let browser: Browser;

beforeAll(async () => {
  // The example imports Portico's compiled package, copied in as `npm install` would, and
  // @portico/react's dist/ through the workspace link; its `prebuild` does the same.
  await runInExample([TSC_BIN, "-p", REACT_TSCONFIG]);
  await runInExample(["scripts/install-portico.mjs"]);
  const started = Date.now();
  await runInExample([NEXT_BIN, "build"]);
  console.info(`next build took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  app = await startExampleApp({
    example: "next",
    command: [process.execPath, NEXT_BIN, "start", "-H", "127.0.0.1"],
  });
  browser = await launchBrowser();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const onEmulator = (url: URL) => url.origin === new URL(inject("emulatorUrl")).origin;
const onBillingPage = (url: URL) => url.href.startsWith(`${app.url}/settings/billing`);
const text = (page: Page, testId: string) => page.getByTestId(testId).textContent();

/**
 * React's hydration complaints. A production build logs them minified, as links to
 * react.dev/errors/418 (text mismatch), 419, 421-423 and 425, so both forms are matched.
 */
const HYDRATION =
  /hydrat|did not match|react\.dev\/errors\/(418|419|42[1-35])\b|#(418|419|42[1-35])\b/i;

/** Every console error or warning and uncaught error on the page, as text. */
function watchConsole(page: Page): string[] {
  const messages: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") {
      messages.push(`${message.type()}: ${message.text()}`);
    }
  });
  page.on("pageerror", (error) => messages.push(`pageerror: ${error.message}\n${error.stack}`));
  return messages;
}

/** A page's HTML exactly as `next start` serves it to this context's session. */
async function serverHtml(context: BrowserContext, path = "/settings/billing"): Promise<string> {
  const response = await fetchAs(context, path);
  expect(response.status).toBe(200);
  return response.text();
}

async function fetchAs(context: BrowserContext, path: string): Promise<Response> {
  const cookies = await context.cookies(app.url);
  return fetch(`${app.url}${path}`, {
    headers: { cookie: cookies.map(({ name, value }) => `${name}=${value}`).join("; ") },
    redirect: "manual",
  });
}

/** Signs in with the example's own form; ends on the user's billing page. */
async function signInAs(page: Page, email: string): Promise<void> {
  await page.goto(`${app.url}/sign-in`);
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(onBillingPage);
}

/** Signs in with the example's own form and buys Pro; ends on the billing page, Pro. */
async function signInAndBuyPro(page: Page): Promise<{ email: string; periodEnd: number }> {
  const email = uniqueEmail();
  await page.goto(`${app.url}/settings/billing`);
  await page.waitForURL(`${app.url}/sign-in`);
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(onBillingPage);
  expect(await text(page, "plan-name")).toBe("Free");

  await page.getByRole("button", { name: "Subscribe to Pro" }).click();
  await page.waitForURL(onEmulator);
  expect(new URL(page.url()).pathname).toMatch(/^\/c\/pay\//);
  await fillCheckoutForm(page, CARDS.visa, email);
  await page.getByRole("button", { name: "Subscribe" }).click();
  await page.waitForURL(onBillingPage);

  // Webhooks alone update the page: delivered to the example's route, then a reload.
  await app.flushWebhooks();
  await page.reload();
  expect(await text(page, "plan-name")).toBe("Pro");
  expect(await text(page, "status")).toBe("active");
  const [customer] = (await app.stripe.customers.list({ email })).data;
  if (!customer) throw new Error(`no Stripe customer for ${email}`);
  const [subscription] = (await app.stripe.subscriptions.list({ customer: customer.id })).data;
  if (!subscription) throw new Error(`no subscription for ${email}`);
  const periodEnd = Math.max(...subscription.items.data.map((item) => item.current_period_end));
  expect(await text(page, "renewal")).toBe(`Renews on ${formatUtcDate(periodEnd)}`);
  return { email, periodEnd };
}

/** On the emulator's portal: cancels at period end, then follows the link back. */
async function cancelInPortal(page: Page): Promise<void> {
  await page.waitForURL(onEmulator);
  expect(new URL(page.url()).pathname).toMatch(/^\/p\/session\//);
  await page.getByRole("link", { name: "Cancel plan" }).click();
  await page.getByRole("radio", { name: "It's too expensive" }).check();
  await page.getByRole("button", { name: "Cancel plan" }).click();
  await page.getByRole("button", { name: "Renew plan" }).waitFor();
  await page.getByRole("link", { name: returnLinkName(app.url) }).click();
  await page.waitForURL(onBillingPage);
}

async function expectCancellationShown(page: Page, periodEnd: number): Promise<void> {
  await app.flushWebhooks();
  await page.reload();
  expect(await text(page, "plan-name")).toBe("Pro");
  expect(await text(page, "renewal")).toBe(`Cancels on ${formatUtcDate(periodEnd)}`);
}

/**
 * Runs a journey in a fresh browser context on the app, with its console watched; a failure
 * carries what `next start` printed, and the journey must have logged no hydration error.
 */
async function inAppContext(
  journey: (page: Page, context: BrowserContext) => Promise<void>,
): Promise<void> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const logged = watchConsole(page);
    await journey(page, context);
    expect(logged.filter((line) => HYDRATION.test(line))).toEqual([]);
  } catch (error) {
    throw new Error(`${error}\n--- next start printed:\n${app.output()}`, { cause: error });
  } finally {
    await context.close();
  }
}

describe("examples/next", () => {
  it(
    "the server-action Manage billing button redirects to the portal; a cancellation shows on return",
    {
      timeout: 120_000,
    },
    () =>
      inAppContext(async (page) => {
        const { periodEnd } = await signInAndBuyPro(page);
        // A <form action={serverAction}>: redirectToPortal's NEXT_REDIRECT reaches Next.js.
        await page.getByRole("button", { name: "Manage billing", exact: true }).click();
        await cancelInPortal(page);
        await expectCancellationShown(page, periodEnd);
      }),
  );

  it(
    "@portico/react's Manage billing button is server-rendered, works before hydration, hydrates cleanly, shows a failure, then opens the portal",
    {
      timeout: 120_000,
    },
    () =>
      inAppContext(async (page, context) => {
        const { periodEnd } = await signInAndBuyPro(page);

        // Rendered on the server: the package's form and its button are in next start's HTML.
        const html = await serverHtml(context);
        const form = html.match(/<form[^>]*class="portico-manage-billing"[^>]*>(.*?)<\/form>/)?.[0];
        expect(form).toContain('action="/api/billing/portal"');
        expect(form).toContain('method="post"');
        expect(form).toMatch(/<button type="submit"[^>]*>Manage billing \(fetch\)<\/button>/);
        // The settings section is server-rendered in its loading state (no data on the server)…
        expect(html).toMatch(/<section class="portico-billing-settings" data-state="loading"/);
        // …and filled in by the browser: the plan, what happens next, and the invoice.
        const settings = page.locator(".portico-billing-settings[data-state=ready]");
        await settings.waitFor();
        expect(await settings.locator(".portico-plan-name").textContent()).toBe("Pro");
        expect(await settings.locator(".portico-renewal").textContent()).toMatch(/^Renews on /);
        const invoices = page.getByRole("table", { name: "Invoices" });
        expect(await invoices.getByRole("row").count()).toBe(2);

        // That HTML alone, never hydrated, is a working form: the browser posts it with the
        // session cookie and Portico answers 303 to the portal.
        const noScript = await browser.newContext({
          javaScriptEnabled: false,
          storageState: await context.storageState(),
        });
        try {
          const staticPage = await noScript.newPage();
          await staticPage.goto(`${app.url}/settings/billing`);
          await staticPage.getByRole("button", { name: "Manage billing (fetch)" }).click();
          await staticPage.waitForURL(onEmulator);
          expect(new URL(staticPage.url()).pathname).toMatch(/^\/p\/session\//);
        } finally {
          await noScript.close();
        }

        const button = page.getByRole("button", { name: "Manage billing (fetch)" });

        // A failing route: the client component says so instead of navigating.
        await page.route("**/api/billing/portal", (route) =>
          route.fulfill({
            status: 503,
            json: { success: false, error: { code: "SERVICE_UNAVAILABLE", message: "Try later" } },
          }),
        );
        await button.click();
        // Filtered: Next.js's route announcer is an alert too.
        await page.getByRole("alert").filter({ hasText: "Try later" }).waitFor();
        expect(onBillingPage(new URL(page.url()))).toBe(true);
        await page.unroute("**/api/billing/portal");

        await button.click();
        await cancelInPortal(page);
        await expectCancellationShown(page, periodEnd);
      }),
  );

  /** The example's organization (lib/organizations.ts) and its billing page. */
  const ORG_PAGE = "/orgs/acme/billing";
  const onOrgPage = (url: URL) => url.href.startsWith(`${app.url}${ORG_PAGE}`);

  it("an organization's billing page: its owner buys Pro for it, its Manage billing form names it, a member only views it", {
    timeout: 120_000,
  }, async () => {
    await inAppContext(async (page, context) => {
      await signInAs(page, "owner@acme.test");
      await page.getByRole("link", { name: "Acme Inc. billing" }).click();
      await page.waitForURL(onOrgPage);
      expect(await text(page, "role")).toBe("owner");
      expect(await text(page, "org-plan-name")).toBe("Free");

      // @portico/react's Upgrade, for the organization: Checkout, then back to its page.
      const settings = page.locator(".portico-billing-settings[data-state=ready]");
      await settings.getByRole("button", { name: "Upgrade" }).click();
      await page.waitForURL(onEmulator);
      await fillCheckoutForm(page, CARDS.visa, "owner@acme.test");
      await page.getByRole("button", { name: "Subscribe" }).click();
      await page.waitForURL(onOrgPage);
      await app.flushWebhooks();
      await page.goto(`${app.url}${ORG_PAGE}`);
      expect(await text(page, "org-plan-name")).toBe("Pro");
      expect(await settings.locator(".portico-plan-name").textContent()).toBe("Pro");

      // The Stripe customer is the organization, as describeOrganization described it.
      const [customer] = (await app.stripe.customers.list({ email: "billing@acme.test" })).data;
      expect(customer?.name).toBe("Acme Inc.");
      expect(customer?.metadata.portico_organization_id).toMatch(/^[0-9a-f-]{36}$/);

      // Server-rendered: the package's form names the organization in a hidden field.
      const html = await serverHtml(context, ORG_PAGE);
      const form = html.match(/<form[^>]*class="portico-manage-billing"[^>]*>(.*?)<\/form>/)?.[0];
      expect(form).toContain('action="/api/billing/portal"');
      expect(form).toMatch(/<input type="hidden" name="organizationId" value="acme"\/?>/);
      expect(form).toContain(`name="returnUrl" value="${app.url}${ORG_PAGE}"`);
      expect((await fetchAs(context, "/orgs/elsewhere/billing")).status).toBe(404);

      // The owner's own billing is another subject: still free.
      await page.goto(`${app.url}/settings/billing`);
      expect(await text(page, "plan-name")).toBe("Free");

      await page.goto(`${app.url}${ORG_PAGE}`);
      await page.getByRole("button", { name: "Manage Acme Inc. billing" }).click();
      await page.waitForURL(onEmulator);
      expect(new URL(page.url()).pathname).toMatch(/^\/p\/session\//);
    });

    // A member sees the organization's plan; the portal is refused to them, said in place.
    await inAppContext(async (page) => {
      await signInAs(page, "dev@acme.test");
      await page.goto(`${app.url}${ORG_PAGE}`);
      expect(await text(page, "role")).toBe("member");
      expect(await text(page, "org-plan-name")).toBe("Pro");
      expect(await page.getByRole("button", { name: "Manage Acme Inc. billing" }).count()).toBe(0);
      const settings = page.locator(".portico-billing-settings[data-state=ready]");
      await settings.getByRole("button", { name: "Manage billing" }).click();
      await page.getByRole("alert").filter({ hasText: "Organization not found" }).waitFor();
      expect(onOrgPage(new URL(page.url()))).toBe(true);
    });
  });
});
