import Stripe from "stripe";
import type { Config, StripeMode } from "../config.js";
import { createStripeClients } from "./client.js";
import { callStripe, StripeMissingError } from "./errors.js";
import { StripeModeNotConfiguredError } from "./gateway.js";
import {
  toCustomerSnapshot,
  toInvoiceSnapshot,
  toPaymentMethodSnapshot,
  toSubscriptionSnapshot,
} from "./snapshots.js";
import { createSyncCalls, type SyncCalls } from "./sync-calls.js";
import type {
  CustomerSnapshot,
  InvoiceSnapshot,
  PaymentMethodSnapshot,
  SubscriptionSnapshot,
} from "./sync-types.js";

/** The account-wide list calls of `portico sync`, in pages of 100, newest first. */

export interface ListPage<T> {
  objects: T[];
  hasMore: boolean;
  /** Default cards that came expanded with the objects. */
  cards: PaymentMethodSnapshot[];
}

export interface BackfillCalls {
  livemode: boolean;
  /** Single-object reads, for objects read again under their customer's lock. */
  sync: SyncCalls;
  listCustomers(startingAfter: string | undefined): Promise<ListPage<CustomerSnapshot>>;
  /** Every status, canceled included. */
  listSubscriptions(startingAfter: string | undefined): Promise<ListPage<SubscriptionSnapshot>>;
  listInvoices(startingAfter: string | undefined): Promise<ListPage<InvoiceSnapshot>>;
  /** Cards have no account-wide list; undefined when the customer is gone (deleted). */
  listCustomerCards(
    customerId: string,
    startingAfter: string | undefined,
  ): Promise<ListPage<PaymentMethodSnapshot> | undefined>;
}

const PAGE_SIZE = 100;

/**
 * Stripe calls in one mode whose every HTTP request, SDK retries and all, first waits for
 * `beforeRequest`: the backfill's rate limiter sees exactly what Stripe counts.
 */
export function createBackfillCalls(
  settings: Config["stripe"],
  mode: StripeMode,
  beforeRequest: () => Promise<void>,
): BackfillCalls {
  const stripe = createStripeClients(settings, { httpClient: gatedHttpClient(beforeRequest) })[
    mode
  ];
  if (!stripe) throw new StripeModeNotConfiguredError(mode);
  const livemode = mode === "live";
  const after = (startingAfter: string | undefined) => ({
    limit: PAGE_SIZE,
    ...(startingAfter ? { starting_after: startingAfter } : {}),
  });

  return {
    livemode,
    sync: createSyncCalls(stripe, livemode),
    async listCustomers(startingAfter) {
      const page = await callStripe(() =>
        stripe.customers.list({
          ...after(startingAfter),
          expand: ["data.invoice_settings.default_payment_method"],
        }),
      );
      return {
        objects: page.data.map((customer) => toCustomerSnapshot(customer, livemode)),
        hasMore: page.has_more,
        cards: expandedCards(page.data.map((c) => c.invoice_settings?.default_payment_method)),
      };
    },
    async listSubscriptions(startingAfter) {
      const page = await callStripe(() =>
        stripe.subscriptions.list({
          ...after(startingAfter),
          status: "all",
          expand: ["data.default_payment_method"],
        }),
      );
      return {
        objects: page.data.map(toSubscriptionSnapshot),
        hasMore: page.has_more,
        cards: expandedCards(page.data.map((subscription) => subscription.default_payment_method)),
      };
    },
    async listInvoices(startingAfter) {
      const page = await callStripe(() => stripe.invoices.list(after(startingAfter)));
      return { objects: page.data.map(toInvoiceSnapshot), hasMore: page.has_more, cards: [] };
    },
    async listCustomerCards(customerId, startingAfter) {
      try {
        const page = await callStripe(() =>
          stripe.customers.listPaymentMethods(customerId, after(startingAfter)),
        );
        return {
          objects: page.data.map(toPaymentMethodSnapshot),
          hasMore: page.has_more,
          cards: [],
        };
      } catch (error) {
        // A missing cursor is not a missing customer: let the caller start the list over.
        if (error instanceof StripeMissingError && error.param !== "starting_after")
          return undefined;
        throw error;
      }
    },
  };
}

function expandedCards(values: (string | Stripe.PaymentMethod | null | undefined)[]) {
  return values
    .filter((value): value is Stripe.PaymentMethod => typeof value === "object" && value !== null)
    .map(toPaymentMethodSnapshot);
}

/** The SDK's transport, waiting for `beforeRequest` (a rate limiter) before each request. */
export function gatedHttpClient(beforeRequest: () => Promise<void>): Stripe.HttpClient {
  const transport = Stripe.createNodeHttpClient();
  return {
    getClientName: () => transport.getClientName(),
    async makeRequest(...request) {
      await beforeRequest();
      return transport.makeRequest(...request);
    },
  };
}
