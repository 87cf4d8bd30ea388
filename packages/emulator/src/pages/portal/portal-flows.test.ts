import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import {
  createPortalAccount,
  createPortalSetup,
  fetchPage,
  isCancelScheduled,
  openPortal,
  type PortalSetup,
  postPortalForm,
  useInProcessEmulator,
} from "./portal-testing.js";

const emulator = useInProcessEmulator();

async function openFlow(
  flow: (setup: PortalSetup) => Stripe.BillingPortal.SessionCreateParams.FlowData,
) {
  const { stripe } = createPortalAccount(emulator.get().url);
  const setup = await createPortalSetup(stripe);
  const session = await openPortal(stripe, setup, { flow_data: flow(setup) });
  return { stripe, setup, session };
}

describe("deep links land on their flow's screen", () => {
  it("payment_method_update opens the card form", async () => {
    const { session } = await openFlow(() => ({ type: "payment_method_update" }));
    const page = await fetchPage(session.url);
    expect(page.html).toContain("<h1>Add payment method</h1>");
    expect(page.html).toContain(">Card number</label>");
  });

  it("subscription_cancel opens the cancel confirmation for the named subscription", async () => {
    const { session, setup } = await openFlow((s) => ({
      type: "subscription_cancel",
      subscription_cancel: { subscription: s.subscription.id },
    }));
    const page = await fetchPage(session.url);
    expect(page.html).toContain("<h1>Cancel your plan</h1>");
    expect(page.html).toContain(`/subscriptions/${setup.subscription.id}/cancel`);
  });

  it("subscription_update opens the plan picker", async () => {
    const { session } = await openFlow((s) => ({
      type: "subscription_update",
      subscription_update: { subscription: s.subscription.id },
    }));
    const page = await fetchPage(session.url);
    expect(page.html).toContain("<h1>Update your plan</h1>");
    expect(page.html).toContain("Select Pro $20.00 per month");
  });

  it("subscription_update_confirm shows the proposed price with Confirm, and applies it", async () => {
    const { stripe, session, setup } = await openFlow((s) => ({
      type: "subscription_update_confirm",
      subscription_update_confirm: {
        subscription: s.subscription.id,
        items: [{ id: s.subscription.items.data[0]?.id ?? "", price: s.pro.id }],
      },
    }));
    const page = await fetchPage(session.url);
    expect(page.html).toContain("<h1>Confirm your new plan</h1>");
    expect(page.html).toContain(`<dd data-price="${setup.pro.id}">Pro, $20.00 per month</dd>`);
    expect(page.html).toContain(">Confirm</button>");
    const posted = await postPortalForm(
      session.url,
      `/subscriptions/${setup.subscription.id}/update`,
      {
        price: setup.pro.id,
      },
    );
    expect(posted.status).toBe(303);
    const subscription = await stripe.subscriptions.retrieve(setup.subscription.id);
    expect(subscription.items.data[0]?.price.id).toBe(setup.pro.id);
  });

  it("subscription_pause opens the pause screen", async () => {
    const { session } = await openFlow((s) => ({
      type: "subscription_pause",
      subscription_pause: { subscription: s.subscription.id },
    }));
    expect((await fetchPage(session.url)).html).toContain("<h1>Pause your plan</h1>");
  });

  it("customer_update opens the billing-details form", async () => {
    const { session } = await openFlow(() => ({ type: "customer_update" }));
    expect((await fetchPage(session.url)).html).toContain("<h1>Update your information</h1>");
  });
});

describe("after_completion", () => {
  it("redirect sends the browser to after_completion.redirect.return_url", async () => {
    const { session, stripe, setup } = await openFlow(() => ({
      type: "payment_method_update",
      after_completion: {
        type: "redirect",
        redirect: { return_url: "https://app.example.com/done" },
      },
    }));
    const posted = await postPortalForm(session.url, "/payment-methods", {
      number: "4242 4242 4242 4242",
      expiry: "10/33",
      cvc: "123",
    });
    expect(posted.status).toBe(303);
    expect(posted.location).toBe("https://app.example.com/done");
    const cards = await stripe.paymentMethods.list({ customer: setup.customer.id, type: "card" });
    expect(cards.data).toHaveLength(2);
    // The flow is finished: the session URL now opens the homepage.
    expect((await fetchPage(session.url)).html).toContain("<h1>Acme billing</h1>");
  });

  it("hosted_confirmation shows the custom message after the flow", async () => {
    const { session, stripe, setup } = await openFlow((s) => ({
      type: "subscription_cancel",
      subscription_cancel: { subscription: s.subscription.id },
      after_completion: {
        type: "hosted_confirmation",
        hosted_confirmation: { custom_message: "Sorry to see you go." },
      },
    }));
    const posted = await postPortalForm(
      session.url,
      `/subscriptions/${setup.subscription.id}/cancel`,
    );
    expect(posted.location).toMatch(/\/p\/session\/\w+\/done\?notice=cancel-scheduled$/);
    const done = await fetchPage(new URL(posted.location ?? "", session.url).toString());
    expect(done.html).toContain("<p data-confirmation>Sorry to see you go.</p>");
    expect(await isCancelScheduled(stripe, setup.subscription.id)).toBe(true);
  });

  it("portal_homepage returns to the homepage once the flow completes", async () => {
    const { session, setup } = await openFlow((s) => ({
      type: "subscription_pause",
      subscription_pause: { subscription: s.subscription.id },
      after_completion: { type: "portal_homepage" },
    }));
    const posted = await postPortalForm(
      session.url,
      `/subscriptions/${setup.subscription.id}/pause`,
    );
    expect(posted.location).toMatch(/\/p\/session\/\w+\?notice=paused$/);
    const home = await fetchPage(new URL(posted.location ?? "", session.url).toString());
    expect(home.html).toContain("<h1>Acme billing</h1>");
    expect(home.html).toContain("Payments for your plan are paused.");
  });
});
