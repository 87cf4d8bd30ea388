"use client";

import {
  createContext,
  type ReactNode,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from "react";
import { createPorticoClient, type PorticoClient } from "./client/create-client.js";
import { usePageRefresh } from "./hooks/use-page-refresh.js";
import { type MessageOverrides, mergeMessages, type PorticoMessages } from "./messages.js";
import { type BillingStore, createBillingStore } from "./store/create-billing-store.js";
import type { SubjectStore } from "./store/create-subject-store.js";
import { diffSubscription, type SubscriptionChange } from "./store/diff-subscription.js";
import { takeRememberedSubscription } from "./store/remembered-subscription.js";
import { type ReturnKind, takeReturnKind } from "./store/return-from-stripe.js";

export interface PorticoProviderProps {
  /** Where the host app mounts Portico's routes. Default `/api/billing`. */
  basePath?: string;
  /** `"include"` for cookie sessions on another origin. Default `"same-origin"`. */
  credentials?: RequestCredentials;
  /** For bearer-token apps: resolves the current user's token before every request. */
  getToken?: () => Promise<string | null>;
  /** Replaces the global `fetch` (tests, instrumentation). */
  fetch?: typeof fetch;
  /** Text overrides shared by every component below; a component's own `messages` win. */
  messages?: MessageOverrides;
  /** BCP 47 tag for dates and money (`fr`, `en-GB`); default the browser's language. */
  locale?: string;
  /**
   * Also reload the subscription and invoices every this many milliseconds while the tab is
   * visible, for a page that must follow webhooks live. Default: only when the tab is shown.
   */
  refreshInterval?: number;
  /**
   * Bill an organization the signed-in user belongs to instead of the user: every hook and
   * component below acts for it, unless given its own `organizationId`. Changing it reloads;
   * the previous organization's data is never shown for the new one.
   */
  organizationId?: string;
  children?: ReactNode;
}

/** The `organizationId` option of the hooks and components: overrides the provider's. */
export interface BillingSubjectOption {
  /** The organization to act for; default the provider's (or the user, when it has none). */
  organizationId?: string;
}

interface PorticoContextValue {
  basePath: string;
  client: PorticoClient;
  store: BillingStore;
  /** The provider's subject; undefined is the signed-in user. */
  organizationId: string | undefined;
  messages: PorticoMessages;
  locale: string | undefined;
  /**
   * Set once this page load's return from the portal or Checkout has synced, for that
   * subject; `changes` is what the portal changed (empty after Checkout).
   */
  returned: ReturnFromStripe | undefined;
}

interface ReturnFromStripe {
  kind: ReturnKind;
  organizationId: string | undefined;
  changes: SubscriptionChange[];
}

const PorticoContext = createContext<PorticoContextValue | null>(null);

/** Gives the hooks and components below one client and one shared billing state. */
export function PorticoProvider(props: PorticoProviderProps) {
  const basePath = (props.basePath ?? "/api/billing").replace(/\/+$/, "");
  // Read at request time, so an inline `getToken` or `fetch` does not rebuild the client and
  // throw away the loaded state on every render of the host.
  const latest = useRef(props);
  latest.current = props;
  const client = useMemo(
    () =>
      createPorticoClient({
        basePath,
        get credentials() {
          return latest.current.credentials;
        },
        getToken: () => latest.current.getToken?.() ?? Promise.resolve(null),
        fetch: (input, init) => (latest.current.fetch ?? globalThis.fetch)(input, init),
      }),
    [basePath],
  );
  const store = useMemo(() => createBillingStore(client), [client]);
  const { locale, organizationId } = props;
  const [returned, setReturned] = useState<ReturnFromStripe>();

  useEffect(() => {
    const subject = store.forSubject(organizationId);
    const kind = takeReturnKind(organizationId);
    // A subject shown before (a switch back) reloads; a first load stays with its hooks.
    if (!kind) return void subject.subscription.refreshIfLoaded();
    // Taken with the marker, so a reload (marker gone) never diffs against it again.
    const before = kind === "portal" ? takeRememberedSubscription(organizationId) : undefined;
    void subject.syncSubscription().then(() => {
      // The view Stripe just answered: the webhook may not have reached Portico yet.
      const after = subject.subscription.getSnapshot().data;
      const changes = before && after ? diffSubscription(before, after) : [];
      setReturned({ kind, organizationId, changes });
    });
  }, [store, organizationId]);
  usePageRefresh(() => store.refresh(), props.refreshInterval);

  const messages = useMemo(() => mergeMessages(props.messages), [props.messages]);
  const value = useMemo(
    () => ({ basePath, client, store, organizationId, messages, locale, returned }),
    [basePath, client, store, organizationId, messages, locale, returned],
  );
  return <PorticoContext.Provider value={value}>{props.children}</PorticoContext.Provider>;
}

export function usePortico(): PorticoContextValue {
  const value = useContext(PorticoContext);
  if (!value) throw new Error("Portico hooks and components must be inside <PorticoProvider>");
  return value;
}

/**
 * The subject a hook or component acts for (its own `organizationId`, else the provider's)
 * and that subject's store.
 */
export function useBillingSubject(organizationId: string | undefined): {
  organizationId: string | undefined;
  subject: SubjectStore;
} {
  const portico = usePortico();
  const id = organizationId ?? portico.organizationId;
  return { organizationId: id, subject: portico.store.forSubject(id) };
}

/** The provider's messages with a component's own overrides on top. */
export function useMessages(overrides?: MessageOverrides): PorticoMessages {
  const { messages } = usePortico();
  return useMemo(() => mergeMessages(messages, overrides), [messages, overrides]);
}
