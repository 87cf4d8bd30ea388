/** Every text the components show, in English; pass a partial `messages` to replace any. */
export const defaultMessages = {
  manageBilling: "Manage billing",
  openingPortal: "Opening billing portal…",
  upgrade: "Upgrade",
  openingCheckout: "Opening checkout…",
  loading: "Loading billing…",
  loadError: "Billing could not be loaded.",
  retry: "Try again",
  genericError: "Something went wrong. Try again.",
  networkError: "Billing can't be reached. Check your connection.",
  /** By error code (`RATE_LIMITED`, `NOT_FOUND`…); otherwise Portico's own message is shown. */
  errors: {} as Partial<Record<string, string>>,
  currentPlan: "Current plan",
  freePlan: "Free",
  renewsOn: (date: string) => `Renews on ${date}`,
  cancelsOn: (date: string) => `Cancels on ${date}`,
  trialEnds: (date: string) => `Trial ends ${date}`,
  seats: (count: number) => (count === 1 ? "1 seat" : `${count} seats`),
  pastDue: "Your last payment failed. Update your payment method to keep your plan.",
  paymentMethod: (brand: string, last4: string) => `${brand} ending in ${last4}`,
  cardExpires: (month: number, year: number) => `Expires ${String(month).padStart(2, "0")}/${year}`,
  /** After the portal, one sentence per change, joined; nothing changed says nothing. */
  portalCanceled: "Your subscription was canceled.",
  portalEnds: (date: string) => `Your subscription will end on ${date}.`,
  portalResumed: "Your subscription will continue.",
  portalPlanChanged: (plan: string) => `You're now on ${plan}.`,
  portalSeatsChanged: (count: number) =>
    count === 1 ? "You now have 1 seat." : `You now have ${count} seats.`,
  portalCardUpdated: (brand: string, last4: string) =>
    `Your card was updated to ${brand} •••• ${last4}.`,
  checkoutSucceeded: "Your subscription is active",
  trialStarted: (date: string) => `Your free trial has started. It ends on ${date}.`,
  checkoutCanceled: "Checkout was canceled. You have not been charged.",
  statuses: {
    active: "Active",
    trialing: "Trialing",
    past_due: "Past due",
    canceled: "Canceled",
    paused: "Paused",
    unpaid: "Unpaid",
    incomplete: "Incomplete",
    incomplete_expired: "Incomplete expired",
  } as Partial<Record<string, string>>,
  monthly: "Monthly",
  annual: "Annual",
  billingInterval: "Billing interval",
  perMonth: "/month",
  perYear: "/year",
  currentPlanBadge: "Current plan",
  choosePlan: (name: string) => `Choose ${name}`,
  notAvailable: (interval: "monthly" | "annual") =>
    `Not available ${interval === "annual" ? "yearly" : "monthly"}`,
  freeTrial: (days: number) => `${days}-day free trial`,
  plansLoadError: "Plans could not be loaded.",
  invoices: "Invoices",
  noInvoices: "No invoices yet.",
  loadMore: "Show more invoices",
  loadMoreError: "More invoices could not be loaded.",
  invoicesLoadError: "Invoices could not be loaded.",
  viewInvoice: "View",
  downloadInvoice: "PDF",
  invoiceNumber: "Number",
  invoiceDate: "Date",
  invoiceAmount: "Amount",
  invoiceStatus: "Status",
};

export type PorticoMessages = typeof defaultMessages;

/** What a `messages` prop accepts: any subset of the defaults. */
export type MessageOverrides = Partial<PorticoMessages>;

export function mergeMessages(...layers: (MessageOverrides | undefined)[]): PorticoMessages {
  let merged = defaultMessages;
  for (const layer of layers) {
    if (!layer) continue;
    merged = {
      ...merged,
      ...layer,
      errors: { ...merged.errors, ...layer.errors },
      statuses: { ...merged.statuses, ...layer.statuses },
    };
  }
  return merged;
}
