import type {
  CatalogIds,
  CatalogState,
  CatalogWrite,
  PriceFields,
  PriceState,
  ProductFields,
} from "../stripe/catalog-types.js";
import { type DeclaredPrice, listDeclaredPrices } from "./billing-config.js";
import type { BillingConfig, PlanConfig } from "./billing-config-schema.js";
import {
  flattenConfiguration,
  nameCurrentConfiguration,
  nameDesiredConfiguration,
  toDesiredConfiguration,
} from "./catalog-portal.js";

/**
 * The diff engine behind `portico stripe plan` and `apply`: from what the file
 * declares and what the Stripe account holds, the list of changes and the
 * writes that make them. Pure: no I/O, so a plan can be shown before it runs.
 */

export type ChangeAction = "create" | "update" | "replace" | "archive";
export type ChangeKind = "product" | "price" | "portal_configuration";

export interface FieldChange {
  path: string;
  /** Absent for a created object. */
  before?: unknown;
  after?: unknown;
}

export interface CatalogChange {
  action: ChangeAction;
  kind: ChangeKind;
  /** Plan key, lookup key or configuration name. */
  key: string;
  /** The Stripe object changed, when it exists. */
  id?: string;
  fields: FieldChange[];
  notes: string[];
}

export interface CatalogPlan {
  changes: CatalogChange[];
  /** In the order they must run: objects before the objects that refer to them. */
  writes: CatalogWrite[];
  known: CatalogIds;
}

const ORDER: Record<ChangeKind, number> = { product: 0, price: 1, portal_configuration: 2 };

export function planCatalog(config: BillingConfig, state: CatalogState): CatalogPlan {
  const phases: CatalogWrite[][] = [[], [], [], []];
  const changes: CatalogChange[] = [];
  const known: CatalogIds = { products: {}, prices: {}, configurations: {} };
  const add = (change: CatalogChange, phase: number, ...writes: CatalogWrite[]) => {
    changes.push(change);
    phases[phase]?.push(...writes);
  };
  const declared = listDeclaredPrices(config);
  const paidPlans = config.plans.filter((plan) => plan.prices);

  for (const plan of paidPlans) {
    const current = pickManaged(state.products, (product) => product.key === plan.key);
    const desired: ProductFields = {
      name: plan.name,
      description: plan.description ?? null,
      marketingFeatures: plan.features,
    };
    const notes = seatNotes(plan, "product");
    if (!current) {
      add({ ...created("product", plan.key, productView(desired)), notes }, 0, {
        type: "create_product",
        key: plan.key,
        fields: desired,
      });
      continue;
    }
    known.products[plan.key] = current.id;
    const fields = diffFields(productView(current), productView(desired));
    if (!current.active) fields.push({ path: "active", before: false, after: true });
    if (fields.length === 0) continue;
    add({ action: "update", kind: "product", key: plan.key, id: current.id, fields, notes }, 0, {
      type: "update_product",
      id: current.id,
      fields: desired,
      ...(current.active ? {} : { active: true }),
    });
  }

  const replaced = new Set<string>();
  for (const price of declared) {
    const current = state.prices.find((candidate) => candidate.lookupKey === price.lookupKey);
    const desired = priceFieldsOf(price);
    const create: CatalogWrite = {
      type: "create_price",
      lookupKey: price.lookupKey,
      plan: price.plan.key,
      product: { key: price.plan.key },
      fields: desired,
      transferLookupKey: current !== undefined,
    };
    const perSeat = seatNotes(price.plan, "price");
    if (!current) {
      const view = { plan: price.plan.key, ...priceView(desired) };
      add({ ...created("price", price.lookupKey, view), notes: perSeat }, 1, create);
      continue;
    }
    const fields = diffFields(priceView(current), priceView(desired));
    const productId = known.products[price.plan.key];
    if (current.productId !== productId)
      fields.push({ path: "product", before: current.productId, after: price.plan.key });
    if (fields.length > 0) {
      replaced.add(current.id);
      const notes = [
        "Prices cannot change in Stripe: a new price takes the lookup key and this one is archived.",
        `Existing subscriptions stay on ${current.id}; new ones use the new price.`,
        ...perSeat,
      ];
      add(
        { action: "replace", kind: "price", key: price.lookupKey, id: current.id, fields, notes },
        1,
        create,
      );
      phases[3]?.push({ type: "update_price", id: current.id, active: false });
      continue;
    }
    known.prices[price.lookupKey] = current.id;
    if (!current.active) {
      const fields = [{ path: "active", before: false, after: true }];
      add(
        {
          action: "update",
          kind: "price",
          key: price.lookupKey,
          id: current.id,
          fields,
          notes: [],
        },
        1,
        {
          type: "update_price",
          id: current.id,
          active: true,
        },
      );
    }
  }

  const productKeyOf = (id: string) => state.products.find((p) => p.id === id)?.key ?? id;
  const priceKeyOf = (id: string) => {
    const price = state.prices.find((candidate) => candidate.id === id);
    if (price?.lookupKey && replaced.has(id)) return `${price.lookupKey} (replaced)`;
    if (!price?.lookupKey || !price.active) return id;
    return price.lookupKey;
  };
  for (const configuration of config.portal_configurations) {
    const current = pickManaged(state.configurations, (item) => item.key === configuration.name);
    const desired = toDesiredConfiguration(config, configuration);
    const after = flattenConfiguration(nameDesiredConfiguration(desired));
    if (!current) {
      add(created("portal_configuration", configuration.name, after), 2, {
        type: "create_configuration",
        key: configuration.name,
        fields: desired,
      });
      continue;
    }
    known.configurations[configuration.name] = current.id;
    const names = { product: productKeyOf, price: priceKeyOf };
    const before = flattenConfiguration(nameCurrentConfiguration(current, names));
    const fields = diffFields(before, after);
    if (!current.active) fields.push({ path: "active", before: false, after: true });
    if (fields.length === 0) continue;
    const change = { action: "update", kind: "portal_configuration", key: configuration.name };
    add({ ...change, id: current.id, fields, notes: [] } as CatalogChange, 2, {
      type: "update_configuration",
      id: current.id,
      fields: desired,
      ...(current.active ? {} : { active: true }),
    });
  }

  const archive = (kind: ChangeKind, key: string, id: string, write: CatalogWrite) =>
    add(
      {
        action: "archive",
        kind,
        key,
        id,
        fields: [{ path: "active", before: true, after: false }],
        notes: [],
      },
      3,
      write,
    );
  const names = new Set(config.portal_configurations.map((item) => item.name));
  for (const item of state.configurations) {
    // Stripe refuses to deactivate the Dashboard default; leave it to the Dashboard.
    if (!item.key || !item.active || item.isDefault || names.has(item.key)) continue;
    archive("portal_configuration", item.key, item.id, {
      type: "update_configuration",
      id: item.id,
      fields: {},
      active: false,
    });
  }
  const lookupKeys = new Set(declared.map((price) => price.lookupKey));
  for (const price of state.prices) {
    if (!price.key || !price.active || replaced.has(price.id)) continue;
    if (price.lookupKey && lookupKeys.has(price.lookupKey)) continue;
    archive("price", price.lookupKey ?? price.key, price.id, {
      type: "update_price",
      id: price.id,
      active: false,
    });
  }
  const planKeys = new Set(paidPlans.map((plan) => plan.key));
  for (const product of state.products) {
    if (!product.key || !product.active || planKeys.has(product.key)) continue;
    archive("product", product.key, product.id, {
      type: "update_product",
      id: product.id,
      fields: {},
      active: false,
    });
  }

  changes.sort((a, b) => ORDER[a.kind] - ORDER[b.kind]);
  return { changes, writes: phases.flat(), known };
}

/** The active object for a key if there is one, else the newest inactive one. */
function pickManaged<T extends { active: boolean }>(items: T[], match: (item: T) => boolean) {
  const matches = items.filter(match);
  return matches.find((item) => item.active) ?? matches[0];
}

function created(kind: ChangeKind, key: string, view: Record<string, unknown>): CatalogChange {
  const fields = Object.entries(view).map(([path, after]) => ({ path, after }));
  return { action: "create", kind, key, fields, notes: [] };
}

/**
 * Stripe has no notion of seats: a per-seat price is an ordinary per-unit price
 * and the subscription item's quantity is the seat count. The plan says so, since
 * an amount shown alone would read as the whole charge.
 */
function seatNotes(plan: PlanConfig, subject: "product" | "price"): string[] {
  const seats = plan.seats;
  if (!seats) return [];
  if (subject === "price") return ["Per seat: unit_amount is charged for each seat."];
  const bounds =
    seats.maximum === undefined
      ? `at least ${seats.minimum}`
      : `${seats.minimum} to ${seats.maximum}`;
  return [`Per-seat plan: a subscription's quantity is its seat count (${bounds}).`];
}

function priceFieldsOf(price: DeclaredPrice): PriceFields {
  return {
    unitAmount: price.amount,
    currency: price.currency,
    interval: price.interval === "monthly" ? "month" : "year",
    trialPeriodDays: price.trialPeriodDays ?? null,
  };
}

function productView(product: ProductFields) {
  return {
    name: product.name,
    description: product.description,
    marketing_features: product.marketingFeatures,
  };
}

function priceView(price: PriceFields | PriceState) {
  return {
    unit_amount: price.unitAmount,
    currency: price.currency,
    "recurring.interval": price.interval,
    "recurring.trial_period_days": price.trialPeriodDays,
  };
}

function diffFields(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): FieldChange[] {
  return Object.keys(after).flatMap((path) =>
    JSON.stringify(before[path]) === JSON.stringify(after[path])
      ? []
      : [{ path, before: before[path], after: after[path] }],
  );
}
