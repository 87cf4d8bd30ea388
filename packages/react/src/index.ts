/**
 * `@portico/react`: hooks and components for Portico's billing routes. This file is the
 * whole public surface; anything not exported here may change.
 */

export type {
  BillingSubject,
  EntitlementValue,
  Invoice,
  InvoicePage,
  PaymentMethod,
  Plan,
  PortalFlowType,
  PriceInterval,
  PriceSummary,
  SeatLimits,
} from "./client/api-types.js";
/** A failed billing request: Portico's `code` (or `NETWORK_ERROR`), HTTP `status`, `message`. */
export { PorticoRequestError } from "./client/request-error.js";
/** A settings-page section: plan, status, next date, Manage billing or Upgrade. */
export { BillingSettings, type BillingSettingsProps } from "./components/billing-settings.js";
/** The user's invoices as a table, with Show more. */
export { InvoiceList, type InvoiceListProps } from "./components/invoice-list.js";
/** Opens the Stripe customer portal; a real form that also works without JavaScript. */
export {
  ManageBillingButton,
  type ManageBillingButtonProps,
} from "./components/manage-billing-button.js";
/** The plans with a monthly/annual switch; each paid plan starts Checkout. */
export { PricingTable, type PricingTableProps } from "./components/pricing-table.js";
/** Starts Stripe Checkout for one plan. */
export { UpgradeButton, type UpgradeButtonProps } from "./components/upgrade-button.js";
/** The components' formats and texts, for a billing page laid out by the host. */
export { type BillingFormat, useBillingFormat } from "./hooks/use-billing-format.js";
/** One entitlement of the user's current plan. */
export { useEntitlement } from "./hooks/use-entitlement.js";
/** The user's (or an organization's) invoices, a page at a time. */
export { type UseInvoicesResult, useInvoices } from "./hooks/use-invoices.js";
/** The configured plans. */
export { usePlans } from "./hooks/use-plans.js";
/** What to say after a return from the portal or Checkout. */
export { useReturnNotice } from "./hooks/use-return-notice.js";
/**
 * The user's (or an organization's) subscription, refreshed on tab focus and on a return
 * from Stripe; `updateSeats` changes a per-seat subscription's quantity.
 */
export { type UseSubscriptionResult, useSubscription } from "./hooks/use-subscription.js";
/** The default English texts, and the type of a `messages` override. */
export { defaultMessages, type MessageOverrides, type PorticoMessages } from "./messages.js";
/**
 * Wraps the billing UI: base path, credentials or token, the subject (`organizationId`) and
 * shared state. `BillingSubjectOption` is the `organizationId` option of hooks and components.
 */
export {
  type BillingSubjectOption,
  PorticoProvider,
  type PorticoProviderProps,
} from "./provider.js";
export type { Subscription } from "./store/to-subscription.js";
