import type Stripe from "stripe";
import { callStripe, StripeMissingError } from "./errors.js";
import {
  toCheckoutSessionSnapshot,
  toCustomerSnapshot,
  toInvoiceSnapshot,
  toPaymentMethodSnapshot,
  toSubscriptionSnapshot,
} from "./snapshots.js";
import type {
  CheckoutSessionSnapshot,
  CustomerSnapshot,
  InvoiceSnapshot,
  PaymentMethodSnapshot,
  SubscriptionSnapshot,
} from "./sync-types.js";

/** The reads subscription sync makes, and the checkout it starts. Undefined: no such object. */
export interface SyncCalls {
  fetchSubscription(id: string): Promise<SubscriptionSnapshot | undefined>;
  fetchCustomer(id: string): Promise<CustomerSnapshot | undefined>;
  fetchPaymentMethod(id: string): Promise<PaymentMethodSnapshot | undefined>;
  fetchInvoice(id: string): Promise<InvoiceSnapshot | undefined>;
  fetchCheckoutSession(id: string): Promise<CheckoutSessionSnapshot | undefined>;
  /** Every subscription of the customer, ended ones included. */
  listSubscriptions(customerId: string): Promise<SubscriptionSnapshot[]>;
  listPaymentMethods(customerId: string): Promise<PaymentMethodSnapshot[]>;
  /** The customer's most recent invoices, newest first. */
  listInvoices(customerId: string, limit: number): Promise<InvoiceSnapshot[]>;
  createCheckoutSession(params: CheckoutSessionParams): Promise<{ id: string; url: string }>;
}

export interface CheckoutSessionParams {
  customerId: string;
  priceId: string;
  /** `client_reference_id`: what `checkout.session.completed` is matched against. */
  clientReferenceId: string;
  /** Who started it, and the organization it is for (team billing). */
  userId: string;
  organizationId: string | null;
  /** The seats of a per-seat plan; 1 otherwise. */
  quantity: number;
  successUrl: string;
  cancelUrl: string;
  trialPeriodDays: number | undefined;
}

const PAGE = { limit: 100 } as const;
const MAX_LISTED = { limit: 1000 } as const;

/** Runs one named Stripe call, translating its errors (and, in the gateway, timing it). */
export type StripeCaller = <T>(operation: string, run: () => Promise<T>) => Promise<T>;

const plainCaller: StripeCaller = (_operation, run) => callStripe(run);

export function createSyncCalls(
  stripe: Stripe,
  livemode: boolean,
  call: StripeCaller = plainCaller,
): SyncCalls {
  /** A retrieve whose `resource_missing` answer becomes undefined. */
  async function retrieve<T>(operation: string, run: () => Promise<T>): Promise<T | undefined> {
    try {
      return await call(operation, run);
    } catch (error) {
      if (error instanceof StripeMissingError) return undefined;
      throw error;
    }
  }

  return {
    async fetchSubscription(id) {
      const found = await retrieve("subscriptions.retrieve", () =>
        stripe.subscriptions.retrieve(id),
      );
      return found && toSubscriptionSnapshot(found);
    },
    async fetchCustomer(id) {
      const found = await retrieve("customers.retrieve", () => stripe.customers.retrieve(id));
      return found && toCustomerSnapshot(found, livemode);
    },
    async fetchPaymentMethod(id) {
      const found = await retrieve("payment_methods.retrieve", () =>
        stripe.paymentMethods.retrieve(id),
      );
      return found && toPaymentMethodSnapshot(found);
    },
    async fetchInvoice(id) {
      const found = await retrieve("invoices.retrieve", () => stripe.invoices.retrieve(id));
      return found && toInvoiceSnapshot(found);
    },
    async fetchCheckoutSession(id) {
      const found = await retrieve("checkout.sessions.retrieve", () =>
        stripe.checkout.sessions.retrieve(id),
      );
      return found && toCheckoutSessionSnapshot(found);
    },
    async listSubscriptions(customerId) {
      const all = await call("subscriptions.list", () =>
        stripe.subscriptions
          .list({ customer: customerId, status: "all", ...PAGE })
          .autoPagingToArray(MAX_LISTED),
      );
      return all.map(toSubscriptionSnapshot);
    },
    async listPaymentMethods(customerId) {
      const all = await call("payment_methods.list", () =>
        stripe.paymentMethods.list({ customer: customerId, ...PAGE }).autoPagingToArray(MAX_LISTED),
      );
      return all.map(toPaymentMethodSnapshot);
    },
    async listInvoices(customerId, limit) {
      const page = await call("invoices.list", () =>
        stripe.invoices.list({ customer: customerId, limit: Math.min(limit, 100) }),
      );
      return page.data.map(toInvoiceSnapshot);
    },
    async createCheckoutSession(params) {
      const metadata = {
        portico_user_id: params.userId,
        ...(params.organizationId ? { portico_organization_id: params.organizationId } : {}),
      };
      const session = await call("checkout.sessions.create", () =>
        stripe.checkout.sessions.create({
          mode: "subscription",
          customer: params.customerId,
          client_reference_id: params.clientReferenceId,
          line_items: [{ price: params.priceId, quantity: params.quantity }],
          metadata,
          subscription_data: {
            metadata,
            ...(params.trialPeriodDays ? { trial_period_days: params.trialPeriodDays } : {}),
          },
          success_url: params.successUrl,
          cancel_url: params.cancelUrl,
        }),
      );
      return { id: session.id, url: session.url ?? "" };
    },
  };
}
