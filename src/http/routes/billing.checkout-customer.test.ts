import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyCatalog, EXAMPLE_BILLING_CONFIG, settleSetupCheck } from "../../../test/checkout.js";
import { addEmulatorFault } from "../../../test/emulator-process.js";
import {
  APP_URL,
  giveCustomer,
  postJson,
  signUp,
  startTestPortico,
  type TestPortico,
} from "../../../test/portico.js";
import { findBillingCustomer } from "../../db/billing-customers.js";
import { userSubjectId } from "../../db/subjects.js";

type CheckoutAnswer = { success: true; data: { id: string; url: string } };

/** One Stripe customer per user, made without a lock held across Stripe (issue 11). */
describe("checkout's Stripe customer", () => {
  let t: TestPortico;
  beforeAll(async () => {
    t = await startTestPortico({
      env: { PORTICO_CONFIG: EXAMPLE_BILLING_CONFIG, RATE_LIMIT_CHECKOUT: "100/60s" },
    });
    await applyCatalog(t);
    await settleSetupCheck(t);
  });
  afterAll(() => t.close());

  async function checkout(token: string) {
    const response = await postJson(t, "/api/billing/checkout", { price: "pro_monthly" }, token);
    return { status: response.status, body: (await response.json()) as CheckoutAnswer };
  }

  async function customerOfSession(sessionId: string) {
    const session = await t.stripe.test.checkout.sessions.retrieve(sessionId);
    return session.customer as string;
  }

  const linkedCustomer = async (userId: string) =>
    (await findBillingCustomer(t.portico.database.db, userSubjectId(userId), false))
      ?.stripeCustomerId;

  /** The user's customers in Stripe that are not deleted. */
  async function liveCustomersOf(userId: string) {
    const all = await t.stripe.test.customers
      .list({ limit: 100 })
      .autoPagingToArray({ limit: 1000 });
    return all.filter((customer) => customer.metadata.portico_user_id === userId);
  }

  it("replaces a customer deleted in Stripe once the portal has found it gone", async () => {
    const user = await signUp(t);
    const first = await checkout(user.token);
    expect(first.status).toBe(200);
    const deleted = await customerOfSession(first.body.data.id);
    await t.stripe.test.customers.del(deleted);

    const portal = await postJson(
      t,
      "/api/billing/portal",
      { returnUrl: `${APP_URL}/settings/billing` },
      user.token,
    );
    expect(portal.status).toBe(404);

    const second = await checkout(user.token);
    expect(second.status).toBe(200);
    const replacement = await customerOfSession(second.body.data.id);
    expect(replacement).not.toBe(deleted);
    expect(await linkedCustomer(user.user.id)).toBe(replacement);
    // And it goes on working: the new link is reused, not replaced again.
    const third = await checkout(user.token);
    expect(await customerOfSession(third.body.data.id)).toBe(replacement);
  });

  it("replaces a customer deleted in Stripe that nothing has noticed yet", async () => {
    const user = await signUp(t);
    const first = await checkout(user.token);
    const deleted = await customerOfSession(first.body.data.id);
    await t.stripe.test.customers.del(deleted);

    const second = await checkout(user.token);
    expect(second.status).toBe(200);
    const replacement = await customerOfSession(second.body.data.id);
    expect(replacement).not.toBe(deleted);
    expect(await linkedCustomer(user.user.id)).toBe(replacement);
  });

  it("makes one customer for concurrent first checkouts", async () => {
    const user = await signUp(t);
    const answers = await Promise.all(Array.from({ length: 6 }, () => checkout(user.token)));
    // A request that met another still creating the customer is told to retry.
    for (const answer of answers) expect([200, 409]).toContain(answer.status);
    expect(answers.some((answer) => answer.status === 200)).toBe(true);
    const customers = await liveCustomersOf(user.user.id);
    expect(customers.map((customer) => customer.id)).toEqual([await linkedCustomer(user.user.id)]);
  });

  it("keeps the customer linked first and deletes the one that lost the race", async () => {
    const user = await signUp(t);
    // Stripe is slow to create this user's customer; meanwhile another instance links one.
    await addEmulatorFault(t.emulatorUrl, t.keys.test, {
      kind: "latency",
      method: "POST",
      path: "/v1/customers",
      ms: 1_000,
      times: 1,
    });
    const pending = checkout(user.token);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const winner = await giveCustomer(t, user.user.id);

    const answer = await pending;
    expect(answer.status).toBe(200);
    expect(await customerOfSession(answer.body.data.id)).toBe(winner.id);
    expect((await liveCustomersOf(user.user.id)).map((customer) => customer.id)).toEqual([
      winner.id,
    ]);
  });
});
