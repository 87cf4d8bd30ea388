import type Stripe from "stripe";
import type { StripeMode } from "../config.js";
import { PorticoError } from "../errors.js";
import { createStripeCaller, type StripeCallMetrics } from "./call-metrics.js";
import { applyCatalogWrites, readCatalogState } from "./catalog.js";
import type { CatalogIds, CatalogState, CatalogWrite } from "./catalog-types.js";
import type { StripeClients } from "./client.js";
import { type CustomerHolder, createCustomerFor } from "./customers.js";
import { isStripeRefusal, StripeMissingError } from "./errors.js";
import { createSyncCalls, type SyncCalls } from "./sync-calls.js";

/** The few Stripe calls Portico makes, in Portico's own types. */

export type PortalFlowType =
  | "payment_method_update"
  | "subscription_cancel"
  | "subscription_update"
  | "subscription_update_confirm"
  | "subscription_pause"
  | "customer_update";

export interface PortalSessionParams {
  customerId: string;
  returnUrl: string;
  configurationId: string | undefined;
  locale: string | undefined;
  flow:
    | {
        type: PortalFlowType;
        subscriptionId?: string;
        /** For `subscription_update_confirm`: the item to change and its new price. */
        item?: { id: string; priceId: string; quantity: number };
        afterCompletionUrl: string;
      }
    | undefined;
}

export interface SubscriptionSummary {
  id: string;
  customerId: string;
  status: Stripe.Subscription.Status;
  created: number;
  items: { id: string; priceId: string; lookupKey: string | null; quantity: number }[];
}

export interface PortalConfigurationSummary {
  id: string;
  active: boolean;
  isDefault: boolean;
  /** `metadata.portico_key`: the name Portico manages it under. */
  name: string | undefined;
}

/** A customer as an import matches it to a user: its email and metadata. */
export interface CustomerListing {
  id: string;
  email: string | null;
  metadata: Record<string, string>;
}

export interface StripeGateway {
  modes(): StripeMode[];
  /** One page (100) of the account's customers, newest first; deleted ones are not listed. */
  listCustomers(
    mode: StripeMode,
    startingAfter: string | undefined,
  ): Promise<{ customers: CustomerListing[]; hasMore: boolean }>;
  createPortalSession(
    mode: StripeMode,
    params: PortalSessionParams,
  ): Promise<{ id: string; url: string }>;
  /** Undefined when the subscription does not exist in that mode. */
  retrieveSubscription(mode: StripeMode, id: string): Promise<SubscriptionSummary | undefined>;
  /** Newest subscriptions first, every status except the ended ones. */
  listOpenSubscriptions(mode: StripeMode, customerId: string): Promise<SubscriptionSummary[]>;
  listPortalConfigurations(mode: StripeMode): Promise<PortalConfigurationSummary[]>;
  /** Sets one item's quantity (a per-seat plan's seats), prorated as asked. */
  setItemQuantity(
    mode: StripeMode,
    change: {
      subscriptionId: string;
      itemId: string;
      quantity: number;
      prorationBehavior: "always_invoice" | "create_prorations" | "none";
    },
  ): Promise<void>;
  /** `replaced`: how many of the subject's customers were found deleted (see `createCustomerFor`). */
  createCustomer(mode: StripeMode, holder: CustomerHolder, replaced?: number): Promise<string>;
  /** Deletes a customer Portico created and never used; gone already counts as deleted. */
  deleteCustomer(mode: StripeMode, customerId: string): Promise<void>;
  readCatalog(mode: StripeMode): Promise<CatalogState>;
  writeCatalog(mode: StripeMode, writes: CatalogWrite[], known: CatalogIds): Promise<CatalogIds>;
  /** Prices holding these lookup keys, active or not. */
  findPricesByLookupKeys(
    mode: StripeMode,
    lookupKeys: string[],
  ): Promise<{ id: string; lookupKey: string; active: boolean }[]>;
  /** Subscription sync's reads, and checkout, in one mode. */
  sync(mode: StripeMode): SyncCalls;
}

export class StripeModeNotConfiguredError extends Error {
  constructor(readonly mode: StripeMode) {
    super(`No Stripe key configured for ${mode} mode`);
    this.name = "StripeModeNotConfiguredError";
  }
}

const ENDED: Stripe.Subscription.Status[] = ["canceled", "incomplete_expired"];

export function createStripeGateway(
  clients: StripeClients,
  options: { metrics?: StripeCallMetrics; maxConcurrentCalls?: number } = {},
): StripeGateway {
  // Every call is named by its Stripe resource and method: the `operation` metric label.
  const call = createStripeCaller(options.metrics, options.maxConcurrentCalls);
  const client = (mode: StripeMode) => {
    const stripe = clients[mode];
    if (!stripe) throw new StripeModeNotConfiguredError(mode);
    return stripe;
  };
  const syncCalls: Partial<Record<StripeMode, SyncCalls>> = {};

  return {
    sync(mode) {
      syncCalls[mode] ??= createSyncCalls(client(mode), mode === "live", call);
      return syncCalls[mode];
    },

    modes: () => (["test", "live"] as const).filter((mode) => clients[mode] !== undefined),

    async createPortalSession(mode, params) {
      const session = await call("billing_portal.sessions.create", () =>
        client(mode).billingPortal.sessions.create({
          customer: params.customerId,
          return_url: params.returnUrl,
          ...(params.configurationId ? { configuration: params.configurationId } : {}),
          ...(params.locale
            ? { locale: params.locale as Stripe.BillingPortal.SessionCreateParams.Locale }
            : {}),
          ...(params.flow ? { flow_data: toFlowData(params.flow) } : {}),
        }),
      );
      return { id: session.id, url: session.url };
    },

    async retrieveSubscription(mode, id) {
      try {
        return toSubscriptionSummary(
          await call("subscriptions.retrieve", () => client(mode).subscriptions.retrieve(id)),
        );
      } catch (error) {
        if (error instanceof StripeMissingError) return undefined;
        throw error;
      }
    },

    async listOpenSubscriptions(mode, customerId) {
      const page = await call("subscriptions.list", () =>
        client(mode).subscriptions.list({ customer: customerId, status: "all", limit: 20 }),
      );
      return page.data
        .filter((subscription) => !ENDED.includes(subscription.status))
        .map(toSubscriptionSummary);
    },

    async setItemQuantity(mode, change) {
      try {
        await call("subscriptions.update", () =>
          client(mode).subscriptions.update(change.subscriptionId, {
            items: [{ id: change.itemId, quantity: change.quantity }],
            proration_behavior: change.prorationBehavior,
          }),
        );
      } catch (error) {
        // The subscription changed under us (canceled, or its item replaced) after it was read.
        if (!isStripeRefusal(error)) throw error;
        throw new PorticoError(
          "CONFLICT",
          "The subscription changed while its seats were being set; reload and try again",
          { cause: error },
        );
      }
    },

    async listCustomers(mode, startingAfter) {
      const page = await call("customers.list", () =>
        client(mode).customers.list({
          limit: 100,
          ...(startingAfter ? { starting_after: startingAfter } : {}),
        }),
      );
      return {
        customers: page.data.map((customer) => ({
          id: customer.id,
          email: customer.email ?? null,
          metadata: { ...customer.metadata },
        })),
        hasMore: page.has_more,
      };
    },

    async listPortalConfigurations(mode) {
      const configurations = await call("billing_portal.configurations.list", () =>
        client(mode)
          .billingPortal.configurations.list({ limit: 100 })
          .autoPagingToArray({ limit: 1000 }),
      );
      return configurations.map((configuration) => ({
        id: configuration.id,
        active: configuration.active,
        isDefault: configuration.is_default,
        name: configuration.metadata?.portico_key,
      }));
    },

    createCustomer: (mode, holder, replaced) =>
      call("customers.create", () => createCustomerFor(client(mode), holder, replaced)),

    async deleteCustomer(mode, customerId) {
      try {
        await call("customers.del", () => client(mode).customers.del(customerId));
      } catch (error) {
        if (!(error instanceof StripeMissingError)) throw error;
      }
    },
    readCatalog: (mode) => call("catalog.read", () => readCatalogState(client(mode))),
    writeCatalog: (mode, writes, known) =>
      call("catalog.write", () => applyCatalogWrites(client(mode), writes, known)),

    async findPricesByLookupKeys(mode, lookupKeys) {
      // Stripe takes at most 10 lookup keys per list call.
      const chunks: string[][] = [];
      for (let i = 0; i < lookupKeys.length; i += 10) chunks.push(lookupKeys.slice(i, i + 10));
      const pages = await Promise.all(
        chunks.map((keys) =>
          call("prices.list", () => client(mode).prices.list({ lookup_keys: keys, limit: 100 })),
        ),
      );
      return pages
        .flatMap((page) => page.data)
        .map((price) => ({
          id: price.id,
          lookupKey: price.lookup_key ?? "",
          active: price.active,
        }));
    },
  };
}

function toFlowData(
  flow: NonNullable<PortalSessionParams["flow"]>,
): Stripe.BillingPortal.SessionCreateParams.FlowData {
  const afterCompletion = {
    type: "redirect" as const,
    redirect: { return_url: flow.afterCompletionUrl },
  };
  const subscription = flow.subscriptionId ?? "";
  switch (flow.type) {
    case "subscription_cancel":
      return {
        type: flow.type,
        after_completion: afterCompletion,
        subscription_cancel: { subscription },
      };
    case "subscription_update":
      return {
        type: flow.type,
        after_completion: afterCompletion,
        subscription_update: { subscription },
      };
    case "subscription_pause":
      return {
        type: flow.type,
        after_completion: afterCompletion,
        subscription_pause: { subscription },
      };
    case "subscription_update_confirm":
      return {
        type: flow.type,
        after_completion: afterCompletion,
        subscription_update_confirm: {
          subscription,
          items: flow.item
            ? [{ id: flow.item.id, price: flow.item.priceId, quantity: flow.item.quantity }]
            : [],
        },
      };
    default:
      return { type: flow.type, after_completion: afterCompletion };
  }
}

function toSubscriptionSummary(subscription: Stripe.Subscription): SubscriptionSummary {
  return {
    id: subscription.id,
    customerId:
      typeof subscription.customer === "string" ? subscription.customer : subscription.customer.id,
    status: subscription.status,
    created: subscription.created,
    items: subscription.items.data.map((item) => ({
      id: item.id,
      priceId: item.price.id,
      lookupKey: item.price.lookup_key ?? null,
      quantity: item.quantity ?? 1,
    })),
  };
}
