import { describe, expect, it } from "vitest";
import type {
  CatalogState,
  CatalogWrite,
  PortalConfigurationState,
} from "../stripe/catalog-types.js";
import { parseBillingConfig, readBillingConfigFile } from "./billing-config.js";
import type { BillingConfig } from "./billing-config-schema.js";
import { planCatalog } from "./catalog-plan.js";

/** The diff engine alone: no Stripe, states built from the writes a first apply makes. */

const EMPTY: CatalogState = { products: [], prices: [], configurations: [] };

async function readPerSeatConfig(): Promise<BillingConfig> {
  const file = new URL("./__fixtures__/per-seat.portico.config.json", import.meta.url).pathname;
  const config = await readBillingConfigFile(file);
  if (!config) throw new Error("fixture missing");
  return config;
}

/** What Stripe holds after the writes of a plan from an empty account, Stripe's way: ids. */
function applyToEmpty(writes: CatalogWrite[]): CatalogState {
  const state: CatalogState = { products: [], prices: [], configurations: [] };
  const productId = (key: string) => `prod_${key}`;
  const priceId = (key: string) => `price_${key}`;
  for (const write of writes) {
    if (write.type === "create_product")
      state.products.push({
        id: productId(write.key),
        key: write.key,
        active: true,
        ...write.fields,
      });
    if (write.type === "create_price")
      state.prices.push({
        id: priceId(write.lookupKey),
        key: write.lookupKey,
        lookupKey: write.lookupKey,
        productId: productId(write.product.key),
        active: true,
        ...write.fields,
      });
    if (write.type === "create_configuration") {
      const update = write.fields.features.subscription_update;
      state.configurations.push({
        id: `bpc_${write.key}`,
        key: write.key,
        active: true,
        isDefault: false,
        ...write.fields,
        features: {
          ...write.fields.features,
          subscription_update: {
            ...update,
            products: update.products.map((entry) => ({
              product: productId(entry.product.key),
              prices: entry.prices.map((price) => priceId(price.key)),
              adjustable_quantity: entry.adjustable_quantity,
            })),
          },
        },
      });
    }
  }
  return state;
}

function withConfiguration(
  state: CatalogState,
  change: (configuration: PortalConfigurationState) => void,
): CatalogState {
  const copy = structuredClone(state);
  for (const configuration of copy.configurations) change(configuration);
  return copy;
}

describe("planCatalog with per-seat plans", () => {
  it("on an empty account: says which plan is per-seat and sends the portal's quantity limits", async () => {
    const plan = planCatalog(await readPerSeatConfig(), EMPTY);
    const notesOf = (key: string) => plan.changes.find((change) => change.key === key)?.notes;
    expect(notesOf("team")).toEqual([
      "Per-seat plan: a subscription's quantity is its seat count (2 to 50).",
    ]);
    expect(notesOf("team_monthly")).toEqual(["Per seat: unit_amount is charged for each seat."]);
    expect(notesOf("starter")).toEqual([]);
    expect(notesOf("starter_monthly")).toEqual([]);

    // A per-seat price is an ordinary per-unit price: the amount is the seat's.
    const teamPrice = plan.writes.find(
      (write) => write.type === "create_price" && write.lookupKey === "team_monthly",
    );
    expect(teamPrice).toMatchObject({
      fields: { unitAmount: 1200, currency: "usd", interval: "month" },
    });

    const create = plan.writes.find((write) => write.type === "create_configuration");
    if (create?.type !== "create_configuration") throw new Error("no configuration created");
    expect(create.fields.features.subscription_update.products).toEqual([
      {
        product: { key: "starter" },
        prices: [{ key: "starter_monthly" }, { key: "starter_annual" }],
        adjustable_quantity: { enabled: false, maximum: null, minimum: 1 },
      },
      {
        product: { key: "team" },
        prices: [{ key: "team_monthly" }, { key: "team_annual" }],
        adjustable_quantity: { enabled: true, maximum: 50, minimum: 2 },
      },
    ]);
    expect(create.fields.features.subscription_update.default_allowed_updates).toEqual([
      "price",
      "quantity",
    ]);
    // Shown as the file would say it: Stripe's default (off) is left out.
    const products = plan.changes
      .find((change) => change.kind === "portal_configuration")
      ?.fields.find((field) => field.path === "features.subscription_update.products");
    expect(products?.after).toEqual([
      { product: "starter", prices: ["starter_monthly", "starter_annual"] },
      {
        product: "team",
        prices: ["team_monthly", "team_annual"],
        adjustable_quantity: { enabled: true, maximum: 50, minimum: 2 },
      },
    ]);
  });

  it("an account that matches, including Stripe's default limits on other products, has no changes", async () => {
    const config = await readPerSeatConfig();
    const state = applyToEmpty(planCatalog(config, EMPTY).writes);
    expect(planCatalog(config, state).changes).toEqual([]);
  });

  it("updates the configuration when Stripe's limits differ from the file's", async () => {
    const config = await readPerSeatConfig();
    const applied = applyToEmpty(planCatalog(config, EMPTY).writes);
    // As Stripe returns a product whose quantity was never made adjustable.
    const stripeDefault = withConfiguration(applied, (configuration) => {
      for (const entry of configuration.features.subscription_update.products)
        entry.adjustable_quantity = { enabled: false, maximum: null, minimum: 1 };
    });
    const plan = planCatalog(config, stripeDefault);
    expect(plan.changes).toHaveLength(1);
    expect(plan.changes[0]).toMatchObject({
      action: "update",
      kind: "portal_configuration",
      key: "default",
      id: "bpc_default",
      fields: [
        {
          path: "features.subscription_update.products",
          before: [
            { product: "starter", prices: ["starter_monthly", "starter_annual"] },
            { product: "team", prices: ["team_monthly", "team_annual"] },
          ],
          after: [
            { product: "starter", prices: ["starter_monthly", "starter_annual"] },
            {
              product: "team",
              prices: ["team_monthly", "team_annual"],
              adjustable_quantity: { enabled: true, maximum: 50, minimum: 2 },
            },
          ],
        },
      ],
    });
    expect(plan.writes).toEqual([
      expect.objectContaining({ type: "update_configuration", id: "bpc_default" }),
    ]);

    // A narrower limit in the file is a change too; Stripe's maximum null is "no limit".
    const narrower = structuredClone(config);
    const team = narrower.portal_configurations[0]?.features.subscription_update?.products[1];
    if (!team) throw new Error("fixture has no team product");
    team.adjustable_quantity = { enabled: true, maximum: 20 };
    const field = planCatalog(narrower, applied).changes[0]?.fields[0];
    expect(JSON.stringify(field?.after)).toContain(
      '"adjustable_quantity":{"enabled":true,"maximum":20,"minimum":2}',
    );
  });

  it("a configuration without seats sees Stripe's default limits as no change", () => {
    const config = parseBillingConfig({
      plans: [{ key: "pro", name: "Pro", prices: { monthly: { amount: 2900 } } }],
      portal_configurations: [
        {
          name: "default",
          default: true,
          features: {
            subscription_update: {
              enabled: true,
              products: [{ plan: "pro", prices: ["monthly"] }],
            },
          },
        },
      ],
    });
    const state = applyToEmpty(planCatalog(config, EMPTY).writes);
    expect(state.configurations[0]?.features.subscription_update.products[0]).toEqual({
      product: "prod_pro",
      prices: ["price_pro_monthly"],
      adjustable_quantity: { enabled: false, maximum: null, minimum: 1 },
    });
    expect(planCatalog(config, state).changes).toEqual([]);
  });
});
