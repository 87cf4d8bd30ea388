import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import {
  captureEvents,
  createPortalAccount,
  createPortalSetup,
  fetchPage,
  openPortal,
  postPortalForm,
  useInProcessEmulator,
} from "./portal-testing.js";

const emulator = useInProcessEmulator();
const account = () => createPortalAccount(emulator.get().url);

async function defaultCardOf(stripe: Stripe, customerId: string) {
  const customer = (await stripe.customers.retrieve(customerId)) as Stripe.Customer;
  return customer.invoice_settings.default_payment_method;
}

describe("cards in the portal", () => {
  it("adds a Mastercard, attaches it and makes it the default", async () => {
    const { stripe } = account();
    const setup = await createPortalSetup(stripe);
    const session = await openPortal(stripe, setup);
    const form = await fetchPage(`${session.url}/payment-methods/new`);
    expect(form.html).toContain('<label for="card-number">Card number</label>');
    expect(form.html).toContain('<label for="card-expiry">Expiration</label>');
    expect(form.html).toContain('<label for="card-cvc">CVC</label>');

    let location: string | null = null;
    const events = await captureEvents(stripe, async () => {
      const posted = await postPortalForm(session.url, "/payment-methods", {
        number: "5555 5555 5555 4444",
        expiry: "12 / 34",
        cvc: "123",
      });
      location = posted.location;
    });
    expect(location).toMatch(/\?notice=card-added$/);
    expect(events.map((event) => event.type)).toEqual([
      "payment_method.attached",
      "customer.updated",
    ]);
    const cards = await stripe.paymentMethods.list({ customer: setup.customer.id, type: "card" });
    const added = cards.data.find((pm) => pm.card?.brand === "mastercard");
    expect(added?.card).toMatchObject({ last4: "4444", exp_month: 12, exp_year: 2034 });
    expect(await defaultCardOf(stripe, setup.customer.id)).toBe(added?.id);
    expect(events[1]?.data.previous_attributes).toMatchObject({
      invoice_settings: {
        default_payment_method: cards.data.find((pm) => pm.id !== added?.id)?.id,
      },
    });
    const home = await fetchPage(session.url);
    expect(home.html).toContain("Mastercard •••• 4444");
    expect(home.html).toContain(">Make default</button>");
  });

  it("shows the decline for 4000 0000 0000 0002 and adds nothing", async () => {
    const { stripe } = account();
    const setup = await createPortalSetup(stripe);
    const session = await openPortal(stripe, setup);
    const before = await stripe.paymentMethods.list({ customer: setup.customer.id, type: "card" });
    let posted: Awaited<ReturnType<typeof postPortalForm>> | undefined;
    const events = await captureEvents(stripe, async () => {
      posted = await postPortalForm(session.url, "/payment-methods", {
        number: "4000000000000002",
        expiry: "12/34",
        cvc: "123",
      });
    });
    expect(posted?.status).toBe(402);
    expect(posted?.html).toContain('<p role="alert" id="card-error">Your card was declined.</p>');
    expect(events).toEqual([]);
    const after = await stripe.paymentMethods.list({ customer: setup.customer.id, type: "card" });
    expect(after.data.map((pm) => pm.id)).toEqual(before.data.map((pm) => pm.id));
  });

  it("rejects an unknown number and an expiry in the past", async () => {
    const { stripe } = account();
    const setup = await createPortalSetup(stripe);
    const session = await openPortal(stripe, setup);
    const unknown = await postPortalForm(session.url, "/payment-methods", {
      number: "1234123412341234",
      expiry: "12/34",
      cvc: "123",
    });
    expect(unknown.html).toContain("Your card number is incorrect.");
    const past = await postPortalForm(session.url, "/payment-methods", {
      number: "4242424242424242",
      expiry: "01/20",
      cvc: "123",
    });
    expect(past.html).toContain("Your card&#39;s expiration date is in the past.");
    const cards = await stripe.paymentMethods.list({ customer: setup.customer.id, type: "card" });
    expect(cards.data).toHaveLength(1);
  });

  it("makes another card the default with customer.updated", async () => {
    const { stripe } = account();
    const setup = await createPortalSetup(stripe);
    const second = await stripe.paymentMethods.attach("pm_card_mastercard", {
      customer: setup.customer.id,
    });
    const previousDefault = await defaultCardOf(stripe, setup.customer.id);
    const session = await openPortal(stripe, setup);
    const events = await captureEvents(stripe, () =>
      postPortalForm(session.url, `/payment-methods/${second.id}/default`),
    );
    expect(events.map((event) => event.type)).toEqual(["customer.updated"]);
    expect(events[0]?.data.previous_attributes).toEqual({
      invoice_settings: { default_payment_method: previousDefault },
    });
    expect(await defaultCardOf(stripe, setup.customer.id)).toBe(second.id);
  });
});

describe("invoice history in the portal", () => {
  it("lists the customer's invoices newest first with number, amount, status and PDF", async () => {
    const portal = account();
    const { stripe } = portal;
    const setup = await createPortalSetup(stripe);
    await portal.control("/_emulator/clock/advance", { seconds: "86400" });
    const second = await stripe.subscriptions.create({
      customer: setup.customer.id,
      items: [{ price: setup.pro.id }],
    });
    // Another customer's invoice must not show up in this portal.
    const stranger = await stripe.customers.create({});
    const strangerCard = await stripe.paymentMethods.attach("pm_card_visa", {
      customer: stranger.id,
    });
    await stripe.subscriptions.create({
      customer: stranger.id,
      items: [{ price: setup.basic.id }],
      default_payment_method: strangerCard.id,
    });
    const session = await openPortal(stripe, setup);
    const page = await fetchPage(session.url);

    const listed = await stripe.invoices.list({ customer: setup.customer.id });
    expect(listed.data.map((invoice) => invoice.id)).toEqual([
      second.latest_invoice,
      setup.subscription.latest_invoice,
    ]);
    const rows = [...page.html.matchAll(/<tr data-invoice="(in_\w+)">([\s\S]*?)<\/tr>/g)];
    expect(rows.map((row) => row[1])).toEqual(listed.data.map((invoice) => invoice.id));
    const newest = listed.data[0];
    const row = rows[0]?.[2] ?? "";
    expect(row).toContain("$20.00");
    expect(row).toContain(newest?.number ?? "missing number");
    expect(row).toContain("Paid");
    expect(row).toContain(
      `<a href="${newest?.invoice_pdf}" aria-label="Download invoice ${newest?.number}">PDF</a>`,
    );
    const pdf = await fetch(newest?.invoice_pdf ?? "");
    expect(pdf.headers.get("content-type")).toContain("application/pdf");
  });
});
