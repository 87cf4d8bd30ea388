import type Stripe from "stripe";
import type {
  AdjustableQuantity,
  CatalogIds,
  CatalogState,
  CatalogWrite,
  KeyRef,
  PortalConfigurationFields,
  PortalFeatures,
  PriceState,
  ProductState,
} from "./catalog-types.js";
import { callStripe } from "./errors.js";

/**
 * Reads a Stripe account's products, prices and portal configurations into
 * Portico's catalog types, and performs the writes `portico stripe apply`
 * planned. Nothing here decides what to change; `billing/catalog-plan.ts` does.
 */

const PAGE = { limit: 100 } as const;
const ALL = { limit: 10_000 } as const;

export async function readCatalogState(stripe: Stripe): Promise<CatalogState> {
  return callStripe(async () => {
    const [products, prices, configurations] = await Promise.all([
      stripe.products.list(PAGE).autoPagingToArray(ALL),
      stripe.prices.list(PAGE).autoPagingToArray(ALL),
      stripe.billingPortal.configurations.list(PAGE).autoPagingToArray(ALL),
    ]);
    return {
      products: products.map(toProductState),
      prices: prices.flatMap((price) => (price.recurring ? [toPriceState(price)] : [])),
      configurations: configurations.map((configuration) => ({
        id: configuration.id,
        key: configuration.metadata?.portico_key,
        active: configuration.active,
        isDefault: configuration.is_default,
        headline: configuration.business_profile.headline ?? null,
        privacyPolicyUrl: configuration.business_profile.privacy_policy_url ?? null,
        termsOfServiceUrl: configuration.business_profile.terms_of_service_url ?? null,
        defaultReturnUrl: configuration.default_return_url,
        porticoDefault: configuration.metadata?.portico_default === "true",
        features: toFeatures(configuration.features),
      })),
    };
  });
}

/**
 * Performs writes in order. `known` holds the ids that already exist; ids of
 * created objects are added as they appear, so later writes can refer to them.
 */
export async function applyCatalogWrites(
  stripe: Stripe,
  writes: CatalogWrite[],
  known: CatalogIds,
): Promise<CatalogIds> {
  const ids: CatalogIds = {
    products: { ...known.products },
    prices: { ...known.prices },
    configurations: { ...known.configurations },
  };
  const idOf = (table: Record<string, string>, ref: KeyRef) => {
    const id = table[ref.key];
    if (!id) throw new Error(`catalog apply: nothing created yet for "${ref.key}"`);
    return id;
  };
  for (const write of writes) {
    await callStripe(async () => {
      switch (write.type) {
        case "create_product": {
          const product = await stripe.products.create({
            name: write.fields.name,
            ...(write.fields.description ? { description: write.fields.description } : {}),
            marketing_features: write.fields.marketingFeatures.map((name) => ({ name })),
            metadata: { portico_key: write.key },
          });
          ids.products[write.key] = product.id;
          return;
        }
        case "update_product": {
          const { name, description, marketingFeatures } = write.fields;
          await stripe.products.update(write.id, {
            ...(name !== undefined ? { name } : {}),
            ...(description !== undefined ? { description: description ?? "" } : {}),
            ...(marketingFeatures !== undefined
              ? {
                  marketing_features: marketingFeatures.length
                    ? marketingFeatures.map((feature) => ({ name: feature }))
                    : "",
                }
              : {}),
            ...(write.active !== undefined ? { active: write.active } : {}),
          });
          return;
        }
        case "create_price": {
          const { fields } = write;
          const price = await stripe.prices.create({
            product: idOf(ids.products, write.product),
            currency: fields.currency,
            unit_amount: fields.unitAmount,
            recurring: {
              interval: fields.interval,
              ...(fields.trialPeriodDays ? { trial_period_days: fields.trialPeriodDays } : {}),
            },
            lookup_key: write.lookupKey,
            transfer_lookup_key: write.transferLookupKey,
            metadata: { portico_key: write.lookupKey, portico_plan: write.plan },
          });
          ids.prices[write.lookupKey] = price.id;
          return;
        }
        case "update_price":
          await stripe.prices.update(write.id, { active: write.active });
          return;
        case "create_configuration": {
          const params = toConfigurationParams(write.fields, ids, { create: true });
          // With create: true no field is "" (emptied), which is all that differs from create's types.
          const created = await stripe.billingPortal.configurations.create({
            ...(params as Stripe.BillingPortal.ConfigurationCreateParams),
            metadata: {
              portico_key: write.key,
              ...(write.fields.porticoDefault ? { portico_default: "true" } : {}),
            },
          });
          ids.configurations[write.key] = created.id;
          return;
        }
        case "update_configuration":
          await stripe.billingPortal.configurations.update(write.id, {
            ...toConfigurationParams(write.fields, ids, { create: false }),
            ...(write.active !== undefined ? { active: write.active } : {}),
          });
          return;
      }
    });
  }
  return ids;
}

function toProductState(product: Stripe.Product): ProductState {
  return {
    id: product.id,
    key: product.metadata.portico_key,
    active: product.active,
    name: product.name,
    description: product.description,
    marketingFeatures: product.marketing_features.flatMap((feature) =>
      feature.name ? [feature.name] : [],
    ),
  };
}

function toPriceState(price: Stripe.Price): PriceState {
  return {
    id: price.id,
    key: price.metadata.portico_key,
    lookupKey: price.lookup_key,
    productId: typeof price.product === "string" ? price.product : price.product.id,
    active: price.active,
    unitAmount: price.unit_amount ?? 0,
    currency: price.currency,
    interval: price.recurring?.interval === "year" ? "year" : "month",
    trialPeriodDays: price.recurring?.trial_period_days ?? null,
  };
}

function toFeatures(features: Stripe.BillingPortal.Configuration.Features): PortalFeatures {
  const cancel = features.subscription_cancel;
  const update = features.subscription_update;
  return {
    customer_update: {
      enabled: features.customer_update.enabled,
      allowed_updates: [...features.customer_update.allowed_updates],
    },
    invoice_history: { enabled: features.invoice_history.enabled },
    payment_method_update: { enabled: features.payment_method_update.enabled },
    subscription_cancel: {
      enabled: cancel.enabled,
      mode: cancel.mode,
      proration_behavior: cancel.proration_behavior,
      cancellation_reason: {
        enabled: cancel.cancellation_reason.enabled,
        options: [...cancel.cancellation_reason.options],
      },
    },
    subscription_pause: { enabled: features.subscription_pause.enabled },
    subscription_update: {
      enabled: update.enabled,
      products: (update.products ?? []).map((entry) => ({
        product: entry.product,
        prices: [...entry.prices],
        adjustable_quantity: {
          enabled: entry.adjustable_quantity.enabled,
          maximum: entry.adjustable_quantity.maximum,
          minimum: entry.adjustable_quantity.minimum,
        },
      })),
      default_allowed_updates: [...update.default_allowed_updates],
      proration_behavior: update.proration_behavior,
      schedule_at_period_end: {
        conditions: (update.schedule_at_period_end?.conditions ?? []).map((c) => c.type),
      },
    },
  };
}

type Proration = "always_invoice" | "create_prorations" | "none";

/**
 * Stripe's default (off, minimum 1, no maximum) is left out, so a configuration
 * without seats sends what it always sent. The products list is replaced whole on
 * update, so an omitted maximum clears one set before.
 */
function toQuantityParam(quantity: AdjustableQuantity) {
  if (!quantity.enabled && quantity.maximum === null && quantity.minimum === 1) return {};
  return {
    adjustable_quantity: {
      enabled: quantity.enabled,
      minimum: quantity.minimum,
      ...(quantity.maximum !== null ? { maximum: quantity.maximum } : {}),
    },
  };
}

/** Stripe clears a list with "" rather than []. */
const listOrEmpty = <T>(values: T[]): T[] | "" => (values.length > 0 ? values : "");

function toConfigurationParams(
  fields: Partial<PortalConfigurationFields<KeyRef, KeyRef>>,
  ids: CatalogIds,
  options: { create: boolean },
): Stripe.BillingPortal.ConfigurationUpdateParams {
  // On create, Stripe refuses "" for fields that have nothing to clear yet.
  const clear = options.create ? undefined : "";
  const params: Stripe.BillingPortal.ConfigurationUpdateParams = {};
  const profile: Stripe.BillingPortal.ConfigurationUpdateParams.BusinessProfile = {};
  if (fields.headline !== undefined) profile.headline = fields.headline ?? clear;
  if (fields.privacyPolicyUrl !== undefined)
    profile.privacy_policy_url = fields.privacyPolicyUrl ?? clear;
  if (fields.termsOfServiceUrl !== undefined)
    profile.terms_of_service_url = fields.termsOfServiceUrl ?? clear;
  const profileFields = Object.entries(profile).filter(([, value]) => value !== undefined);
  if (profileFields.length > 0) params.business_profile = Object.fromEntries(profileFields);
  if (fields.defaultReturnUrl !== undefined && (fields.defaultReturnUrl ?? clear) !== undefined)
    params.default_return_url = fields.defaultReturnUrl ?? "";
  if (fields.porticoDefault !== undefined)
    params.metadata = { portico_default: fields.porticoDefault ? "true" : "" };
  const features = fields.features;
  if (features) {
    const cancel = features.subscription_cancel;
    const update = features.subscription_update;
    const conditions = update.schedule_at_period_end.conditions;
    params.features = {
      customer_update: {
        enabled: features.customer_update.enabled,
        allowed_updates: listOrEmpty(
          features.customer_update.allowed_updates,
        ) as Stripe.BillingPortal.ConfigurationUpdateParams.Features.CustomerUpdate["allowed_updates"],
      },
      invoice_history: features.invoice_history,
      payment_method_update: features.payment_method_update,
      subscription_cancel: {
        enabled: cancel.enabled,
        mode: cancel.mode as "at_period_end" | "immediately",
        proration_behavior: cancel.proration_behavior as Proration,
        cancellation_reason: {
          enabled: cancel.cancellation_reason.enabled,
          options: listOrEmpty(
            cancel.cancellation_reason.options,
          ) as Stripe.BillingPortal.ConfigurationUpdateParams.Features.SubscriptionCancel.CancellationReason["options"],
        },
      },
      subscription_pause: features.subscription_pause,
      subscription_update: {
        enabled: update.enabled,
        products: listOrEmpty(
          update.products.map((entry) => ({
            product: ids.products[entry.product.key] ?? entry.product.key,
            prices: entry.prices.map((price) => ids.prices[price.key] ?? price.key),
            ...toQuantityParam(entry.adjustable_quantity),
          })),
        ),
        default_allowed_updates: listOrEmpty(
          update.default_allowed_updates,
        ) as Stripe.BillingPortal.ConfigurationUpdateParams.Features.SubscriptionUpdate["default_allowed_updates"],
        proration_behavior: update.proration_behavior as Proration,
        ...(conditions.length > 0 || !options.create
          ? {
              schedule_at_period_end: {
                conditions: listOrEmpty(
                  conditions.map((type) => ({
                    type: type as "decreasing_item_amount" | "shortening_interval",
                  })),
                ),
              },
            }
          : {}),
      },
    };
  }
  return params;
}
