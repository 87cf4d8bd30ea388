import type Stripe from "stripe";
import { type Clock, createClock } from "./clock.js";
import type { Wire } from "./wire.js";

/** An event as the emulator records it; `Stripe.Event` itself is a closed union per type. */
export type EmulatorEvent = Stripe.EventBase;

/** Every kind of object the emulator keeps, keyed by its Stripe `object` name. */
export type ObjectTypes = {
  customer: Wire<Stripe.Customer> | Stripe.DeletedCustomer;
  product: Wire<Stripe.Product>;
  price: Wire<Stripe.Price>;
  subscription: Wire<Stripe.Subscription>;
  payment_method: Wire<Stripe.PaymentMethod>;
  invoice: Wire<Stripe.Invoice>;
  invoiceitem: Wire<Stripe.InvoiceItem>;
  setup_intent: Wire<Stripe.SetupIntent>;
  payment_intent: Wire<Stripe.PaymentIntent>;
  "checkout.session": Wire<Stripe.Checkout.Session>;
  /** A session's line items, keyed by the session id: Stripe serves them only on request. */
  "checkout.session.line_items": CheckoutLineItems;
  "billing_portal.configuration": Wire<Stripe.BillingPortal.Configuration>;
  "billing_portal.session": Wire<Stripe.BillingPortal.Session>;
  event: EmulatorEvent;
  /** Holds each endpoint's `secret`; the API shows it only in the create response. */
  webhook_endpoint: Wire<Stripe.WebhookEndpoint>;
  "test_helpers.test_clock": Wire<Stripe.TestHelpers.TestClock>;
};
export type ObjectKind = keyof ObjectTypes;

export type CheckoutLineItems = {
  id: string;
  object: "list";
  data: Wire<Stripe.LineItem>[];
  has_more: false;
  url: string;
  /** `subscription_data` is write-only on a session; completion needs it later. */
  subscription_data: { metadata: Stripe.Metadata; trial_period_days: number | null };
  /** Likewise `payment_intent_data`: `mode=payment` creates its PaymentIntent on completion. */
  payment_intent_data?: CheckoutPaymentIntentData;
};

export type CheckoutPaymentIntentData = {
  description: string | null;
  metadata: Stripe.Metadata;
  receipt_email: string | null;
  setup_future_usage: "off_session" | "on_session" | null;
};

export type EventListener = (account: Account, event: EmulatorEvent) => void;

/** Called for every new account (first use of a key, or a reset), before it serves a request. */
export type AccountListener = (account: Account) => void;

/** One account in one mode: `sk_test_abc` and `sk_live_abc` are two of these. */
export type Account = {
  id: string;
  livemode: boolean;
  clock: Clock;
  /** Maps keep insertion order, which is creation order: lists read them backwards. */
  collections: { [K in ObjectKind]: Map<string, ObjectTypes[K]> };
  /** The configuration "saved in the Dashboard", used when a session names none. */
  defaultPortalConfiguration: string | null;
  /** Artificial latency per API request, so races (e.g. idempotency in flight) can be observed. */
  latencyMs: number;
  /** How long a portal session URL stays usable, measured on the account clock. */
  portalSessionTtlSeconds: number;
  eventListeners: ReadonlySet<EventListener>;
};

export type PortalSessionLink = {
  account: Account;
  sessionId: string;
  /** Set once a deep-link flow finished, so the session URL then opens the homepage. */
  flowCompleted?: boolean;
};

/**
 * Hosted checkout and invoice URLs carry no API key either: the checkout session id, or an
 * invoice's opaque token, resolves the account and the object.
 */
export type HostedLink = { account: Account; objectId: string };

export type StoreOptions = {
  /** Stripe keeps portal URLs short-lived; 5 minutes unless `--portal-session-ttl` says otherwise. */
  portalSessionTtlSeconds?: number;
};

export const DEFAULT_PORTAL_SESSION_TTL_SECONDS = 300;

export type Store = {
  getAccount(accountId: string, livemode: boolean): Account;
  resetAccount(accountId: string, livemode: boolean): Account;
  /** Portal URLs carry no API key, so their tokens resolve across accounts. */
  portalLinks: Map<string, PortalSessionLink>;
  hostedLinks: Map<string, HostedLink>;
  addEventListener(listener: EventListener): () => void;
  listAccounts(): Account[];
  addAccountListener(listener: AccountListener): () => void;
};

function createCollections(): Account["collections"] {
  return {
    customer: new Map(),
    product: new Map(),
    price: new Map(),
    subscription: new Map(),
    payment_method: new Map(),
    invoice: new Map(),
    invoiceitem: new Map(),
    setup_intent: new Map(),
    payment_intent: new Map(),
    "checkout.session": new Map(),
    "checkout.session.line_items": new Map(),
    "billing_portal.configuration": new Map(),
    "billing_portal.session": new Map(),
    event: new Map(),
    webhook_endpoint: new Map(),
    "test_helpers.test_clock": new Map(),
  };
}

export function createStore(options: StoreOptions = {}): Store {
  const accounts = new Map<string, Account>();
  const eventListeners = new Set<EventListener>();
  const accountListeners = new Set<AccountListener>();
  const portalLinks = new Map<string, PortalSessionLink>();
  const hostedLinks = new Map<string, HostedLink>();

  const createAccount = (id: string, livemode: boolean): Account => ({
    id,
    livemode,
    clock: createClock(),
    collections: createCollections(),
    defaultPortalConfiguration: null,
    latencyMs: 0,
    portalSessionTtlSeconds: options.portalSessionTtlSeconds ?? DEFAULT_PORTAL_SESSION_TTL_SECONDS,
    eventListeners,
  });

  const keyOf = (accountId: string, livemode: boolean) =>
    `${accountId}:${livemode ? "live" : "test"}`;

  return {
    getAccount(accountId, livemode) {
      const key = keyOf(accountId, livemode);
      let account = accounts.get(key);
      if (!account) {
        account = createAccount(accountId, livemode);
        accounts.set(key, account);
        for (const listener of accountListeners) listener(account);
      }
      return account;
    },
    resetAccount(accountId, livemode) {
      const previous = accounts.get(keyOf(accountId, livemode));
      for (const [token, link] of portalLinks) {
        if (link.account === previous) portalLinks.delete(token);
      }
      for (const [id, link] of hostedLinks) {
        if (link.account === previous) hostedLinks.delete(id);
      }
      const account = createAccount(accountId, livemode);
      accounts.set(keyOf(accountId, livemode), account);
      for (const listener of accountListeners) listener(account);
      return account;
    },
    portalLinks,
    hostedLinks,
    addEventListener(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    listAccounts: () => [...accounts.values()],
    addAccountListener(listener) {
      accountListeners.add(listener);
      return () => accountListeners.delete(listener);
    },
  };
}

export function findObject<K extends ObjectKind>(
  account: Account,
  kind: K,
  id: string,
): ObjectTypes[K] | undefined {
  return account.collections[kind].get(id);
}

/** Inserts or replaces; replacing keeps the object's place in creation order. */
export function saveObject<K extends ObjectKind>(
  account: Account,
  kind: K,
  object: ObjectTypes[K],
): ObjectTypes[K] {
  account.collections[kind].set(object.id, object);
  return object;
}
