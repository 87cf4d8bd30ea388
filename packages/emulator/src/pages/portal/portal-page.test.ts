import { describe, expect, it } from "vitest";
import {
  createPortalAccount,
  createPortalSetup,
  fetchPage,
  isCancelScheduled,
  openPortal,
  postPortalForm,
  postWithToken,
  readCsrfToken,
  useInProcessEmulator,
} from "./portal-testing.js";

const emulator = useInProcessEmulator();
const account = () => createPortalAccount(emulator.get().url);

describe("portal homepage", () => {
  it("shows the headline, the customer, every enabled section and the return link", async () => {
    const { stripe } = account();
    const setup = await createPortalSetup(stripe);
    const session = await openPortal(stripe, setup);
    const page = await fetchPage(session.url);
    expect(page.status).toBe(200);
    expect(page.html).toContain("<h1>Acme billing</h1>");
    expect(page.html).toContain("ada@example.com");
    expect(page.html).toContain(
      '<a href="https://app.example.com/account">Return to app.example.com</a>',
    );
    expect(page.html).toContain(">Current plan</h2>");
    expect(page.html).toContain("Basic");
    expect(page.html).toContain("$10.00 per month");
    expect(page.html).toContain(">Payment methods</h2>");
    expect(page.html).toContain("Visa •••• 4242");
    expect(page.html).toContain(">Billing information</h2>");
    expect(page.html).toContain(">Invoice history</h2>");
    expect(page.html).toContain(">Update plan</a>");
    expect(page.html).toContain(">Cancel plan</a>");
    expect(page.html).toContain(">Pause plan</a>");
  });

  it.each([
    ["invoice_history", ">Invoice history</h2>"],
    ["payment_method_update", ">Payment methods</h2>"],
    ["customer_update", ">Billing information</h2>"],
    ["subscription_update", ">Update plan</a>"],
    ["subscription_cancel", ">Cancel plan</a>"],
    ["subscription_pause", ">Pause plan</a>"],
  ] as const)("hides %s when the configuration disables it", async (feature, marker) => {
    const { stripe } = account();
    const setup = await createPortalSetup(stripe, { [feature]: { enabled: false } });
    const page = await fetchPage((await openPortal(stripe, setup)).url);
    expect(page.status).toBe(200);
    expect(page.html).not.toContain(marker);
  });

  it("refuses the screens of a disabled feature with a 404 page", async () => {
    const { stripe } = account();
    const setup = await createPortalSetup(stripe, {
      subscription_cancel: { enabled: false },
      payment_method_update: { enabled: false },
    });
    const session = await openPortal(stripe, setup);
    const cancel = await fetchPage(`${session.url}/subscriptions/${setup.subscription.id}/cancel`);
    expect(cancel.status).toBe(404);
    const posted = await postPortalForm(
      session.url,
      `/subscriptions/${setup.subscription.id}/cancel`,
    );
    expect(posted.status).toBe(404);
    expect((await fetchPage(`${session.url}/payment-methods/new`)).status).toBe(404);
    const subscription = await stripe.subscriptions.retrieve(setup.subscription.id);
    expect(subscription.cancel_at_period_end).toBe(false);
  });

  it("answers an unknown token with a 404 page", async () => {
    const page = await fetchPage(`${emulator.get().url}/p/session/not-a-token`);
    expect(page.status).toBe(404);
  });
});

describe("portal security", () => {
  it("rejects another customer's subscription and payment method ids and changes nothing", async () => {
    const { stripe } = account();
    const setup = await createPortalSetup(stripe);
    const other = await stripe.customers.create({ email: "other@example.com" });
    const otherCard = await stripe.paymentMethods.attach("pm_card_mastercard", {
      customer: other.id,
    });
    const otherSubscription = await stripe.subscriptions.create({
      customer: other.id,
      items: [{ price: setup.basic.id }],
      default_payment_method: otherCard.id,
    });
    const session = await openPortal(stripe, setup);
    const target = `/subscriptions/${otherSubscription.id}`;

    expect((await fetchPage(`${session.url}${target}/cancel`)).status).toBe(404);
    expect((await postPortalForm(session.url, `${target}/cancel`)).status).toBe(404);
    expect(
      (await postPortalForm(session.url, `${target}/update`, { price: setup.pro.id })).status,
    ).toBe(404);
    expect((await postPortalForm(session.url, `${target}/pause`)).status).toBe(404);
    const makeDefault = await postPortalForm(
      session.url,
      `/payment-methods/${otherCard.id}/default`,
    );
    expect(makeDefault.status).toBe(404);

    const after = await stripe.subscriptions.retrieve(otherSubscription.id);
    expect(after).toMatchObject({
      cancel_at_period_end: false,
      status: otherSubscription.status,
      pause_collection: null,
    });
    expect(after.items.data[0]?.price.id).toBe(setup.basic.id);
    const customer = await stripe.customers.retrieve(setup.customer.id);
    expect(
      "deleted" in customer ? null : customer.invoice_settings.default_payment_method,
    ).not.toBe(otherCard.id);
  });

  it("refuses a plan the configuration does not offer", async () => {
    const { stripe } = account();
    const setup = await createPortalSetup(stripe);
    const hidden = await stripe.prices.create({
      currency: "usd",
      unit_amount: 1,
      recurring: { interval: "month" },
      product_data: { name: "Secret" },
    });
    const session = await openPortal(stripe, setup);
    const posted = await postPortalForm(
      session.url,
      `/subscriptions/${setup.subscription.id}/update`,
      {
        price: hidden.id,
      },
    );
    expect(posted.status).toBe(404);
    const after = await stripe.subscriptions.retrieve(setup.subscription.id);
    expect(after.items.data[0]?.price.id).toBe(setup.basic.id);
  });

  it("refuses a form without this session's CSRF token", async () => {
    const { stripe } = account();
    const setup = await createPortalSetup(stripe);
    const session = await openPortal(stripe, setup);
    const second = await openPortal(stripe, setup);
    const cancelUrl = `${session.url}/subscriptions/${setup.subscription.id}/cancel`;
    expect((await postWithToken(cancelUrl, "forged")).status).toBe(403);
    // A token from another session of the same customer is not valid here either.
    const otherToken = readCsrfToken((await fetchPage(second.url)).html);
    expect((await postWithToken(cancelUrl, otherToken)).status).toBe(403);
    expect(await isCancelScheduled(stripe, setup.subscription.id)).toBe(false);
  });
});

describe("portal session expiry", () => {
  it("expires after five minutes by default and then changes nothing", async () => {
    const portal = account();
    const setup = await createPortalSetup(portal.stripe);
    const session = await openPortal(portal.stripe, setup);
    const csrf = readCsrfToken((await fetchPage(session.url)).html);

    // A minute short of five: real seconds also pass, however slow the machine.
    await portal.control("/_emulator/clock/advance", { seconds: "240" });
    expect((await fetchPage(session.url)).status).toBe(200);
    await portal.control("/_emulator/clock/advance", { seconds: "60" });
    const expired = await fetchPage(session.url);
    expect(expired.status).toBe(410);
    expect(expired.html).toContain("This session has expired");
    expect(expired.html).toContain("Return to app.example.com");

    const cancelUrl = `${session.url}/subscriptions/${setup.subscription.id}/cancel`;
    expect((await postWithToken(cancelUrl, csrf)).status).toBe(410);
    expect(await isCancelScheduled(portal.stripe, setup.subscription.id)).toBe(false);
  });

  it("follows the TTL set through the control route", async () => {
    const portal = account();
    const setup = await createPortalSetup(portal.stripe);
    const response = await portal.control("/_emulator/portal/session-ttl", { seconds: "3600" });
    expect(await response.json()).toEqual({ portal_session_ttl_seconds: 3600 });
    const session = await openPortal(portal.stripe, setup);
    // A minute short of the TTL: real seconds also pass, however slow the machine.
    await portal.control("/_emulator/clock/advance", { seconds: "3540" });
    expect((await fetchPage(session.url)).status).toBe(200);
    await portal.control("/_emulator/clock/advance", { seconds: "60" });
    expect((await fetchPage(session.url)).status).toBe(410);
  });
});

describe("portal session TTL option", () => {
  const short = useInProcessEmulator({ portalSessionTtlSeconds: 600 });

  it("uses startEmulator's portalSessionTtlSeconds (the --portal-session-ttl flag)", async () => {
    const portal = createPortalAccount(short.get().url);
    const setup = await createPortalSetup(portal.stripe);
    const session = await openPortal(portal.stripe, setup);
    await portal.control("/_emulator/clock/advance", { seconds: "540" });
    expect((await fetchPage(session.url)).status).toBe(200);
    await portal.control("/_emulator/clock/advance", { seconds: "60" });
    expect((await fetchPage(session.url)).status).toBe(410);
  });
});
