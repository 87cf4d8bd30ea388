import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  applyCatalog,
  EXAMPLE_BILLING_CONFIG,
  getJson,
  payOnHostedCheckout,
} from "../../../test/checkout.js";
import {
  giveCustomer,
  postJson,
  signUp,
  startTestPortico,
  type TestPortico,
} from "../../../test/portico.js";
import { type SyncedPortico, startSyncedPortico } from "../../../test/sync.js";
import { findBillingCustomer } from "../../db/billing-customers.js";
import { billingSubscriptions, checkoutSessions } from "../../db/schema.js";
import { userSubjectId } from "../../db/subjects.js";

interface View {
  plan: string;
  status: string | null;
  currentPeriodEnd: string | null;
  cancelAtPeriodEnd: boolean;
  cancelAt: string | null;
  trialEnd: string | null;
  paymentMethod: { brand: string; last4: string; expMonth: number; expYear: number } | null;
  entitlements: Record<string, unknown>;
}

const FREE = { projects: 1, api_access: false, support: "community" };
const PRO = { projects: 1000, api_access: true, support: "priority" };

async function readView(response: Response): Promise<View> {
  expect(response.status).toBe(200);
  const body = (await response.json()) as { success: boolean; data: View };
  expect(body.success).toBe(true);
  return body.data;
}

describe("billing checkout and subscription, happy paths", () => {
  let t: SyncedPortico;
  beforeAll(async () => {
    t = await startSyncedPortico({ env: { PORTICO_CONFIG: EXAMPLE_BILLING_CONFIG } });
    await applyCatalog(t);
  });
  afterAll(() => t.close());

  it("answers the free plan for a user with no customer", async () => {
    const { token } = await signUp(t);
    expect(await readView(await getJson(t, "/api/billing/subscription", token))).toEqual({
      plan: "free",
      status: null,
      currentPeriodEnd: null,
      cancelAtPeriodEnd: false,
      cancelAt: null,
      trialEnd: null,
      paymentMethod: null,
      entitlements: FREE,
      hasCustomer: false,
      seats: null,
    });
  });

  it("checks out Pro, links the customer on completion and shows the trial", async () => {
    const { token, user } = await signUp(t);
    const started = await postJson(t, "/api/billing/checkout", { price: "pro_monthly" }, token);
    expect(started.status).toBe(200);
    const session = ((await started.json()) as { data: { id: string; url: string } }).data;
    expect(session.url.startsWith(t.emulatorUrl)).toBe(true);

    const remote = await t.stripe.test.checkout.sessions.retrieve(session.id);
    expect(remote).toMatchObject({
      mode: "subscription",
      client_reference_id: user.id,
      metadata: { portico_user_id: user.id },
    });
    const customer = await findBillingCustomer(
      t.portico.database.db,
      userSubjectId(user.id),
      false,
    );
    expect(customer?.stripeCustomerId).toBe(remote.customer);

    await payOnHostedCheckout(session.url);
    await t.flush();

    const view = await readView(await getJson(t, "/api/billing/subscription", token));
    const completed = await t.stripe.test.checkout.sessions.retrieve(session.id);
    const subscription = await t.stripe.test.subscriptions.retrieve(
      completed.subscription as string,
    );
    expect(view).toEqual({
      plan: "pro",
      status: "trialing",
      currentPeriodEnd: new Date(
        (subscription.items.data[0]?.current_period_end ?? 0) * 1000,
      ).toISOString(),
      cancelAtPeriodEnd: false,
      cancelAt: null,
      trialEnd: new Date((subscription.trial_end ?? 0) * 1000).toISOString(),
      paymentMethod: { brand: "visa", last4: "4242", expMonth: 12, expYear: 2040 },
      entitlements: PRO,
      hasCustomer: true,
      seats: null,
    });
    const [recorded] = await t.portico.database.db
      .select()
      .from(checkoutSessions)
      .where(eq(checkoutSessions.stripeSessionId, session.id));
    expect(recorded).toMatchObject({
      userId: user.id,
      status: "complete",
      stripeSubscriptionId: subscription.id,
    });
    const [row] = await t.portico.database.db
      .select()
      .from(billingSubscriptions)
      .where(eq(billingSubscriptions.stripeSubscriptionId, subscription.id));
    expect(row).toMatchObject({ userId: user.id, planKey: "pro" });
  });

  it("shows a cancellation at period end", async () => {
    const { token } = await signUp(t);
    const started = await postJson(t, "/api/billing/checkout", { price: "starter_annual" }, token);
    const session = ((await started.json()) as { data: { id: string; url: string } }).data;
    await payOnHostedCheckout(session.url);
    const completed = await t.stripe.test.checkout.sessions.retrieve(session.id);
    await t.stripe.test.subscriptions.update(completed.subscription as string, {
      cancel_at_period_end: true,
    });
    await t.flush();
    const view = await readView(await getJson(t, "/api/billing/subscription", token));
    expect(view).toMatchObject({ plan: "starter", status: "trialing", cancelAtPeriodEnd: true });
  });
});

describe("POST /api/billing/sync without webhooks", () => {
  let t: TestPortico;
  beforeAll(async () => {
    t = await startTestPortico({ env: { PORTICO_CONFIG: EXAMPLE_BILLING_CONFIG } });
    await applyCatalog(t);
  });
  afterAll(() => t.close());

  it("pulls the user's subscription and card from Stripe", async () => {
    const { token, user } = await signUp(t);
    const customer = await giveCustomer(t, user.id);
    const card = await t.stripe.test.paymentMethods.attach("pm_card_mastercard", {
      customer: customer.id,
    });
    await t.stripe.test.customers.update(customer.id, {
      invoice_settings: { default_payment_method: card.id },
    });
    const [price] = (await t.stripe.test.prices.list({ lookup_keys: ["pro_annual"] })).data;
    await t.stripe.test.subscriptions.create({
      customer: customer.id,
      items: [{ price: price?.id ?? "" }],
    });

    const before = await readView(await getJson(t, "/api/billing/subscription", token));
    expect(before).toMatchObject({ plan: "free", status: null });

    const synced = await readView(await postJson(t, "/api/billing/sync", {}, token));
    expect(synced).toMatchObject({
      plan: "pro",
      status: "active",
      paymentMethod: { brand: "mastercard", last4: "4444" },
      entitlements: PRO,
    });
    expect(await readView(await getJson(t, "/api/billing/subscription", token))).toEqual(synced);
  });
});
