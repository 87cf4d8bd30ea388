import { describe, expect, it } from "vitest";
import { type BillingChange, createBillingChanges } from "./billing-changes.js";
import { toSubscriptionView } from "./subscription-view.js";

const logger = { warn: () => {} };
/** A subject without a subscription, on a catalog whose free plan is `plan`. */
const view = (plan: string) =>
  toSubscriptionView(undefined, [{ key: plan, entitlements: {}, prices: [] }] as never, null, true);
let version = 0;
const change = (id: string, plan: string): BillingChange => ({
  subject: { type: "user", id },
  mode: "test",
  subscription: view(plan),
  version: ++version,
});
const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("billing changes told to in-process listeners", () => {
  it("tells one subject's changes in order, even when the listener is slower for the first", async () => {
    const changes = createBillingChanges({ logger });
    const told: string[] = [];
    changes.subscribe(async ({ subscription }) => {
      // The first change's lookup takes longer than the second's.
      await tick(subscription.plan === "free" ? 30 : 1);
      told.push(subscription.plan);
    });
    await Promise.all([changes.tell(change("a", "free")), changes.tell(change("a", "pro"))]);
    expect(told).toEqual(["free", "pro"]);
  });

  it("does not hold one subject's changes behind another's slow listener", async () => {
    const changes = createBillingChanges({ logger });
    const told: string[] = [];
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    changes.subscribe(async ({ subject }) => {
      if (subject.id === "slow") await held;
      told.push(subject.id);
    });
    const slow = changes.tell(change("slow", "pro"));
    await changes.tell(change("quick", "pro"));
    expect(told).toEqual(["quick"]);
    release();
    await slow;
    expect(told).toEqual(["quick", "slow"]);
  });

  it("keeps telling after a listener failed", async () => {
    const changes = createBillingChanges({ logger });
    const told: string[] = [];
    changes.subscribe(({ subscription }) => {
      if (subscription.plan === "free") throw new Error("the host app is down");
      told.push(subscription.plan);
    });
    await changes.tell(change("a", "free"));
    await changes.tell(change("a", "pro"));
    expect(told).toEqual(["pro"]);
  });
});
