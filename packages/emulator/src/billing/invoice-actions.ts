import { emitEvent } from "../events.js";
import { invalidRequest, StripeApiError } from "../http/errors.js";
import { generateRandomString } from "../ids.js";
import { requireLiveCustomer, requireObject } from "../resources/lookup.js";
import { saveObject } from "../store.js";
import { attemptCharge } from "./charges.js";
import type { BillingContext } from "./context.js";
import { buildDraftInvoice, type Invoice, type InvoiceInput } from "./invoice-build.js";
import {
  findInvoiceIntent,
  markInvoicePaymentPaid,
  requestInvoiceAuthentication,
} from "./invoice-payment-intents.js";
import { succeedPaymentIntent } from "./payment-intents.js";
import type { CardDecline } from "./test-cards.js";

/**
 * Stripe's Smart Retries pick retry times itself; the emulator uses a fixed schedule
 * instead: after a failed automatic charge it retries 3, then 5, then 7 days later. When
 * the third retry fails there is no next attempt, and the subscription's dunning ends
 * (see `retryDuePayments` in lifecycle.ts).
 */
const RETRY_DELAYS_SECONDS = [3, 5, 7].map((days) => days * 86_400);

/** When a failed invoice with `attemptCount` attempts is tried next, or null when never. */
function nextRetryAt(now: number, attemptCount: number): number | null {
  const delay = RETRY_DELAYS_SECONDS[attemptCount - 1];
  return delay === undefined ? null : now + delay;
}

export type PaymentResult = {
  invoice: Invoice;
  decline: CardDecline | null;
  /** The charge stopped for 3-D Secure; the invoice's PaymentIntent is in `requires_action`. */
  requiresAction?: boolean;
};

/** Saves a draft invoice (with any fields its creator sets) and records `invoice.created`. */
export function insertDraftInvoice(
  context: BillingContext,
  input: InvoiceInput,
  overrides: Partial<Invoice> = {},
): Invoice {
  const draft = { ...buildDraftInvoice(context.account, input), ...overrides };
  const invoice = saveObject(context.account, "invoice", draft);
  emitEvent(context.account, "invoice.created", invoice, undefined, context);
  return invoice;
}

export function assertStatus(invoice: Invoice, allowed: readonly string[], action: string): void {
  if (allowed.includes(invoice.status ?? "")) return;
  throw invalidRequest(
    `You can only ${action} an invoice that is ${allowed.join(" or ")}; this invoice is ${invoice.status}.`,
    undefined,
    "invoice_not_editable",
  );
}

/** Hosted URLs use an opaque token, as Stripe's do, that resolves without an API key. */
function createHostedUrls(context: BillingContext, invoiceId: string) {
  const token = `inv_${generateRandomString(32)}`;
  context.store.hostedLinks.set(token, { account: context.account, objectId: invoiceId });
  const base = `${context.origin}/i/${token}`;
  return { hosted_invoice_url: base, invoice_pdf: `${base}/pdf` };
}

/** Draft → open: gives the invoice its number (`<prefix>-0001`) and hosted URLs. */
export function finalizeInvoice(context: BillingContext, invoiceId: string): Invoice {
  const { account } = context;
  const before = requireObject(account, "invoice", invoiceId);
  assertStatus(before, ["draft"], "finalize");
  const customerId = typeof before.customer === "string" ? before.customer : "";
  const customer = requireLiveCustomer(account, customerId);
  const sequence = customer.next_invoice_sequence ?? 1;
  saveObject(account, "customer", { ...customer, next_invoice_sequence: sequence + 1 });
  const now = account.clock.now();
  const invoice = saveObject(account, "invoice", {
    ...before,
    ...createHostedUrls(context, before.id),
    number: `${customer.invoice_prefix}-${String(sequence).padStart(4, "0")}`,
    status: "open",
    effective_at: now,
    status_transitions: { ...before.status_transitions, finalized_at: now },
  });
  emitEvent(account, "invoice.finalized", invoice, undefined, context);
  return invoice;
}

/** Charges an open invoice: `paid` on success, `open` with a failed attempt on a decline. */
export function payInvoice(
  context: BillingContext,
  invoiceId: string,
  options: { paymentMethod?: string; outOfBand?: boolean; retry?: boolean } = {},
): PaymentResult {
  const { account } = context;
  const before = requireObject(account, "invoice", invoiceId);
  assertStatus(before, ["open"], "pay");
  const now = account.clock.now();
  const outcome = options.outOfBand
    ? ({ ok: true, paymentMethod: null } as const)
    : attemptCharge(account, before, options.paymentMethod);
  const attempted = {
    ...before,
    attempted: true,
    attempt_count: before.attempt_count + (options.outOfBand ? 0 : 1),
  };
  if (!outcome.ok && outcome.decline === null) {
    // Stripe sends both: the attempt failed, and the customer can rescue it by authenticating.
    // Retrying without the customer would only ask again, so no retry is scheduled.
    const waiting = saveObject(account, "invoice", {
      ...attempted,
      ...requestInvoiceAuthentication(context, attempted, outcome.paymentMethod),
      next_payment_attempt: null,
    });
    emitEvent(account, "invoice.payment_failed", waiting, undefined, context);
    emitEvent(account, "invoice.payment_action_required", waiting, undefined, context);
    return { invoice: waiting, decline: null, requiresAction: true };
  }
  if (!outcome.ok) {
    const failed = saveObject(account, "invoice", {
      ...attempted,
      next_payment_attempt: options.retry ? nextRetryAt(now, attempted.attempt_count) : null,
    });
    emitEvent(account, "invoice.payment_failed", failed, undefined, context);
    return { invoice: failed, decline: outcome.decline };
  }
  // Paid another way while a 3-D Secure attempt waited: that intent carries this payment.
  const waiting = findInvoiceIntent(account, before);
  if (waiting?.status === "requires_action" && outcome.paymentMethod) {
    succeedPaymentIntent(context, waiting.id, outcome.paymentMethod);
  }
  const paid = markInvoicePaid(context, attempted, options.outOfBand ?? false);
  return { invoice: paid, decline: null };
}

/** Open → paid with `invoice.paid` and `invoice.payment_succeeded`. */
export function markInvoicePaid(context: BillingContext, before: Invoice, outOfBand = false) {
  const now = context.account.clock.now();
  const paid = saveObject(context.account, "invoice", {
    ...before,
    amount_paid: before.amount_remaining,
    amount_remaining: 0,
    next_payment_attempt: null,
    ...markInvoicePaymentPaid(before, now),
    status: "paid",
    status_transitions: { ...before.status_transitions, paid_at: now },
    ...(outOfBand ? { amount_paid_off_stripe: before.amount_remaining } : {}),
  });
  emitEvent(context.account, "invoice.paid", paid, undefined, context);
  emitEvent(context.account, "invoice.payment_succeeded", paid, undefined, context);
  return paid;
}

/** Open → void (a mistake) or uncollectible (written off); both stop further attempts. */
export function closeInvoice(
  context: BillingContext,
  invoiceId: string,
  status: "void" | "uncollectible",
): Invoice {
  const { account } = context;
  const before = requireObject(account, "invoice", invoiceId);
  assertStatus(before, ["open"], status === "void" ? "void" : "mark uncollectible");
  const now = account.clock.now();
  const transition = status === "void" ? { voided_at: now } : { marked_uncollectible_at: now };
  const after = saveObject(account, "invoice", {
    ...before,
    status,
    next_payment_attempt: null,
    ...(status === "void" ? { amount_remaining: 0 } : {}),
    status_transitions: { ...before.status_transitions, ...transition },
  });
  const type = status === "void" ? "invoice.voided" : "invoice.marked_uncollectible";
  emitEvent(account, type, after, undefined, context);
  return after;
}

/** Stripe's 402 when paying an invoice through the API needs the customer's 3-D Secure. */
export function toActionRequiredError(): StripeApiError {
  return new StripeApiError(
    "This payment requires additional user action before it can be completed successfully. Payment can be completed using the PaymentIntent associated with the invoice.",
    { status: 402, type: "card_error", code: "invoice_payment_intent_requires_action" },
  );
}

/** Stripe's 402 for a declined invoice payment made through the API. */
export function toCardError(decline: CardDecline): StripeApiError {
  return new StripeApiError(decline.message, {
    status: 402,
    type: "card_error",
    code: decline.code,
    declineCode: decline.decline_code,
  });
}
