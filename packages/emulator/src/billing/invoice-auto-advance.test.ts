import { describe, expect, it } from "vitest";
import { createTestAccount, type TestAccount } from "../testing.js";
import { createCustomerWithCard, latestEventId, listEventTypes } from "./billing-testing.js";

const HOUR = 3600;

async function advance(account: TestAccount, seconds: number) {
  const response = await account.request("POST", "/_emulator/clock/advance", `seconds=${seconds}`);
  expect(response.status).toBe(200);
}

async function autoAdvancingDraft(account: TestAccount, token: string) {
  const { stripe } = account;
  const { customer } = await createCustomerWithCard(stripe, token);
  await stripe.invoiceItems.create({ customer: customer.id, amount: 1200, currency: "usd" });
  return stripe.invoices.create({
    customer: customer.id,
    auto_advance: true,
    pending_invoice_items_behavior: "include",
  });
}

describe("auto_advance on one-off invoices", () => {
  it("finalizes a draft an hour after creation and charges it", async () => {
    const account = createTestAccount();
    const { stripe } = account;
    const draft = await autoAdvancingDraft(account, "pm_card_visa");
    expect(draft.automatically_finalizes_at).toBe(draft.created + HOUR);
    await advance(account, HOUR - 60);
    expect((await stripe.invoices.retrieve(draft.id)).status).toBe("draft");
    const mark = await latestEventId(stripe);
    await advance(account, 60);
    expect(await listEventTypes(stripe, mark)).toEqual([
      "invoice.finalized",
      "invoice.paid",
      "invoice.payment_succeeded",
    ]);
    expect((await stripe.invoices.retrieve(draft.id)).amount_paid).toBe(1200);
  });

  it("retries a declined auto-advancing invoice on the dunning schedule", async () => {
    const account = createTestAccount();
    const { stripe } = account;
    const draft = await autoAdvancingDraft(account, "pm_card_chargeCustomerFail");
    await advance(account, HOUR);
    const failed = await stripe.invoices.retrieve(draft.id);
    expect(failed).toMatchObject({ status: "open", attempt_count: 1 });
    expect(failed.next_payment_attempt).toBe(draft.created + HOUR + 3 * 86_400);
    await advance(account, 3 * 86_400);
    expect((await stripe.invoices.retrieve(draft.id)).attempt_count).toBe(2);
  });

  it("leaves a draft without auto_advance alone", async () => {
    const account = createTestAccount();
    const { stripe } = account;
    const customer = await stripe.customers.create({});
    const draft = await stripe.invoices.create({ customer: customer.id });
    await advance(account, 2 * HOUR);
    expect((await stripe.invoices.retrieve(draft.id)).status).toBe("draft");
  });
});
