import type Stripe from "stripe";
import { callStripe } from "./errors.js";

/**
 * Idempotent creation of products, prices and one portal configuration, found
 * again by `metadata.portico_key` and `lookup_key`. Used to seed the embedded
 * demo; a full plan/apply diff belongs to `portico stripe apply`.
 */

export interface CatalogSpec {
  plans: {
    key: string;
    name: string;
    description: string;
    prices: {
      lookupKey: string;
      unitAmount: number;
      currency: string;
      interval: "month" | "year";
    }[];
  }[];
  portal: { key: string; headline: string; updatablePlans: string[] };
}

export interface EnsuredCatalog {
  productIds: Record<string, string>;
  priceIds: Record<string, string>;
  portalConfigurationId: string;
}

export async function ensureCatalog(stripe: Stripe, spec: CatalogSpec): Promise<EnsuredCatalog> {
  return callStripe(async () => {
    const products = await stripe.products
      .list({ limit: 100, active: true })
      .autoPagingToArray({ limit: 1000 });
    const productIds: Record<string, string> = {};
    const priceIds: Record<string, string> = {};
    const pricesByProduct: Record<string, string[]> = {};

    for (const plan of spec.plans) {
      const existing = products.find((product) => product.metadata.portico_key === plan.key);
      const product =
        existing ??
        (await stripe.products.create({
          name: plan.name,
          description: plan.description,
          metadata: { portico_key: plan.key },
        }));
      productIds[plan.key] = product.id;

      const lookupKeys = plan.prices.map((price) => price.lookupKey);
      const found = await stripe.prices.list({ lookup_keys: lookupKeys, limit: 100 });
      for (const price of plan.prices) {
        const match = found.data.find((candidate) => candidate.lookup_key === price.lookupKey);
        const created =
          match ??
          (await stripe.prices.create({
            product: product.id,
            unit_amount: price.unitAmount,
            currency: price.currency,
            recurring: { interval: price.interval },
            lookup_key: price.lookupKey,
            metadata: { portico_key: price.lookupKey },
          }));
        priceIds[price.lookupKey] = created.id;
        pricesByProduct[product.id] = [...(pricesByProduct[product.id] ?? []), created.id];
      }
    }

    const configurations = await stripe.billingPortal.configurations.list({ limit: 100 });
    const existing = configurations.data.find(
      (item) => item.metadata?.portico_key === spec.portal.key,
    );
    const portalConfiguration =
      existing ??
      (await stripe.billingPortal.configurations.create({
        business_profile: { headline: spec.portal.headline },
        features: {
          customer_update: { enabled: true, allowed_updates: ["email", "name", "address"] },
          invoice_history: { enabled: true },
          payment_method_update: { enabled: true },
          subscription_cancel: {
            enabled: true,
            mode: "at_period_end",
            cancellation_reason: {
              enabled: true,
              options: ["too_expensive", "missing_features", "switched_service", "unused", "other"],
            },
          },
          subscription_update: {
            enabled: true,
            default_allowed_updates: ["price"],
            proration_behavior: "create_prorations",
            products: spec.portal.updatablePlans.flatMap((key) => {
              const product = productIds[key];
              return product ? [{ product, prices: pricesByProduct[product] ?? [] }] : [];
            }),
          },
        },
        metadata: { portico_key: spec.portal.key },
      }));
    return { productIds, priceIds, portalConfigurationId: portalConfiguration.id };
  });
}

/** A Stripe customer for a Portico user; the idempotency key makes a retry return the same one. */
export async function createCustomerForUser(
  stripe: Stripe,
  user: { id: string; email: string | null },
): Promise<string> {
  const customer = await callStripe(() =>
    stripe.customers.create(
      { ...(user.email ? { email: user.email } : {}), metadata: { portico_user_id: user.id } },
      { idempotencyKey: `portico-customer-${user.id}` },
    ),
  );
  return customer.id;
}
