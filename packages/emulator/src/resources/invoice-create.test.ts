import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { latestEventId, listEventTypes } from "../billing/billing-testing.js";
import { captureStripeError, createTestAccount } from "../testing.js";

/** A customer with one pending $20 invoice item, as Stripe's CLI sets up its invoice triggers. */
async function customerWithPendingItem(stripe: Stripe, token?: string) {
  const customer = await stripe.customers.create({ email: "one-off@example.com" });
  const card = token
    ? await stripe.paymentMethods.attach(token, { customer: customer.id })
    : undefined;
  const item = await stripe.invoiceItems.create({
    customer: customer.id,
    amount: 2000,
    currency: "usd",
    description: "Setup fee",
  });
  return { customer, card, item };
}

async function draftWithPendingItem(stripe: Stripe, token?: string) {
  const setup = await customerWithPendingItem(stripe, token);
  const invoice = await stripe.invoices.create({
    customer: setup.customer.id,
    pending_invoice_items_behavior: "include",
  });
  return { ...setup, invoice };
}

describe("one-off invoices: happy path", () => {
  it("creates a draft that takes the customer's pending items", async () => {
    const { stripe } = createTestAccount();
    const { customer, item } = await customerWithPendingItem(stripe);
    const before = await latestEventId(stripe);
    const invoice = await stripe.invoices.create({
      customer: customer.id,
      description: "One-off",
      pending_invoice_items_behavior: "include",
    });
    expect(invoice satisfies Stripe.Invoice).toMatchObject({
      status: "draft",
      billing_reason: "manual",
      auto_advance: false,
      automatically_finalizes_at: null,
      collection_method: "charge_automatically",
      amount_due: 2000,
      total: 2000,
      number: null,
      description: "One-off",
      parent: null,
    });
    expect(invoice.lines.data[0]).toMatchObject({
      amount: 2000,
      description: "Setup fee",
      parent: { invoice_item_details: { invoice_item: item.id } },
    });
    expect(await listEventTypes(stripe, before)).toEqual(["invoice.created"]);
    expect((await stripe.invoiceItems.retrieve(item.id)).invoice).toBe(invoice.id);
  });

  it("leaves pending items alone by default (exclude)", async () => {
    const { stripe } = createTestAccount();
    const { customer, item } = await customerWithPendingItem(stripe);
    const invoice = await stripe.invoices.create({ customer: customer.id });
    expect(invoice).toMatchObject({ amount_due: 0, lines: { data: [] } });
    expect((await stripe.invoiceItems.retrieve(item.id)).invoice).toBeNull();
  });

  it("finalizes, pays with a given card and voids, with Stripe's events", async () => {
    const { stripe } = createTestAccount();
    const paid = await draftWithPendingItem(stripe, "pm_card_visa");
    const mark = await latestEventId(stripe);
    const result = await stripe.invoices.pay(paid.invoice.id, {
      payment_method: paid.card?.id ?? "",
    });
    expect(result).toMatchObject({ status: "paid", amount_paid: 2000, amount_remaining: 0 });
    expect(result.number).toMatch(/-0001$/);
    expect(await listEventTypes(stripe, mark)).toEqual([
      "invoice.finalized",
      "invoice.paid",
      "invoice.payment_succeeded",
    ]);

    const voided = await draftWithPendingItem(stripe);
    const open = await stripe.invoices.finalizeInvoice(voided.invoice.id);
    expect(open).toMatchObject({ status: "open", next_payment_attempt: null });
    expect(open.hosted_invoice_url).toMatch(/^http/);
    const done = await stripe.invoices.voidInvoice(open.id);
    expect(done.status).toBe("void");
  });

  it("marks a zero-amount invoice paid when it is finalized", async () => {
    const { stripe } = createTestAccount();
    const customer = await stripe.customers.create({});
    const draft = await stripe.invoices.create({ customer: customer.id });
    const finalized = await stripe.invoices.finalizeInvoice(draft.id);
    expect(finalized.status).toBe("paid");
  });

  it("updates a draft's collection settings and metadata (invoice.updated)", async () => {
    const { stripe } = createTestAccount();
    const { invoice } = await draftWithPendingItem(stripe);
    const updated = await stripe.invoices.update(invoice.id, {
      collection_method: "send_invoice",
      days_until_due: 14,
      metadata: { order: "42" },
    });
    expect(updated).toMatchObject({
      collection_method: "send_invoice",
      due_date: invoice.created + 14 * 86_400,
      metadata: { order: "42" },
    });
    const [event] = (await stripe.events.list({ type: "invoice.updated", limit: 1 })).data;
    expect(event?.data.previous_attributes).toMatchObject({
      collection_method: "charge_automatically",
      due_date: null,
      metadata: {},
    });
  });

  it("deletes a draft and hands its items back as pending", async () => {
    const { stripe } = createTestAccount();
    const { invoice, item } = await draftWithPendingItem(stripe);
    const deleted = await stripe.invoices.del(invoice.id);
    expect(deleted).toEqual({ id: invoice.id, object: "invoice", deleted: true });
    expect((await captureStripeError(stripe.invoices.retrieve(invoice.id))).statusCode).toBe(404);
    expect((await stripe.invoiceItems.retrieve(item.id)).invoice).toBeNull();
    const [event] = (await stripe.events.list({ limit: 1 })).data;
    expect(event?.type).toBe("invoice.deleted");
  });
});

describe("one-off invoices: errors", () => {
  it("answers a declined card with a card_error and invoice.payment_failed", async () => {
    const { stripe } = createTestAccount();
    const { invoice, card } = await draftWithPendingItem(stripe, "pm_card_chargeCustomerFail");
    const mark = await latestEventId(stripe);
    const error = await captureStripeError(
      stripe.invoices.pay(invoice.id, { payment_method: card?.id ?? "" }),
    );
    expect(error).toMatchObject({ statusCode: 402, type: "StripeCardError" });
    expect(await listEventTypes(stripe, mark)).toEqual([
      "invoice.finalized",
      "invoice.payment_failed",
    ]);
    const after = await stripe.invoices.retrieve(invoice.id);
    expect(after).toMatchObject({ status: "open", attempt_count: 1 });
  });

  it("refuses to delete a finalized invoice or date a charged one", async () => {
    const { stripe } = createTestAccount();
    const { invoice, customer } = await draftWithPendingItem(stripe);
    await stripe.invoices.finalizeInvoice(invoice.id);
    const deletion = await captureStripeError(stripe.invoices.del(invoice.id));
    expect(deletion).toMatchObject({ statusCode: 400, code: "invoice_not_editable" });
    const late = await captureStripeError(
      stripe.invoices.update(invoice.id, { collection_method: "send_invoice" }),
    );
    expect(late).toMatchObject({ statusCode: 400, param: "collection_method" });
    const dated = await captureStripeError(
      stripe.invoices.create({ customer: customer.id, days_until_due: 7 }),
    );
    expect(dated).toMatchObject({ statusCode: 400, param: "days_until_due" });
    const missing = await captureStripeError(stripe.invoices.create({ customer: "cus_missing" }));
    expect(missing).toMatchObject({ statusCode: 400, code: "resource_missing", param: "customer" });
  });
});
