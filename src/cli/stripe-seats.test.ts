import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import type { BillingConfigInput } from "./stripe-test-helpers.js";
import { createStripeCli, normalizeIds } from "./stripe-test-helpers.js";

/** `portico stripe plan|apply` with a per-seat plan whose portal lets customers change seats. */

const PER_SEAT = new URL("../billing/__fixtures__/per-seat.portico.config.json", import.meta.url);

async function readPerSeatConfig(): Promise<BillingConfigInput> {
  return JSON.parse(await readFile(PER_SEAT, "utf8")) as BillingConfigInput;
}

/** The fixture's `team` entry in the default portal configuration, to change. */
function teamProduct(config: BillingConfigInput) {
  const team = config.portal_configurations?.[0]?.features.subscription_update?.products?.find(
    (entry) => entry.plan === "team",
  );
  if (!team) throw new Error("fixture has no team portal product");
  return team;
}

describe("portico stripe plan / apply with per-seat plans", () => {
  it("creates per-unit prices and a portal whose team product has the seat limits", async () => {
    const cli = await createStripeCli();
    await cli.writeConfig(await readPerSeatConfig());

    const plan = await cli.run("plan", { detailedExitcode: true });
    expect(plan.code).toBe(2);
    expect(plan.out).toContain("! Per-seat plan: a subscription's quantity is its seat count");
    await expect(normalizeIds(plan.out, cli.file)).toMatchFileSnapshot(
      "./__golden__/plan-per-seat.txt",
    );

    const apply = await cli.run("apply", { yes: true });
    expect(apply.err).toBe("");
    expect(apply.code).toBe(0);

    const prices = await cli.stripe.prices.list({ lookup_keys: ["team_monthly", "team_annual"] });
    expect(prices.data.map((p) => [p.lookup_key, p.unit_amount, p.billing_scheme]).sort()).toEqual([
      ["team_annual", 12000, "per_unit"],
      ["team_monthly", 1200, "per_unit"],
    ]);
    const [configuration] = (await cli.stripe.billingPortal.configurations.list()).data;
    const update = configuration?.features.subscription_update;
    expect(update?.default_allowed_updates).toEqual(expect.arrayContaining(["price", "quantity"]));
    const products = await cli.stripe.products.list();
    const keyOf = (id: string) => products.data.find((p) => p.id === id)?.metadata.portico_key;
    expect(
      update?.products?.map((entry) => [keyOf(entry.product), entry.adjustable_quantity]),
    ).toEqual([
      ["starter", { enabled: false, maximum: null, minimum: 1 }],
      ["team", { enabled: true, maximum: 50, minimum: 2 }],
    ]);

    const again = await cli.run("plan", { detailedExitcode: true });
    expect(again.out).toBe(`No changes. Stripe test mode matches ${cli.file}.\n`);
    expect(again.code).toBe(0);

    // The seat count is the item's quantity on an ordinary subscription.
    const team = prices.data.find((p) => p.lookup_key === "team_monthly");
    const customer = await cli.stripe.customers.create({ email: "team@example.com" });
    const subscription = await cli.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: team?.id ?? "missing", quantity: 5 }],
    });
    expect(subscription.items.data[0]?.quantity).toBe(5);
  });

  it("updates the limits in place, and turning them off returns Stripe's default", async () => {
    const cli = await createStripeCli();
    const config = await readPerSeatConfig();
    await cli.writeConfig(config);
    expect((await cli.run("apply", { yes: true })).code).toBe(0);
    const [before] = (await cli.stripe.billingPortal.configurations.list()).data;

    const narrower = structuredClone(config);
    teamProduct(narrower).adjustable_quantity = { enabled: true, minimum: 3, maximum: 20 };
    await cli.writeConfig(narrower);
    const plan = await cli.run("plan", { detailedExitcode: true });
    expect(plan.code).toBe(2);
    expect(plan.out).toContain(`~ portal configuration default (${before?.id})`);
    expect(plan.out).toContain("adjustable_quantity: { enabled: true, maximum: 50, minimum: 2 }");
    expect(plan.out).toContain("adjustable_quantity: { enabled: true, maximum: 20, minimum: 3 }");
    expect((await cli.run("apply", { yes: true })).code).toBe(0);
    const adjustable = async () => {
      const list = await cli.stripe.billingPortal.configurations.list();
      expect(list.data.map((c) => c.id)).toEqual([before?.id]);
      return list.data[0]?.features.subscription_update.products?.[1]?.adjustable_quantity;
    };
    expect(await adjustable()).toEqual({ enabled: true, maximum: 20, minimum: 3 });

    // No maximum in the file or the plan's seats: Stripe's null, no limit.
    const unlimited = structuredClone(config);
    const team = unlimited.plans?.find((p) => p.key === "team");
    if (!team) throw new Error("fixture has no team plan");
    team.seats = { minimum: 2 };
    await cli.writeConfig(unlimited);
    expect((await cli.run("apply", { yes: true })).code).toBe(0);
    expect(await adjustable()).toEqual({ enabled: true, maximum: null, minimum: 2 });

    const off = structuredClone(config);
    teamProduct(off).adjustable_quantity = { enabled: false };
    await cli.writeConfig(off);
    expect((await cli.run("apply", { yes: true })).code).toBe(0);
    expect(await adjustable()).toEqual({ enabled: false, maximum: null, minimum: 1 });
    expect((await cli.run("plan", { detailedExitcode: true })).code).toBe(0);
  });

  it("refuses a file that enables adjustable_quantity without quantity updates", async () => {
    const cli = await createStripeCli();
    const config = await readPerSeatConfig();
    const update = config.portal_configurations?.[0]?.features.subscription_update;
    if (!update) throw new Error("fixture has no subscription_update");
    update.default_allowed_updates = ["price"];
    await cli.writeConfig(config);
    const plan = await cli.run("plan", { detailedExitcode: true });
    expect(plan.code).toBe(1);
    expect(plan.err).toContain('default_allowed_updates: add "quantity"');
    expect((await cli.stripe.products.list()).data).toHaveLength(0);
  });
});
