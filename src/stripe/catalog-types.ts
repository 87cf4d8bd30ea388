/**
 * Portico's view of a Stripe account's catalog (what `readCatalogState` returns)
 * and the writes that change it. Objects are named by Portico keys
 * (`metadata.portico_key`, `lookup_key`) wherever a Stripe id may not exist yet.
 */

/** A portal `features` tree with every field present, Stripe's defaults filled in. */
export interface PortalFeatures<ProductRef = string, PriceRef = string> {
  customer_update: { enabled: boolean; allowed_updates: string[] };
  invoice_history: { enabled: boolean };
  payment_method_update: { enabled: boolean };
  subscription_cancel: {
    enabled: boolean;
    /** Stripe's enums, kept open: an account may hold values newer than this code. */
    mode: string;
    proration_behavior: string;
    cancellation_reason: { enabled: boolean; options: string[] };
  };
  subscription_pause: { enabled: boolean };
  subscription_update: {
    enabled: boolean;
    products: {
      product: ProductRef;
      prices: PriceRef[];
      adjustable_quantity: AdjustableQuantity;
    }[];
    default_allowed_updates: string[];
    proration_behavior: string;
    schedule_at_period_end: { conditions: string[] };
  };
}

/**
 * A portal product's quantity limits, as Stripe returns them. Stripe's default
 * is `{ enabled: false, maximum: null, minimum: 1 }`; `maximum: null` is no limit.
 */
export interface AdjustableQuantity {
  enabled: boolean;
  maximum: number | null;
  minimum: number;
}

export interface ProductFields {
  name: string;
  description: string | null;
  marketingFeatures: string[];
}

export interface ProductState extends ProductFields {
  id: string;
  key: string | undefined;
  active: boolean;
}

export interface PriceFields {
  unitAmount: number;
  currency: string;
  interval: "month" | "year";
  trialPeriodDays: number | null;
}

export interface PriceState extends PriceFields {
  id: string;
  /** `metadata.portico_key`: set on every price Portico created. */
  key: string | undefined;
  lookupKey: string | null;
  productId: string;
  active: boolean;
}

export interface PortalConfigurationFields<ProductRef = string, PriceRef = string> {
  headline: string | null;
  privacyPolicyUrl: string | null;
  termsOfServiceUrl: string | null;
  defaultReturnUrl: string | null;
  /** `metadata.portico_default`: Stripe's API cannot make a configuration the Dashboard default. */
  porticoDefault: boolean;
  features: PortalFeatures<ProductRef, PriceRef>;
}

export interface PortalConfigurationState extends PortalConfigurationFields {
  id: string;
  key: string | undefined;
  active: boolean;
  /** Stripe's own flag: the configuration saved in the Dashboard. */
  isDefault: boolean;
}

export interface CatalogState {
  products: ProductState[];
  prices: PriceState[];
  configurations: PortalConfigurationState[];
}

/** Products by plan key, prices by lookup key. */
export type KeyRef = { key: string };

export type CatalogWrite =
  | { type: "create_product"; key: string; fields: ProductFields }
  | { type: "update_product"; id: string; fields: Partial<ProductFields>; active?: boolean }
  | {
      type: "create_price";
      lookupKey: string;
      plan: string;
      product: KeyRef;
      fields: PriceFields;
      /** Moves the lookup key from the price that holds it. */
      transferLookupKey: boolean;
    }
  | { type: "update_price"; id: string; active: boolean }
  | {
      type: "create_configuration";
      key: string;
      fields: PortalConfigurationFields<KeyRef, KeyRef>;
    }
  | {
      type: "update_configuration";
      id: string;
      fields: Partial<PortalConfigurationFields<KeyRef, KeyRef>>;
      active?: boolean;
    };

export interface CatalogIds {
  /** By plan key. */
  products: Record<string, string>;
  /** By lookup key. */
  prices: Record<string, string>;
  /** By configuration name. */
  configurations: Record<string, string>;
}
