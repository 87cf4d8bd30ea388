import type { AccountService } from "../auth/accounts.js";
import { findBillingCustomer, linkBillingCustomer } from "../db/billing-customers.js";
import type { Db } from "../db/client.js";
import { findUserByEmail } from "../db/users.js";
import type { StripeGateway } from "../stripe/gateway.js";
import { findDefaultConfigurationName } from "./billing-config.js";
import type { BillingConfig } from "./billing-config-schema.js";
import type { CatalogSync } from "./catalog-sync.js";

export interface DemoSeedResult {
  /** False when everything already existed (a second start). */
  created: boolean;
  /** The file's default portal configuration; undefined when the file declares none. */
  portalConfigurationId: string | undefined;
}

/**
 * First-start seeding for the embedded default: `portico stripe apply` of the
 * billing file (the shipped `portico.config.json`), and a demo account with a
 * test-mode Stripe customer. Apply is idempotent and the account is found
 * first, so a second start changes nothing.
 */
export async function seedDemo(deps: {
  db: Db;
  stripe: StripeGateway;
  catalog: CatalogSync;
  billingConfig: BillingConfig | undefined;
  accounts: AccountService;
  demo: { email: string; password: string };
}): Promise<DemoSeedResult> {
  const { db, stripe, catalog, billingConfig, accounts, demo } = deps;
  let portalConfigurationId: string | undefined;
  if (billingConfig) {
    const plan = await catalog.planChanges("test", billingConfig);
    const ids = await catalog.applyChanges("test", plan);
    const name = findDefaultConfigurationName(billingConfig);
    portalConfigurationId = name ? ids.configurations[name] : undefined;
  }

  let created = false;
  let user = await findUserByEmail(db, demo.email.toLowerCase());
  if (!user) {
    await accounts.signup({ email: demo.email, password: demo.password });
    user = await findUserByEmail(db, demo.email.toLowerCase());
    created = true;
  }
  if (!user) throw new Error("demo user could not be created");
  const subject = { type: "user", id: user.id } as const;
  if (!(await findBillingCustomer(db, subject, false))) {
    const customerId = await stripe.createCustomer("test", { ...subject, email: user.email });
    await linkBillingCustomer(db, subject, false, customerId);
    created = true;
  }
  return { created, portalConfigurationId };
}
