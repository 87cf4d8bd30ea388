import type { StripeMode } from "../config.js";
import type { CatalogIds } from "../stripe/catalog-types.js";
import type { StripeGateway } from "../stripe/gateway.js";
import type { BillingConfig } from "./billing-config-schema.js";
import { type CatalogPlan, planCatalog } from "./catalog-plan.js";

/** `portico stripe plan` and `apply`: read the account, diff against the file, write. */
export function createCatalogSync(deps: {
  stripe: Pick<StripeGateway, "readCatalog" | "writeCatalog">;
}) {
  const { stripe } = deps;

  async function planChanges(mode: StripeMode, config: BillingConfig): Promise<CatalogPlan> {
    return planCatalog(config, await stripe.readCatalog(mode));
  }

  /** Runs a plan's writes; returns every managed object's id afterwards. */
  async function applyChanges(mode: StripeMode, plan: CatalogPlan): Promise<CatalogIds> {
    return stripe.writeCatalog(mode, plan.writes, plan.known);
  }

  return { planChanges, applyChanges };
}

export type CatalogSync = ReturnType<typeof createCatalogSync>;
