import { emitEvent } from "../events.js";
import { requireObject } from "../resources/lookup.js";
import { failAuthentication, failSetupAuthentication } from "./authentication.js";
import type { BillingContext } from "./context.js";
import { markInvoicePaid } from "./invoice-actions.js";
import { findIntentInvoice } from "./invoice-payment-intents.js";
import { type PaymentIntent, succeedPaymentIntent } from "./payment-intents.js";
import { type SetupIntent, succeedSetupIntent } from "./setup-intents.js";
import { settleInvoiceSubscription } from "./subscription-invoicing.js";

/**
 * The end of a 3-D Secure (or a later confirm with another card): when the intent pays an
 * invoice, the invoice is paid (`invoice.paid`) and its subscription becomes `active`; a
 * failure leaves the invoice open with another `invoice.payment_failed`.
 */
export function settleIntentInvoice(context: BillingContext, intent: PaymentIntent): void {
  const { account } = context;
  const invoice = findIntentInvoice(account, intent.id);
  if (invoice?.status !== "open") return;
  if (intent.status === "succeeded") {
    settleInvoiceSubscription(context, markInvoicePaid(context, invoice));
  } else if (intent.status === "requires_payment_method") {
    emitEvent(account, "invoice.payment_failed", invoice, undefined, context);
  }
}

/** What the test page's two buttons do, for a PaymentIntent or a SetupIntent. */
export function completeAuthentication(
  context: BillingContext,
  intentId: string,
  outcome: "complete" | "fail",
): PaymentIntent | SetupIntent {
  if (intentId.startsWith("seti_")) {
    const before = requireObject(context.account, "setup_intent", intentId);
    return outcome === "complete"
      ? succeedSetupIntent(context, intentId, before.payment_method as string)
      : failSetupAuthentication(context, intentId);
  }
  const before = requireObject(context.account, "payment_intent", intentId);
  const after =
    outcome === "complete"
      ? succeedPaymentIntent(context, intentId, before.payment_method as string)
      : failAuthentication(context, intentId);
  settleIntentInvoice(context, after);
  return after;
}
