import type { Browser, Page } from "playwright-core";
import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { DeliveryAttempt } from "../../packages/emulator/src/webhooks/delivery-log.js";
import { launchBrowser } from "../browser.js";
import { payOnHostedCheckout } from "../checkout.js";
import { uniqueEmail } from "../portico.js";
import { eventually, formatLongDate, periodEndOf, textOf } from "./billing-app.js";
import { type BrowserSession, openBrowserSession } from "./browser-session.js";
import { CARDS, fillCheckoutForm, returnLinkName } from "./emulator-pages.js";
import { type ExampleApp, startExampleApp } from "./example-app.js";

/**
 * examples/express as its developer runs it (`node server.js`): its own sign-in, Portico
 * mounted with toExpressHandler, the emulator's webhooks sent to the mounted route.
 */

const startExpressExample = (env: Record<string, string> = {}) =>
  // A fresh embedded PostgreSQL and its migrations: seconds, more on a busy 2-core machine.
  startExampleApp({
    example: "express",
    command: ["node", "server.js"],
    env,
  });

const STARTUP_TIMEOUT_MS = 90_000;

/** Every webhook POST the emulator made for the app's account. */
async function webhookDeliveries(app: ExampleApp): Promise<DeliveryAttempt[]> {
  const list = await app.stripe.rawRequest("GET", "/_emulator/webhooks/deliveries");
  return (list as { data: DeliveryAttempt[] }).data;
}

/** A fresh emulator account per app: its one subscription is the test user's. */
async function onlySubscription(app: ExampleApp): Promise<Stripe.Subscription> {
  const [subscription, ...others] = (await app.stripe.subscriptions.list({ status: "all" })).data;
  if (!subscription || others.length > 0) throw new Error("expected exactly one subscription");
  return subscription;
}

/** Through the app's own sign-in form; ends on its billing page. */
async function signIn(page: Page, url: string): Promise<string> {
  const email = uniqueEmail();
  await page.goto(`${url}/settings/billing`);
  await page.waitForURL(`${url}/signin`);
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${url}/settings/billing`);
  await page.getByRole("heading", { level: 1, name: "Billing" }).waitFor();
  return email;
}

async function waitForEmulatorPage(page: Page, pathPrefix: string): Promise<void> {
  const emulator = new URL(inject("emulatorUrl")).origin;
  await page.waitForURL((url) => url.origin === emulator && url.pathname.startsWith(pathPrefix));
  await page.waitForLoadState();
}

describe("examples/express: Portico mounted in the seed's Express app", () => {
  let app: ExampleApp | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    [app, browser] = await Promise.all([startExpressExample(), launchBrowser()]);
  }, STARTUP_TIMEOUT_MS);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  /** A fresh browser context that must stay on this machine and raise no page errors. */
  async function inBrowser(
    test: string,
    run: (session: BrowserSession, app: ExampleApp) => Promise<void>,
    options: { javaScriptEnabled?: boolean } = {},
  ) {
    if (!app || !browser) throw new Error("the example or the browser did not start");
    const session = await openBrowserSession(browser, `example-express-${test}`, options);
    try {
      await run(session, app);
      expect(session.foreignRequests, "requests to other hosts").toEqual([]);
      expect(session.pageProblems, "page errors").toEqual([]);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n\nThe app printed:\n${app.output()}`, {
        cause: error,
      });
    } finally {
      await session.close();
    }
  }

  it(
    "signs in, buys Pro, cancels in the portal; webhooks reach the mounted route",
    {
      timeout: 120_000,
    },
    () =>
      inBrowser("journey", async ({ page, snap }, app) => {
        // 1. The app's own sign-in: a new user is on the free plan.
        const email = await signIn(page, app.url);
        expect(await textOf(page, "plan-name")).toBe("Free");
        expect(await page.getByRole("button", { name: "Manage billing" }).count()).toBe(0);
        await snap("billing-free");

        // 2. Subscribe to Pro on the emulator's hosted Checkout page.
        await page.getByRole("button", { name: "Subscribe to Pro" }).click();
        await waitForEmulatorPage(page, "/c/pay/");
        await fillCheckoutForm(page, CARDS.visa, email);
        await page.getByRole("button", { name: "Subscribe" }).click();

        // 3. Back on the app: the app never syncs, so Pro shows only once the webhook has
        // reached the mounted route (the page refreshes itself until then).
        await page.waitForURL(`${app.url}/settings/billing?checkout=success`);
        await eventually(() => textOf(page, "plan-name"), "Pro", 15_000);
        expect(await textOf(page, "status")).toBe("Active");
        const periodEnd = periodEndOf(await onlySubscription(app));
        expect(await textOf(page, "renewal")).toBe(`Renews on ${formatLongDate(periodEnd)}`);
        await snap("billing-pro");

        // 4. Manage billing is the fetch button: JSON to Portico's route, then the portal.
        const portalCall = page.waitForResponse(`${app.url}/api/billing/portal`);
        await page.getByRole("button", { name: "Manage billing" }).click();
        const portalResponse = await portalCall;
        expect(portalResponse.status()).toBe(200);
        expect(portalResponse.request().headers()["content-type"]).toBe("application/json");
        await waitForEmulatorPage(page, "/p/session/");
        await page.getByRole("link", { name: "Cancel plan" }).click();
        await page.getByRole("radio", { name: "It's too expensive" }).check();
        await page.getByRole("button", { name: "Cancel plan" }).click();
        await page.getByRole("button", { name: "Renew plan" }).waitFor();
        await page.getByRole("link", { name: returnLinkName(app.url) }).click();

        // 5. Once the emulator has delivered the cancellation, the page shows it: still Pro
        // until the period ends.
        await page.waitForURL(`${app.url}/settings/billing`);
        await app.flushWebhooks();
        await page.reload();
        expect(await textOf(page, "plan-name")).toBe("Pro");
        expect(await textOf(page, "renewal")).toBe(`Cancels on ${formatLongDate(periodEnd)}`);
        await snap("billing-cancels");

        // Every webhook went to the mounted route and was accepted the first time.
        const deliveries = await webhookDeliveries(app);
        expect(deliveries.map((delivery) => delivery.type)).toContain(
          "customer.subscription.updated",
        );
        for (const delivery of deliveries) {
          expect(delivery).toMatchObject({
            url: `${app.url}/api/billing/webhooks/stripe`,
            attempt: 1,
            delivered: true,
          });
        }
        // pino's warn (40) and above: nothing went wrong on the app's side.
        expect(app.output()).not.toMatch(/"level":(40|50|60)\b/);
      }),
  );

  it("the no-JavaScript Manage billing form answers 303 to the portal", () =>
    inBrowser(
      "no-javascript",
      async ({ context, page, snap }, app) => {
        await signIn(page, app.url);
        // A post without our Origin is refused; the page's own form carries it.
        const crossSite = await context.request.post(`${app.url}/billing/checkout`, {
          maxRedirects: 0,
        });
        expect(crossSite.status()).toBe(403);
        const checkout = await context.request.post(`${app.url}/billing/checkout`, {
          headers: { origin: app.url },
          maxRedirects: 0,
        });
        expect(checkout.status()).toBe(303);
        await payOnHostedCheckout(checkout.headers().location ?? "");
        await app.flushWebhooks();

        await page.goto(`${app.url}/settings/billing`);
        expect(await textOf(page, "plan-name")).toBe("Pro");
        await snap("billing-noscript");
        const portalCall = page.waitForResponse(`${app.url}/api/billing/portal`);
        await page.getByRole("button", { name: "Manage billing" }).click();
        expect((await portalCall).status()).toBe(303);
        await waitForEmulatorPage(page, "/p/session/");
        await page.getByRole("heading", { level: 2, name: "Current plan" }).waitFor();
      },
      { javaScriptEnabled: false },
    ));
});

describe("examples/express with express.json() mounted before Portico", () => {
  it("answers 500 on the webhook route and logs how to fix the mounting", {
    timeout: STARTUP_TIMEOUT_MS,
  }, async () => {
    const app = await startExpressExample({ PARSE_JSON_FIRST: "1" });
    try {
      await app.stripe.customers.create({ email: uniqueEmail() });
      await app.flushWebhooks();
      const deliveries = await webhookDeliveries(app);
      expect(deliveries.length).toBeGreaterThan(0);
      for (const delivery of deliveries) expect(delivery).toMatchObject({ status: 500 });
      expect(app.output()).toContain("Mount toExpressHandler(portico) before express.json()");
    } finally {
      await app.close();
    }
  });
});
