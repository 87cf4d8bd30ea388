import { describe, expect, it } from "vitest";
import { createRecurringPrice, createTestAccount } from "../testing.js";

async function openTrialCheckout(trialDays: number | null) {
  const { stripe } = createTestAccount();
  const product = await stripe.products.create({ name: "Pro" });
  const price = await createRecurringPrice(stripe, {
    product: product.id,
    interval: "year",
    unitAmount: 29_000,
  });
  const session = await stripe.checkout.sessions.create({
    mode: "subscription",
    line_items: [{ price: price.id, quantity: 1 }],
    success_url: "https://app.example.com/done",
    ...(trialDays ? { subscription_data: { trial_period_days: trialDays } } : {}),
  });
  const html = await (await fetch(session.url ?? "")).text();
  return { session, html: html.replace(/\s+/g, " ") };
}

describe("hosted checkout summary", () => {
  it("shows $0.00 due today for a trial, then the recurring amount", async () => {
    const { session, html } = await openTrialCheckout(14);
    expect(session).toMatchObject({ amount_subtotal: 0, amount_total: 0 });
    expect(html).toContain("14 days free");
    expect(html).toMatch(/Total due today<\/th> ?<th class="amount">\$0\.00</);
    expect(html).toContain("Then $290.00 per year after the trial");
  });

  it("shows the full amount due today without a trial", async () => {
    const { session, html } = await openTrialCheckout(null);
    expect(session).toMatchObject({ amount_subtotal: 29_000, amount_total: 29_000 });
    expect(html).toMatch(/Total due today<\/th> ?<th class="amount">\$290\.00</);
    expect(html).not.toContain("free");
  });
});
