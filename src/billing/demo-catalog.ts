import type { CatalogSpec } from "../stripe/catalog.js";

/**
 * What `npm start` seeds on the embedded emulator: a free plan, two paid plans
 * with monthly and annual prices, and a default portal configuration.
 */
export const DEMO_CATALOG: CatalogSpec = {
  plans: [
    {
      key: "starter",
      name: "Starter",
      description: "For side projects",
      prices: [
        { lookupKey: "starter_monthly", unitAmount: 900, currency: "usd", interval: "month" },
        { lookupKey: "starter_annual", unitAmount: 9000, currency: "usd", interval: "year" },
      ],
    },
    {
      key: "pro",
      name: "Pro",
      description: "For growing teams",
      prices: [
        { lookupKey: "pro_monthly", unitAmount: 2900, currency: "usd", interval: "month" },
        { lookupKey: "pro_annual", unitAmount: 29000, currency: "usd", interval: "year" },
      ],
    },
  ],
  portal: {
    key: "default",
    headline: "Portico demo: manage your subscription",
    updatablePlans: ["starter", "pro"],
  },
};
