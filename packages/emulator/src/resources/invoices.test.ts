import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import {
  createCustomerWithCard,
  latestEventId,
  listEventTypes,
} from "../billing/billing-testing.js";
import { captureStripeError, createRecurringPrice, createTestAccount } from "../testing.js";

async function subscribeWithCard(
  stripe: Stripe,
  token: string,
  params: Partial<Stripe.SubscriptionCreateParams> = {},
) {
  const price = await createRecurringPrice(stripe, { unitAmount: 2500 });
  const { customer } = await createCustomerWithCard(stripe, token);
  const before = await latestEventId(stripe);
  const subscription = await stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: price.id }],
    ...params,
  });
  return { price, customer, subscription, before };
}

describe("invoices", () => {
  it("bills a new subscription with a paid subscription_create invoice", async () => {
    const { stripe } = createTestAccount();
    const { subscription, before, customer } = await subscribeWithCard(stripe, "pm_card_visa");
    expect(subscription.status).toBe("active");
    expect(await listEventTypes(stripe, before)).toEqual([
      "customer.subscription.created",
      "invoice.created",
      "invoice.finalized",
      "invoice.paid",
      "invoice.payment_succeeded",
    ]);
    const invoice = await stripe.invoices.retrieve(subscription.latest_invoice as string);
    expect(invoice satisfies Stripe.Invoice).toMatchObject({
      status: "paid",
      billing_reason: "subscription_create",
      amount_due: 2500,
      amount_paid: 2500,
      amount_remaining: 0,
      customer: customer.id,
      parent: { subscription_details: { subscription: subscription.id } },
    });
    expect(invoice.number).toMatch(/^[A-Z0-9]{8}-0001$/);
    expect(invoice.lines.data[0]).toMatchObject({
      amount: 2500,
      description: "1 × Plan (at $25.00 / month)",
    });
    const listed = await stripe.invoices.list({ subscription: subscription.id, status: "paid" });
    expect(listed.data.map((i) => i.id)).toEqual([invoice.id]);
    expect((await stripe.invoices.list({ customer: customer.id, status: "open" })).data).toEqual(
      [],
    );
    const lines = await stripe.invoices.listLineItems(invoice.id);
    expect(lines.data).toHaveLength(1);
  });

  it("leaves a declined first invoice open and the subscription incomplete", async () => {
    const { stripe } = createTestAccount();
    const { subscription, before } = await subscribeWithCard(stripe, "pm_card_visa_chargeDeclined");
    expect(subscription.status).toBe("incomplete");
    expect(await listEventTypes(stripe, before)).toEqual([
      "customer.subscription.created",
      "invoice.created",
      "invoice.finalized",
      "invoice.payment_failed",
    ]);
    const invoice = await stripe.invoices.retrieve(subscription.latest_invoice as string);
    expect(invoice).toMatchObject({ status: "open", attempted: true, attempt_count: 1 });
    const retry = await captureStripeError(stripe.invoices.pay(invoice.id));
    expect(retry).toMatchObject({
      statusCode: 402,
      type: "StripeCardError",
      code: "card_declined",
      decline_code: "generic_decline",
      message: "Your card was declined.",
    });
    const card = await stripe.paymentMethods.attach("pm_card_visa", {
      customer: subscription.customer as string,
    });
    const mark = await latestEventId(stripe);
    const paid = await stripe.invoices.pay(invoice.id, { payment_method: card.id });
    expect(paid.status).toBe("paid");
    expect(await listEventTypes(stripe, mark)).toEqual([
      "invoice.paid",
      "invoice.payment_succeeded",
      "customer.subscription.updated",
    ]);
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe("active");
  });

  it("fails with 402 and creates nothing under error_if_incomplete", async () => {
    const { stripe } = createTestAccount();
    const price = await createRecurringPrice(stripe);
    const { customer } = await createCustomerWithCard(stripe, "pm_card_chargeDeclined");
    const error = await captureStripeError(
      stripe.subscriptions.create({
        customer: customer.id,
        items: [{ price: price.id }],
        payment_behavior: "error_if_incomplete",
      }),
    );
    expect(error).toMatchObject({ statusCode: 402, code: "card_declined" });
    expect((await stripe.subscriptions.list({ status: "all" })).data).toEqual([]);
    expect((await stripe.invoices.list()).data).toEqual([]);
  });

  it("keeps default_incomplete invoices open until paid", async () => {
    const { stripe } = createTestAccount();
    const { subscription } = await subscribeWithCard(stripe, "pm_card_visa", {
      payment_behavior: "default_incomplete",
    });
    expect(subscription.status).toBe("incomplete");
    const invoice = await stripe.invoices.pay(subscription.latest_invoice as string);
    expect(invoice.status).toBe("paid");
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe("active");
  });

  it("voids and marks invoices uncollectible, refusing other transitions", async () => {
    const { stripe } = createTestAccount();
    const first = await subscribeWithCard(stripe, "pm_card_visa", {
      payment_behavior: "default_incomplete",
    });
    const before = await latestEventId(stripe);
    const voided = await stripe.invoices.voidInvoice(first.subscription.latest_invoice as string);
    expect(voided).toMatchObject({ status: "void", amount_remaining: 0 });
    expect(voided.status_transitions.voided_at).not.toBeNull();
    const again = await captureStripeError(stripe.invoices.pay(voided.id));
    expect(again.statusCode).toBe(400);
    const second = await subscribeWithCard(stripe, "pm_card_visa", {
      payment_behavior: "default_incomplete",
    });
    const written = await stripe.invoices.markUncollectible(
      second.subscription.latest_invoice as string,
    );
    expect(written.status).toBe("uncollectible");
    const types = await listEventTypes(stripe, before);
    expect(types).toContain("invoice.voided");
    expect(types).toContain("invoice.marked_uncollectible");
    const updated = await stripe.invoices.update(written.id, { metadata: { note: "x" } });
    expect(updated.metadata).toEqual({ note: "x" });
    const [event] = (await stripe.events.list({ type: "invoice.updated", limit: 1 })).data;
    expect(event?.data.previous_attributes).toEqual({ metadata: {} });
  });

  it("serves a hosted page and a real PDF with a correct xref table", async () => {
    const { stripe } = createTestAccount();
    const { subscription } = await subscribeWithCard(stripe, "pm_card_visa");
    const invoice = await stripe.invoices.retrieve(subscription.latest_invoice as string);
    const page = await fetch(invoice.hosted_invoice_url ?? "");
    expect(page.status).toBe(200);
    const text = await page.text();
    expect(text).toContain(invoice.number ?? "missing");
    expect(text).toContain("$25.00");
    const response = await fetch(invoice.invoice_pdf ?? "");
    expect(response.headers.get("content-type")).toBe("application/pdf");
    const pdf = Buffer.from(await response.arrayBuffer());
    const body = pdf.toString("latin1");
    expect(body.startsWith("%PDF-1.4")).toBe(true);
    expect(body.trimEnd().endsWith("%%EOF")).toBe(true);
    expect(body).toContain(`(Invoice number: ${invoice.number})`);
    expect(body).toContain("(Total: $25.00)");
    const startxref = Number(/startxref\n(\d+)\n%%EOF/.exec(body)?.[1]);
    expect(body.slice(startxref, startxref + 4)).toBe("xref");
    const entries = [...body.slice(startxref).matchAll(/(\d{10}) 00000 n \n/g)];
    expect(entries).toHaveLength(5);
    entries.forEach((entry, index) => {
      const offset = Number(entry[1]);
      expect(body.slice(offset, offset + 8)).toBe(`${index + 1} 0 obj\n`);
    });
    const length = Number(/\/Length (\d+)/.exec(body)?.[1]);
    const streamStart = body.indexOf("stream\n") + "stream\n".length;
    expect(body.slice(streamStart + length, streamStart + length + 10)).toBe("\nendstream");
  });
});
