import type { AccountService } from "../auth/accounts.js";
import { findBillingCustomer, linkBillingCustomer } from "../db/billing-customers.js";
import type { Db } from "../db/client.js";
import { findUserByEmail } from "../db/users.js";
import type { StripeGateway } from "../stripe/gateway.js";
import { DEMO_CATALOG } from "./demo-catalog.js";

export interface DemoSeedResult {
  /** False when everything already existed (a second start). */
  created: boolean;
  portalConfigurationId: string;
}

/**
 * First-start seeding for the embedded default: the demo catalog, a default
 * portal configuration, and a demo account with a test-mode Stripe customer.
 * Every step finds what exists first, so a second start changes nothing.
 */
export async function seedDemo(deps: {
  db: Db;
  stripe: StripeGateway;
  accounts: AccountService;
  demo: { email: string; password: string };
}): Promise<DemoSeedResult> {
  const { db, stripe, accounts, demo } = deps;
  const catalog = await stripe.ensureCatalog("test", DEMO_CATALOG);

  let created = false;
  let user = await findUserByEmail(db, demo.email.toLowerCase());
  if (!user) {
    await accounts.signup({ email: demo.email, password: demo.password });
    user = await findUserByEmail(db, demo.email.toLowerCase());
    created = true;
  }
  if (!user) throw new Error("demo user could not be created");
  if (!(await findBillingCustomer(db, user.id, false))) {
    const customerId = await stripe.createCustomer("test", { id: user.id, email: user.email });
    await linkBillingCustomer(db, user.id, false, customerId);
    created = true;
  }
  return { created, portalConfigurationId: catalog.portalConfigurationId };
}
