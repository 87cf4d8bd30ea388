import { describe, expect, it } from "vitest";
import type { BillingSubscriptionRow } from "../db/billing-subscriptions.js";
import type { Plan } from "./plans.js";
import { pickCurrentSubscription, toSubscriptionView } from "./subscription-view.js";

function makeRow(overrides: Partial<BillingSubscriptionRow>): BillingSubscriptionRow {
  return {
    stripeSubscriptionId: "sub_1",
    stripeCustomerId: "cus_1",
    userId: null,
    organizationId: null,
    livemode: false,
    status: "active",
    planKey: "pro",
    priceId: "price_1",
    productId: "prod_1",
    quantity: 1,
    cancelAtPeriodEnd: false,
    cancelAt: null,
    canceledAt: null,
    cancellationReason: null,
    currentPeriodStart: new Date("2026-11-01T00:00:00Z"),
    currentPeriodEnd: new Date("2026-12-01T00:00:00Z"),
    trialEnd: null,
    pauseCollection: null,
    defaultPaymentMethodId: null,
    created: new Date("2026-11-01T00:00:00Z"),
    stripeUpdated: null,
    syncedAt: new Date(),
    ...overrides,
  };
}

const makePlan = (overrides: Partial<Plan>): Plan => ({
  key: "free",
  name: "Free",
  description: undefined,
  features: [],
  entitlements: {},
  prices: [],
  seats: null,
  ...overrides,
});

const PLANS = [
  makePlan({ key: "free", entitlements: { projects: 1 } }),
  makePlan({
    key: "pro",
    entitlements: { projects: 100 },
    prices: [
      {
        interval: "monthly",
        lookupKey: "pro_monthly",
        amount: 2900,
        currency: "usd",
        trialPeriodDays: undefined,
      },
    ],
  }),
];

describe("pickCurrentSubscription", () => {
  it("prefers a live subscription over a newer ended one", () => {
    const active = makeRow({ stripeSubscriptionId: "sub_a", status: "active" });
    const canceled = makeRow({
      stripeSubscriptionId: "sub_c",
      status: "canceled",
      created: new Date("2026-11-20T00:00:00Z"),
    });
    expect(pickCurrentSubscription([canceled, active])?.stripeSubscriptionId).toBe("sub_a");
  });

  it("takes the newest among equals, and the latest ended one when nothing is live", () => {
    const older = makeRow({ stripeSubscriptionId: "sub_o", status: "canceled" });
    const newer = makeRow({
      stripeSubscriptionId: "sub_n",
      status: "incomplete_expired",
      created: new Date("2026-11-20T00:00:00Z"),
    });
    expect(pickCurrentSubscription([older, newer])?.stripeSubscriptionId).toBe("sub_n");
    expect(pickCurrentSubscription([])).toBeUndefined();
  });
});

describe("toSubscriptionView", () => {
  it("grants the plan while active, trialing or past due", () => {
    for (const status of ["active", "trialing", "past_due"]) {
      expect(toSubscriptionView(makeRow({ status }), PLANS, null, true)).toMatchObject({
        plan: "pro",
        status,
        entitlements: { projects: 100 },
      });
    }
  });

  it("falls back to the free plan when paused, unpaid, canceled or unknown", () => {
    for (const row of [
      makeRow({ status: "paused" }),
      makeRow({ status: "unpaid" }),
      makeRow({ status: "canceled" }),
      makeRow({ planKey: null }),
    ]) {
      expect(toSubscriptionView(row, PLANS, null, true)).toMatchObject({
        plan: "free",
        status: row.status,
        entitlements: { projects: 1 },
      });
    }
  });

  it("answers a bare free plan with no catalog", () => {
    expect(toSubscriptionView(undefined, [], null, false)).toEqual({
      plan: "free",
      status: null,
      currentPeriodEnd: null,
      cancelAtPeriodEnd: false,
      cancelAt: null,
      trialEnd: null,
      paymentMethod: null,
      entitlements: {},
      hasCustomer: false,
      seats: null,
    });
  });
});
