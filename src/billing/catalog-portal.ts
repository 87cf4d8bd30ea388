import type {
  AdjustableQuantity,
  KeyRef,
  PortalConfigurationFields,
  PortalConfigurationState,
  PortalFeatures,
} from "../stripe/catalog-types.js";
import { lookupKeyFor, resolveAdjustableQuantity } from "./billing-config.js";
import type { BillingConfig, PortalConfigurationConfig } from "./billing-config-schema.js";

/**
 * Portal configurations in the two forms the plan compares: what the file
 * asks for (products and prices named by plan key and lookup key) and what
 * Stripe has (ids, translated back to those keys where Portico knows them).
 */

const sorted = (values: readonly string[]) => [...values].sort();

export function toDesiredConfiguration(
  config: BillingConfig,
  configuration: PortalConfigurationConfig,
): PortalConfigurationFields<KeyRef, KeyRef> {
  const { features } = configuration;
  const cancel = features.subscription_cancel;
  const update = features.subscription_update;
  return {
    headline: configuration.business_profile.headline ?? null,
    privacyPolicyUrl: configuration.business_profile.privacy_policy_url ?? null,
    termsOfServiceUrl: configuration.business_profile.terms_of_service_url ?? null,
    defaultReturnUrl: configuration.default_return_url ?? null,
    porticoDefault: configuration.default,
    features: {
      customer_update: {
        enabled: features.customer_update?.enabled ?? false,
        allowed_updates: sorted(features.customer_update?.allowed_updates ?? []),
      },
      invoice_history: { enabled: features.invoice_history?.enabled ?? false },
      payment_method_update: { enabled: features.payment_method_update?.enabled ?? false },
      subscription_cancel: {
        enabled: cancel?.enabled ?? false,
        mode: cancel?.mode ?? "at_period_end",
        proration_behavior: cancel?.proration_behavior ?? "none",
        cancellation_reason: {
          enabled: cancel?.cancellation_reason?.enabled ?? false,
          options: sorted(cancel?.cancellation_reason?.options ?? []),
        },
      },
      subscription_pause: { enabled: features.subscription_pause?.enabled ?? false },
      subscription_update: {
        enabled: update?.enabled ?? false,
        products: (update?.products ?? []).map((entry) => {
          const plan = config.plans.find((candidate) => candidate.key === entry.plan);
          return {
            product: { key: entry.plan },
            prices: plan
              ? entry.prices.map((interval) => ({ key: lookupKeyFor(plan, interval) }))
              : [],
            adjustable_quantity: resolveAdjustableQuantity(plan, entry.adjustable_quantity),
          };
        }),
        default_allowed_updates: sorted(update?.default_allowed_updates ?? []),
        proration_behavior: update?.proration_behavior ?? "none",
        schedule_at_period_end: {
          conditions: sorted(update?.schedule_at_period_end?.conditions ?? []),
        },
      },
    },
  };
}

/** How a configuration's products are shown and compared: keys, not ids. */
export interface ProductNames {
  product(id: string): string;
  price(id: string): string;
}

/** A flat `path → value` view of a configuration, for field-level differences. */
export function flattenConfiguration(
  fields: PortalConfigurationFields<string, string>,
): Record<string, unknown> {
  const flat: Record<string, unknown> = {
    "business_profile.headline": fields.headline,
    "business_profile.privacy_policy_url": fields.privacyPolicyUrl,
    "business_profile.terms_of_service_url": fields.termsOfServiceUrl,
    default_return_url: fields.defaultReturnUrl,
    "metadata.portico_default": fields.porticoDefault,
  };
  const visit = (value: unknown, path: string) => {
    if (value && typeof value === "object" && !Array.isArray(value)) {
      for (const [key, child] of Object.entries(value)) visit(child, `${path}.${key}`);
    } else {
      flat[path] = value;
    }
  };
  const update = fields.features.subscription_update;
  const products = update.products.map(({ adjustable_quantity, ...entry }) =>
    isStripeDefault(adjustable_quantity) ? entry : { ...entry, adjustable_quantity },
  );
  visit({ ...fields.features, subscription_update: { ...update, products } }, "features");
  return flat;
}

/** Stripe's value for a product that never set limits; shown only when it differs. */
function isStripeDefault(quantity: AdjustableQuantity): boolean {
  return !quantity.enabled && quantity.maximum === null && quantity.minimum === 1;
}

export function nameDesiredConfiguration(
  fields: PortalConfigurationFields<KeyRef, KeyRef>,
): PortalConfigurationFields<string, string> {
  return {
    ...fields,
    features: mapProducts(
      fields.features,
      (ref) => ref.key,
      (ref) => ref.key,
    ),
  };
}

export function nameCurrentConfiguration(
  state: PortalConfigurationState,
  names: ProductNames,
): PortalConfigurationFields<string, string> {
  const { id: _id, key: _key, active: _active, isDefault: _isDefault, ...fields } = state;
  const features = mapProducts(state.features, names.product, names.price);
  return {
    ...fields,
    features: {
      ...features,
      customer_update: {
        ...features.customer_update,
        allowed_updates: sorted(features.customer_update.allowed_updates),
      },
      subscription_cancel: {
        ...features.subscription_cancel,
        cancellation_reason: {
          ...features.subscription_cancel.cancellation_reason,
          options: sorted(features.subscription_cancel.cancellation_reason.options),
        },
      },
      subscription_update: {
        ...features.subscription_update,
        default_allowed_updates: sorted(features.subscription_update.default_allowed_updates),
        schedule_at_period_end: {
          conditions: sorted(features.subscription_update.schedule_at_period_end.conditions),
        },
      },
    },
  };
}

function mapProducts<A, B, C, D>(
  features: PortalFeatures<A, B>,
  product: (ref: A) => C,
  price: (ref: B) => D,
): PortalFeatures<C, D> {
  const update = features.subscription_update;
  return {
    ...features,
    subscription_update: {
      ...update,
      // Key order is fixed here: both sides of the diff are compared as JSON.
      products: update.products.map((entry) => ({
        product: product(entry.product),
        prices: entry.prices.map(price),
        adjustable_quantity: {
          enabled: entry.adjustable_quantity.enabled,
          maximum: entry.adjustable_quantity.maximum,
          minimum: entry.adjustable_quantity.minimum,
        },
      })),
    },
  };
}
