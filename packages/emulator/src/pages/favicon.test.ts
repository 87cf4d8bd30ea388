import { describe, expect, it } from "vitest";
import { createRecurringPrice, createTestAccount } from "../testing.js";

const ICON_LINK = '<link rel="icon" type="image/svg+xml" href="data:image/svg+xml,';

describe("favicon", () => {
  it("answers /favicon.ico instead of a 404 the browser console reports", async () => {
    const { url } = createTestAccount();
    const response = await fetch(`${url}/favicon.ico`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/svg+xml");
    expect(await response.text()).toContain("<svg");
  });

  it("links an inline icon from the checkout and portal pages", async () => {
    const { stripe, saveDefaultPortal } = createTestAccount();
    const price = await createRecurringPrice(stripe);
    const checkout = await stripe.checkout.sessions.create({
      mode: "subscription",
      line_items: [{ price: price.id }],
      success_url: "https://app.example.com/done",
    });
    expect(await (await fetch(checkout.url as string)).text()).toContain(ICON_LINK);

    await saveDefaultPortal();
    const customer = await stripe.customers.create({});
    const portal = await stripe.billingPortal.sessions.create({ customer: customer.id });
    expect(await (await fetch(portal.url)).text()).toContain(ICON_LINK);
  });
});
