import { describe, expect, it } from "vitest";
import {
  AUTHENTICATED_INVOICE_EVENTS,
  createCustomerWithCard,
  latestEventId,
  listEventTypes,
  pressAuthenticationButton,
} from "../billing/billing-testing.js";
import { createRecurringPrice, createTestAccount } from "../testing.js";

/** A subscription whose first invoice waits for 3-D Secure, and that invoice's hosted page. */
async function subscribeNeedingAuthentication() {
  const { stripe } = createTestAccount();
  const { customer } = await createCustomerWithCard(stripe, "pm_card_threeDSecure2Required");
  const price = await createRecurringPrice(stripe, { unitAmount: 2900 });
  const subscription = await stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: price.id }],
  });
  const invoice = await stripe.invoices.retrieve(subscription.latest_invoice as string);
  return { stripe, subscription, pageUrl: invoice.hosted_invoice_url ?? "" };
}

describe("hosted invoice page: 3-D Secure", () => {
  it("lets the customer complete authentication, which pays the invoice", async () => {
    const { stripe, subscription, pageUrl } = await subscribeNeedingAuthentication();
    const page = await (await fetch(pageUrl)).text();
    expect(page).toContain('data-status="open"');
    expect(page).toContain("Complete authentication");
    expect(page).toContain("Fail authentication");

    const before = await latestEventId(stripe);
    const response = await pressAuthenticationButton(`${pageUrl}/authenticate`, "complete");
    expect(response.status).toBe(303);
    expect(new URL(response.headers.get("location") ?? "", pageUrl).href).toBe(pageUrl);
    const after = await (await fetch(pageUrl)).text();
    expect(after).toContain('data-status="paid"');
    expect(after).not.toContain("Complete authentication");
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe("active");
    expect(await listEventTypes(stripe, before)).toEqual(AUTHENTICATED_INVOICE_EVENTS);
  });

  it("keeps the invoice open when the customer fails authentication", async () => {
    const { stripe, subscription, pageUrl } = await subscribeNeedingAuthentication();
    const response = await pressAuthenticationButton(`${pageUrl}/authenticate`, "fail");
    expect(response.status).toBe(303);
    const after = await (await fetch(pageUrl)).text();
    expect(after).toContain('data-status="open"');
    expect(after).not.toContain("Complete authentication");
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe("incomplete");
  });

  it("refuses anything but the two buttons, and unknown links", async () => {
    const { stripe, subscription, pageUrl } = await subscribeNeedingAuthentication();
    expect((await pressAuthenticationButton(`${pageUrl}/authenticate`, "pay")).status).toBe(400);
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe("incomplete");
    const origin = new URL(pageUrl).origin;
    expect(
      (await pressAuthenticationButton(`${origin}/i/inv_unknown/authenticate`, "complete")).status,
    ).toBe(404);
    expect((await fetch(`${origin}/3ds/tdsa_unknown`)).status).toBe(404);
  });
});
