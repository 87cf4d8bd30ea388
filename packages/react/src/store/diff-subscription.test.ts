import { describe, expect, it } from "vitest";
import type { SubscriptionData } from "../client/api-types.js";
import { FREE, makeSubscription, PLANS } from "../test/fake-billing-api.js";
import { diffSubscription, viewOf } from "./diff-subscription.js";
import { toSubscription } from "./to-subscription.js";

const PERIOD_END = "2026-12-05T12:00:00.000Z";

/** The changes from `before` to `after`, both given as Portico's wire answers. */
const diff = (before: SubscriptionData, after: SubscriptionData) =>
  diffSubscription(viewOf(toSubscription(before, PLANS)), toSubscription(after, PLANS));

describe("diffSubscription", () => {
  it("finds nothing when only the invoices or billing details were looked at", () => {
    const same = makeSubscription({ seats: 3 });
    expect(diff(same, makeSubscription({ seats: 3, entitlements: { projects: 5 } }))).toEqual([]);
    expect(diff(FREE, FREE)).toEqual([]);
  });

  it("a cancellation at the period end ends on the period end", () => {
    expect(diff(makeSubscription(), makeSubscription({ cancelAtPeriodEnd: true }))).toEqual([
      { type: "ends", date: new Date(PERIOD_END) },
    ]);
  });

  it("a cancellation on a date (Stripe's cancel_at) ends on that date, and a new date counts", () => {
    const at = (iso: string) => makeSubscription({ cancelAt: iso });
    expect(diff(makeSubscription(), at("2026-11-20T00:00:00.000Z"))).toEqual([
      { type: "ends", date: new Date("2026-11-20T00:00:00.000Z") },
    ]);
    expect(diff(at("2026-11-20T00:00:00.000Z"), at("2026-11-27T00:00:00.000Z"))).toEqual([
      { type: "ends", date: new Date("2026-11-27T00:00:00.000Z") },
    ]);
  });

  it("an undone cancellation resumes", () => {
    expect(diff(makeSubscription({ cancelAtPeriodEnd: true }), makeSubscription())).toEqual([
      { type: "resumed" },
    ]);
    expect(diff(makeSubscription({ cancelAt: PERIOD_END }), makeSubscription())).toEqual([
      { type: "resumed" },
    ]);
  });

  it("an immediate cancellation is said alone, whatever else changed", () => {
    const ended = makeSubscription({ status: "canceled", paymentMethod: null, seats: null });
    expect(diff(makeSubscription({ seats: 3 }), ended)).toEqual([{ type: "canceled" }]);
    expect(diff(makeSubscription(), { ...FREE, hasCustomer: true })).toEqual([
      { type: "canceled" },
    ]);
  });

  it("a pause is not a cancellation", () => {
    expect(diff(makeSubscription(), makeSubscription({ status: "paused" }))).toEqual([]);
  });

  it("a new plan by its display name, seats by their number", () => {
    expect(diff(makeSubscription({ plan: "starter" }), makeSubscription())).toEqual([
      { type: "plan", name: "Pro" },
    ]);
    expect(diff(makeSubscription({ seats: 3 }), makeSubscription({ seats: 5 }))).toEqual([
      { type: "seats", seats: 5 },
    ]);
  });

  it("a new card by brand and last four, a new expiry on the same number too", () => {
    const card = (last4: string, expYear = 2040) => ({
      brand: "mastercard",
      last4,
      expMonth: 1,
      expYear,
    });
    expect(diff(makeSubscription(), makeSubscription({ paymentMethod: card("4444") }))).toEqual([
      { type: "card", brand: "mastercard", last4: "4444" },
    ]);
    expect(
      diff(
        makeSubscription({ paymentMethod: card("4444") }),
        makeSubscription({ paymentMethod: card("4444", 2041) }),
      ),
    ).toEqual([{ type: "card", brand: "mastercard", last4: "4444" }]);
    expect(diff(makeSubscription(), makeSubscription({ paymentMethod: null }))).toEqual([]);
  });

  it("lists several changes in one order: ending, plan, seats, card", () => {
    const before = makeSubscription({ plan: "starter", seats: 2 });
    const after = makeSubscription({
      cancelAtPeriodEnd: true,
      seats: 4,
      paymentMethod: { brand: "amex", last4: "0005", expMonth: 3, expYear: 2031 },
    });
    expect(diff(before, after).map((change) => change.type)).toEqual([
      "ends",
      "plan",
      "seats",
      "card",
    ]);
  });
});
