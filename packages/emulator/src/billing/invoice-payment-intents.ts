import type Stripe from "stripe";
import { generateId } from "../ids.js";
import type { Account } from "../store.js";
import type { Wire } from "../wire.js";
import { requireAuthentication } from "./authentication.js";
import type { BillingContext } from "./context.js";
import type { Invoice } from "./invoice-build.js";
import { createPaymentIntent, type PaymentIntent } from "./payment-intents.js";

/**
 * The PaymentIntent behind an invoice payment that needs 3-D Secure. The emulator charges
 * invoices directly and makes an intent only when the customer has to act, because that is
 * when an integration needs one: since API version 2025-03-31 it is reached through the
 * invoice's `payments` (an `invoice_payment` naming the intent) and `confirmation_secret`.
 */

type InvoicePayment = Wire<Stripe.InvoicePayment>;

function intentIdOf(invoice: Invoice): string | null {
  const payment = invoice.payments?.data[0]?.payment.payment_intent;
  return typeof payment === "string" ? payment : (payment?.id ?? null);
}

export function findInvoiceIntent(account: Account, invoice: Invoice): PaymentIntent | undefined {
  const id = intentIdOf(invoice);
  return id ? account.collections.payment_intent.get(id) : undefined;
}

/** The invoice a PaymentIntent pays, if any. */
export function findIntentInvoice(account: Account, intentId: string): Invoice | undefined {
  for (const invoice of account.collections.invoice.values()) {
    if (intentIdOf(invoice) === intentId) return invoice;
  }
  return undefined;
}

function buildInvoicePayment(account: Account, invoice: Invoice, intent: PaymentIntent) {
  return {
    id: generateId("inpay"),
    object: "invoice_payment",
    amount_paid: null,
    amount_requested: intent.amount,
    created: account.clock.now(),
    currency: intent.currency,
    invoice: invoice.id,
    is_default: true,
    livemode: account.livemode,
    payment: { type: "payment_intent", payment_intent: intent.id },
    status: "open",
    status_transitions: { canceled_at: null, paid_at: null },
  } satisfies InvoicePayment;
}

/**
 * Puts the invoice's intent (made on first need, reused after) in `requires_action` with
 * the card, and returns the invoice fields that name it. A subscription's intent asks for
 * `setup_future_usage=off_session`, as Stripe's do, so authenticating the first payment
 * sets an "authenticate unless set up" card up for the renewals.
 */
export function requestInvoiceAuthentication(
  context: BillingContext,
  invoice: Invoice,
  paymentMethodId: string,
): Pick<Invoice, "payments" | "confirmation_secret"> {
  const { account } = context;
  const subscription = invoice.parent?.subscription_details?.subscription ?? null;
  const intent =
    findInvoiceIntent(account, invoice) ??
    createPaymentIntent(context, {
      amount: invoice.amount_remaining,
      currency: invoice.currency,
      customer: typeof invoice.customer === "string" ? invoice.customer : null,
      paymentMethod: paymentMethodId,
      description: subscription
        ? invoice.billing_reason === "subscription_create"
          ? "Subscription creation"
          : "Subscription update"
        : null,
      metadata: {},
      receiptEmail: null,
      setupFutureUsage: subscription ? "off_session" : null,
      shipping: null,
    });
  const waiting = requireAuthentication(context, intent, paymentMethodId, null);
  const payment = buildInvoicePayment(account, invoice, waiting);
  return {
    payments: invoice.payments ?? {
      object: "list",
      data: [payment],
      has_more: false,
      url: `/v1/invoice_payments?invoice=${invoice.id}`,
    },
    confirmation_secret: { client_secret: waiting.client_secret ?? "", type: "payment_intent" },
  };
}

/** The invoice's payment record once the money has moved (nothing when it has none). */
export function markInvoicePaymentPaid(invoice: Invoice, now: number): Partial<Invoice> {
  if (!invoice.payments) return {};
  const data = invoice.payments.data.map((payment) => ({
    ...payment,
    amount_paid: payment.amount_requested,
    status: "paid",
    status_transitions: { ...payment.status_transitions, paid_at: now },
  }));
  return { payments: { ...invoice.payments, data } };
}
