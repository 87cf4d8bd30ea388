import type Stripe from "stripe";
import { afterEach, describe, expect, it } from "vitest";
import { startWebhookReceiver, type WebhookReceiver } from "../../webhooks/test-helpers.js";
import {
  captureEvents,
  createPortalAccount,
  createPortalSetup,
  fetchPage,
  openPortal,
  type PortalSetup,
  postPortalForm,
  useInProcessEmulator,
} from "./portal-testing.js";

const emulator = useInProcessEmulator();
const typesOf = (events: Stripe.Event[]) => events.map((event) => event.type);

/** Basic's seats adjustable from 1 to 10 ("quantity" allowed); Pro's quantity fixed. */
function seatFeatures(
  adjustable: { enabled: boolean; minimum?: number; maximum?: number },
  allowed: ("price" | "quantity")[] = ["price", "quantity"],
) {
  return (basic: Stripe.Price, pro: Stripe.Price) => ({
    subscription_update: {
      enabled: true,
      default_allowed_updates: allowed,
      proration_behavior: "create_prorations" as const,
      products: [
        { product: basic.product as string, prices: [basic.id], adjustable_quantity: adjustable },
        { product: pro.product as string, prices: [pro.id] },
      ],
    },
  });
}

/** A portal setup whose Basic subscription has `seats` seats, under the given features. */
async function openSeatPortal(
  features: ReturnType<typeof seatFeatures>,
  seats = 2,
  params: (setup: PortalSetup) => Partial<Stripe.BillingPortal.SessionCreateParams> = () => ({}),
) {
  const portalAccount = createPortalAccount(emulator.get().url);
  const { stripe } = portalAccount;
  const probe = await createPortalSetup(stripe);
  const configuration = await stripe.billingPortal.configurations.update(probe.configuration.id, {
    features: features(probe.basic, probe.pro),
  });
  const itemId = probe.subscription.items.data[0]?.id ?? "";
  await stripe.subscriptions.update(probe.subscription.id, {
    items: [{ id: itemId, quantity: seats }],
    proration_behavior: "none",
  });
  const setup = { ...probe, configuration };
  const session = await openPortal(stripe, setup, params(setup));
  return { portalAccount, stripe, setup, session, itemId };
}

async function readSeats(stripe: Stripe, subscriptionId: string) {
  return (await stripe.subscriptions.retrieve(subscriptionId)).items.data[0]?.quantity;
}

let receiver: WebhookReceiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

describe("seat changes from the portal: happy path", () => {
  it("shows a bounded quantity field for an adjustable product only", async () => {
    const { setup, session } = await openSeatPortal(
      seatFeatures({ enabled: true, minimum: 1, maximum: 10 }),
    );
    const path = `/subscriptions/${setup.subscription.id}/update`;
    const picker = await fetchPage(`${session.url}${path}`);
    expect(picker.html).toContain("Current plan: Basic, 2 × $10.00 per month");
    const field = new RegExp(
      `<input id="quantity-${setup.basic.id}" name="quantity" type="number"[^>]*min="1" max="10"[^>]*value="2"`,
    );
    expect(picker.html).toMatch(field);
    expect(picker.html).toContain(">Update quantity</button>");
    expect(picker.html).toContain("Choose a quantity between 1 and 10.");
    expect(picker.html).not.toContain(`id="quantity-${setup.pro.id}"`);
    expect(picker.html).toContain('aria-label="Select Pro $20.00 per month"');

    const confirm = await fetchPage(
      `${session.url}${path}/confirm?price=${setup.basic.id}&quantity=5`,
    );
    expect(confirm.html).toContain('<dd data-quantity="5">5</dd>');
    expect(confirm.html).toContain("<dd data-total>$50.00 per month</dd>");
    expect(confirm.html).toContain('<input type="hidden" name="quantity" value="5" />');
  });

  it("applies the new quantity with prorations and a signed customer.subscription.updated", async () => {
    const { portalAccount, stripe, setup, session, itemId } = await openSeatPortal(
      seatFeatures({ enabled: true, minimum: 1, maximum: 10 }),
    );
    receiver = await startWebhookReceiver();
    const endpoint = await stripe.webhookEndpoints.create({
      url: receiver.url,
      enabled_events: ["customer.subscription.updated"],
    });
    let posted: Awaited<ReturnType<typeof postPortalForm>> | undefined;
    const events = await captureEvents(stripe, async () => {
      posted = await postPortalForm(session.url, `/subscriptions/${setup.subscription.id}/update`, {
        price: setup.basic.id,
        quantity: "5",
      });
    });
    expect(posted?.status).toBe(303);
    expect(posted?.location).toMatch(/\?notice=updated$/);
    // The two proration items (old seats credited, new seats charged) are invoice items.
    expect(typesOf(events)).toEqual([
      "customer.subscription.updated",
      "invoiceitem.created",
      "invoiceitem.created",
    ]);
    const previous = events[0]?.data.previous_attributes as Partial<Stripe.Subscription>;
    expect(previous.items?.data[0]).toMatchObject({ id: itemId, quantity: 2 });
    expect(await readSeats(stripe, setup.subscription.id)).toBe(5);

    const pending = await stripe.invoiceItems.list({ customer: setup.customer.id });
    const prorations = pending.data.filter((item) => item.proration);
    expect(prorations.reduce((sum, item) => sum + item.amount, 0)).toBe(3000);

    await portalAccount.control("/_emulator/webhooks/flush", {});
    const delivery = receiver.received.find((entry) => entry.event.id === events[0]?.id);
    const header = String(delivery?.headers["stripe-signature"] ?? "");
    const verified = stripe.webhooks.constructEvent(
      delivery?.body ?? "",
      header,
      endpoint.secret ?? "",
    );
    expect(verified.data.previous_attributes).toMatchObject({ items: previous.items });
  });

  it("a plan switch keeps the current quantity", async () => {
    const { stripe, setup, session } = await openSeatPortal(
      seatFeatures({ enabled: true, minimum: 1, maximum: 10 }),
      3,
    );
    const confirm = await fetchPage(
      `${session.url}/subscriptions/${setup.subscription.id}/update/confirm?price=${setup.pro.id}`,
    );
    expect(confirm.html).toContain('<dd data-quantity="3">3</dd>');
    const posted = await postPortalForm(
      session.url,
      `/subscriptions/${setup.subscription.id}/update`,
      { price: setup.pro.id },
    );
    expect(posted.status).toBe(303);
    const subscription = await stripe.subscriptions.retrieve(setup.subscription.id);
    expect(subscription.items.data[0]).toMatchObject({ price: { id: setup.pro.id }, quantity: 3 });
  });

  it("subscription_update_confirm applies the proposed quantity", async () => {
    const { stripe, setup, session } = await openSeatPortal(
      seatFeatures({ enabled: false }, ["price"]),
      2,
      (s) => ({
        flow_data: {
          type: "subscription_update_confirm",
          subscription_update_confirm: {
            subscription: s.subscription.id,
            items: [{ id: s.subscription.items.data[0]?.id ?? "", quantity: 7 }],
          },
        },
      }),
    );
    const landing = await fetchPage(session.url);
    expect(landing.html).toContain("<h1>Confirm your new plan</h1>");
    expect(landing.html).toContain('<dd data-quantity="7">7</dd>');
    const posted = await postPortalForm(
      session.url,
      `/subscriptions/${setup.subscription.id}/update`,
      { price: setup.basic.id, quantity: "7" },
    );
    expect(posted.status).toBe(303);
    expect(await readSeats(stripe, setup.subscription.id)).toBe(7);
  });
});

describe("seat changes from the portal: refusals", () => {
  it("refuses a quantity outside the bounds with a visible message, changing nothing", async () => {
    const { stripe, setup, session } = await openSeatPortal(
      seatFeatures({ enabled: true, minimum: 2, maximum: 10 }),
    );
    const path = `/subscriptions/${setup.subscription.id}/update`;
    for (const quantity of ["11", "1", "abc", "2.5"]) {
      const events = await captureEvents(stripe, async () => {
        const posted = await postPortalForm(session.url, path, {
          price: setup.basic.id,
          quantity,
        });
        expect(posted.status).toBe(400);
        expect(posted.html).toContain('role="alert">Choose a quantity between 2 and 10.</span>');
        expect(posted.html).toContain('aria-invalid="true"');
      });
      expect(events).toEqual([]);
    }
    const confirm = await fetchPage(
      `${session.url}${path}/confirm?price=${setup.basic.id}&quantity=50`,
    );
    expect(confirm.status).toBe(400);
    expect(confirm.html).toContain("Choose a quantity between 2 and 10.");
    expect(await readSeats(stripe, setup.subscription.id)).toBe(2);
  });

  it("shows no quantity field and refuses a posted quantity when it is not adjustable", async () => {
    const { stripe, setup, session } = await openSeatPortal(
      seatFeatures({ enabled: false }, ["price", "quantity"]),
    );
    const path = `/subscriptions/${setup.subscription.id}/update`;
    const picker = await fetchPage(`${session.url}${path}`);
    expect(picker.html).not.toContain('name="quantity"');
    expect(picker.html).toContain("<strong>Current plan</strong>");
    const posted = await postPortalForm(session.url, path, {
      price: setup.basic.id,
      quantity: "5",
    });
    expect(posted.status).toBe(400);
    expect(await readSeats(stripe, setup.subscription.id)).toBe(2);
  });

  it("needs quantity among default_allowed_updates, whatever the product says", async () => {
    const { stripe, setup, session } = await openSeatPortal(
      seatFeatures({ enabled: true, minimum: 1, maximum: 10 }, ["price"]),
    );
    const path = `/subscriptions/${setup.subscription.id}/update`;
    expect((await fetchPage(`${session.url}${path}`)).html).not.toContain('name="quantity"');
    const posted = await postPortalForm(session.url, path, { quantity: "5" });
    expect(posted.status).toBe(400);
    expect(await readSeats(stripe, setup.subscription.id)).toBe(2);
  });

  it("offers no other plan when price is not an allowed update", async () => {
    const { stripe, setup, session } = await openSeatPortal(
      seatFeatures({ enabled: true, minimum: 1 }, ["quantity"]),
    );
    const path = `/subscriptions/${setup.subscription.id}/update`;
    const picker = await fetchPage(`${session.url}${path}`);
    expect(picker.html).not.toContain("Select Pro");
    expect(picker.html).toContain("Choose a quantity of at least 1.");
    const posted = await postPortalForm(session.url, path, { price: setup.pro.id });
    expect(posted.status).toBe(404);
    const subscription = await stripe.subscriptions.retrieve(setup.subscription.id);
    expect(subscription.items.data[0]?.price.id).toBe(setup.basic.id);
  });
});
