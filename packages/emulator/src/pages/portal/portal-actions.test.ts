import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import {
  captureEvents,
  createPortalAccount,
  createPortalSetup,
  fetchPage,
  isCancelScheduled,
  openPortal,
  postPortalForm,
  useInProcessEmulator,
} from "./portal-testing.js";

const emulator = useInProcessEmulator();
const account = () => createPortalAccount(emulator.get().url);
const typesOf = (events: Stripe.Event[]) => events.map((event) => event.type);

describe("cancel from the portal", () => {
  it("at period end sets cancel_at_period_end and the feedback, sending one updated event", async () => {
    const { stripe } = account();
    const setup = await createPortalSetup(stripe);
    const session = await openPortal(stripe, setup);
    const path = `/subscriptions/${setup.subscription.id}/cancel`;
    const screen = await fetchPage(`${session.url}${path}`);
    expect(screen.html).toContain("<legend>Why are you canceling?</legend>");
    expect(screen.html).toContain(">It&#39;s too expensive</label>");
    expect(screen.html).not.toContain("Some features are missing");

    let posted: Awaited<ReturnType<typeof postPortalForm>> | undefined;
    const events = await captureEvents(stripe, async () => {
      posted = await postPortalForm(session.url, path, { reason: "too_expensive" });
    });
    expect(posted?.status).toBe(303);
    expect(posted?.location).toMatch(/\/p\/session\/\w+\?notice=cancel-scheduled$/);
    expect(typesOf(events)).toEqual(["customer.subscription.updated"]);
    const previous = events[0]?.data.previous_attributes as Partial<Stripe.Subscription>;
    expect(previous.cancel_at_period_end).toBe(false);
    const subscription = await stripe.subscriptions.retrieve(setup.subscription.id);
    expect(subscription.status).toBe("active");
    expect(subscription.cancel_at_period_end).toBe(true);
    expect(subscription.cancellation_details?.feedback).toBe("too_expensive");

    const home = await fetchPage(session.url);
    expect(home.html).toContain(">Renew plan</button>");
    expect(home.html).toContain("Cancels on");
  });

  it("renews a plan scheduled to cancel", async () => {
    const { stripe } = account();
    const setup = await createPortalSetup(stripe);
    await stripe.subscriptions.update(setup.subscription.id, { cancel_at_period_end: true });
    const session = await openPortal(stripe, setup);
    const events = await captureEvents(stripe, () =>
      postPortalForm(session.url, `/subscriptions/${setup.subscription.id}/renew`),
    );
    expect(typesOf(events)).toEqual(["customer.subscription.updated"]);
    expect(events[0]?.data.previous_attributes).toMatchObject({ cancel_at_period_end: true });
    expect(await isCancelScheduled(stripe, setup.subscription.id)).toBe(false);
  });

  it("immediately cancels the subscription, sending customer.subscription.deleted", async () => {
    const { stripe } = account();
    const setup = await createPortalSetup(stripe, {
      subscription_cancel: {
        enabled: true,
        mode: "immediately",
        cancellation_reason: { enabled: true, options: ["unused"] },
      },
    });
    const session = await openPortal(stripe, setup);
    const path = `/subscriptions/${setup.subscription.id}/cancel`;
    expect((await fetchPage(`${session.url}${path}`)).html).toContain("canceled immediately");
    const events = await captureEvents(stripe, () =>
      postPortalForm(session.url, path, { reason: "unused" }),
    );
    expect(typesOf(events)).toContain("customer.subscription.deleted");
    expect(typesOf(events)).not.toContain("customer.subscription.updated");
    const subscription = await stripe.subscriptions.retrieve(setup.subscription.id);
    expect(subscription.status).toBe("canceled");
    expect(subscription.cancellation_details?.feedback).toBe("unused");
  });

  it("refuses a reason the configuration does not list", async () => {
    const { stripe } = account();
    const setup = await createPortalSetup(stripe);
    const session = await openPortal(stripe, setup);
    const posted = await postPortalForm(
      session.url,
      `/subscriptions/${setup.subscription.id}/cancel`,
      {
        reason: "low_quality",
      },
    );
    expect(posted.status).toBe(400);
    expect(await isCancelScheduled(stripe, setup.subscription.id)).toBe(false);
  });
});

describe("plan change from the portal", () => {
  it("lists the configured plans and switches with the configured proration", async () => {
    const { stripe } = account();
    const setup = await createPortalSetup(stripe);
    const session = await openPortal(stripe, setup);
    const picker = await fetchPage(`${session.url}/subscriptions/${setup.subscription.id}/update`);
    expect(picker.html).toContain("<strong>Current plan</strong>");
    expect(picker.html).toContain('aria-label="Select Pro $20.00 per month"');
    const confirm = await fetchPage(
      `${session.url}/subscriptions/${setup.subscription.id}/update/confirm?price=${setup.pro.id}`,
    );
    expect(confirm.html).toContain("Pro, $20.00 per month");

    const events = await captureEvents(stripe, () =>
      postPortalForm(session.url, `/subscriptions/${setup.subscription.id}/update`, {
        price: setup.pro.id,
      }),
    );
    const updated = events.find((event) => event.type === "customer.subscription.updated");
    expect(updated).toBeDefined();
    const previous = updated?.data.previous_attributes as Partial<Stripe.Subscription>;
    expect(previous.items?.data[0]?.price.id).toBe(setup.basic.id);
    const subscription = await stripe.subscriptions.retrieve(setup.subscription.id);
    expect(subscription.items.data[0]?.price.id).toBe(setup.pro.id);
  });
});

describe("pause from the portal", () => {
  it("voids collection, keeps the status and sends only customer.subscription.updated", async () => {
    const { stripe } = account();
    const setup = await createPortalSetup(stripe);
    const session = await openPortal(stripe, setup);
    const path = `/subscriptions/${setup.subscription.id}`;
    const events = await captureEvents(stripe, () => postPortalForm(session.url, `${path}/pause`));
    expect(typesOf(events)).toEqual(["customer.subscription.updated"]);
    expect(events[0]?.data.previous_attributes).toEqual({ pause_collection: null });
    const paused = await stripe.subscriptions.retrieve(setup.subscription.id);
    expect(paused.pause_collection).toEqual({ behavior: "void", resumes_at: null });
    expect(paused.status).toBe("active");

    const resumed = await captureEvents(stripe, () =>
      postPortalForm(session.url, `${path}/resume`),
    );
    expect(typesOf(resumed)).toEqual(["customer.subscription.updated"]);
    expect(
      (await stripe.subscriptions.retrieve(setup.subscription.id)).pause_collection,
    ).toBeNull();
  });
});

describe("billing details from the portal", () => {
  it("updates only the allowed fields and sends customer.updated with previous_attributes", async () => {
    const { stripe } = account();
    const setup = await createPortalSetup(stripe);
    const session = await openPortal(stripe, setup);
    const form = await fetchPage(`${session.url}/customer`);
    expect(form.html).toContain('<label for="field-email">Email</label>');
    expect(form.html).toContain(">Address line 1</label>");
    expect(form.html).not.toContain(">Phone</label>");

    const events = await captureEvents(stripe, () =>
      postPortalForm(session.url, "/customer", {
        email: "grace@example.com",
        name: "Ada",
        phone: "+15555550100",
        "address[line1]": "1 Main St",
        "address[city]": "Springfield",
        "address[country]": "US",
      }),
    );
    expect(typesOf(events)).toEqual(["customer.updated"]);
    expect(events[0]?.data.previous_attributes).toEqual({
      email: "ada@example.com",
      address: null,
    });
    const customer = (await stripe.customers.retrieve(setup.customer.id)) as Stripe.Customer;
    expect(customer.email).toBe("grace@example.com");
    expect(customer.address).toMatchObject({
      line1: "1 Main St",
      city: "Springfield",
      country: "US",
    });
    // Phone is not in allowed_updates, so the posted value is ignored.
    expect(customer.phone).toBeNull();
  });
});
