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
  "billing_portal.configuration": Wire<Stripe.BillingPortal.Configuration>;
  "billing_portal.session": Wire<Stripe.BillingPortal.Session>;
  event: EmulatorEvent;
};
export type ObjectKind = keyof ObjectTypes;

export type EventListener = (account: Account, event: EmulatorEvent) => void;

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
  eventListeners: ReadonlySet<EventListener>;
};

export type PortalSessionLink = { account: Account; sessionId: string };

export type Store = {
  getAccount(accountId: string, livemode: boolean): Account;
  resetAccount(accountId: string, livemode: boolean): Account;
  /** Portal URLs carry no API key, so their tokens resolve across accounts. */
  portalLinks: Map<string, PortalSessionLink>;
  addEventListener(listener: EventListener): () => void;
};

function createCollections(): Account["collections"] {
  return {
    customer: new Map(),
    product: new Map(),
    price: new Map(),
    subscription: new Map(),
    "billing_portal.configuration": new Map(),
    "billing_portal.session": new Map(),
    event: new Map(),
  };
}

export function createStore(): Store {
  const accounts = new Map<string, Account>();
  const eventListeners = new Set<EventListener>();
  const portalLinks = new Map<string, PortalSessionLink>();

  const createAccount = (id: string, livemode: boolean): Account => ({
    id,
    livemode,
    clock: createClock(),
    collections: createCollections(),
    defaultPortalConfiguration: null,
    latencyMs: 0,
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
      }
      return account;
    },
    resetAccount(accountId, livemode) {
      const previous = accounts.get(keyOf(accountId, livemode));
      for (const [token, link] of portalLinks) {
        if (link.account === previous) portalLinks.delete(token);
      }
      const account = createAccount(accountId, livemode);
      accounts.set(keyOf(accountId, livemode), account);
      return account;
    },
    portalLinks,
    addEventListener(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
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
