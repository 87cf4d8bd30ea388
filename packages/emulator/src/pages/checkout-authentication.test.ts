import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { createRecurringPrice, createTestAccount } from "../testing.js";

const FORM = {
  email: "buyer@example.com",
  expiry: "12 / 40",
  cvc: "123",
  name: "Ada Buyer",
};

async function openSession(stripe: Stripe, mode: "subscription" | "payment") {
  const price =
    mode === "subscription"
      ? await createRecurringPrice(stripe, { unitAmount: 2000 })
      : await stripe.prices.create({
          currency: "eur",
          unit_amount: 4500,
          product_data: { name: "Poster" },
        });
  return stripe.checkout.sessions.create({
    mode,
    line_items: [{ price: price.id, quantity: 1 }],
    success_url: "https://app.example/done?session={CHECKOUT_SESSION_ID}",
  });
}

function submit(url: string, fields: Record<string, string>) {
  return fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
    redirect: "manual",
  });
}

describe("hosted Checkout: 3-D Secure", () => {
  it("asks for authentication, then subscribes once it is completed", async () => {
    const { stripe } = createTestAccount();
    const session = await openSession(stripe, "subscription");
    const url = session.url ?? "";
    const entered = { ...FORM, cardnumber: "4000 0027 6000 3184" };
    const step = await submit(url, entered);
    expect(step.status).toBe(200);
    const page = await step.text();
    expect(page).toContain("Complete authentication");
    expect(page).toContain("Fail authentication");
    expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe("open");

    const done = await submit(url, { ...entered, authentication: "complete" });
    expect(done.status).toBe(303);
    expect(done.headers.get("location")).toBe(`https://app.example/done?session=${session.id}`);
    const completed = await stripe.checkout.sessions.retrieve(session.id);
    expect(completed).toMatchObject({ status: "complete", payment_status: "paid" });
    const subscription = await stripe.subscriptions.retrieve(completed.subscription as string);
    expect(subscription.status).toBe("active");
    expect((await stripe.invoices.retrieve(completed.invoice as string)).status).toBe("paid");
  });

  it("shows Stripe's message and keeps the session open when authentication fails", async () => {
    const { stripe } = createTestAccount();
    const session = await openSession(stripe, "subscription");
    const response = await submit(session.url ?? "", {
      ...FORM,
      cardnumber: "4000000000003220",
      authentication: "fail",
    });
    expect(response.status).toBe(402);
    expect(await response.text()).toContain("We are unable to authenticate your payment method");
    expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe("open");
    expect((await stripe.customers.list()).data).toEqual([]);
  });

  it("authenticates an 'unless set up' card for a one-time payment", async () => {
    const { stripe } = createTestAccount();
    const session = await openSession(stripe, "payment");
    const entered = { ...FORM, cardnumber: "4000002500003155" };
    expect(await (await submit(session.url ?? "", entered)).text()).toContain(
      "Complete authentication",
    );
    const done = await submit(session.url ?? "", { ...entered, authentication: "complete" });
    expect(done.status).toBe(303);
    const completed = await stripe.checkout.sessions.retrieve(session.id);
    expect(completed).toMatchObject({ status: "complete", payment_status: "paid" });
    const intent = await stripe.paymentIntents.retrieve(completed.payment_intent as string);
    expect(intent).toMatchObject({ status: "succeeded", amount: 4500 });
  });
});
