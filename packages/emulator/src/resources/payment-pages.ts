import { z } from "zod";
import type { CheckoutSession } from "../billing/checkout-build.js";
import { completeCheckoutSession, refreshCheckoutSession } from "../billing/checkout-complete.js";
import { toCardError } from "../billing/invoice-actions.js";
import { invalidRequest } from "../http/errors.js";
import { formInteger, formString, parseParams } from "../http/params.js";
import { type ApiRequest, defineRoute } from "../http/route.js";
import { requireObject } from "./lookup.js";

/**
 * `/v1/payment_pages/{checkout_session_id}` is the private API behind Stripe's hosted
 * Checkout page; Stripe's CLI calls it to complete a session (`stripe trigger
 * checkout.session.completed`). The emulator answers it with the hosted page's own submit,
 * so a session paid here ends exactly as one paid in a browser.
 */

const retrieveSchema = z.strictObject({});
const confirmSchema = z.strictObject({
  payment_method: formString(),
  // What the page showed as due today; Stripe refuses to charge if the session changed since.
  expected_amount: formInteger({ min: 0 }).optional(),
});

/** The page's view of a session: only what the page needs, named as the session names it. */
function toPaymentPage(session: CheckoutSession) {
  return {
    id: session.id,
    object: "checkout.session",
    amount_total: session.amount_total,
    currency: session.currency,
    customer: session.customer,
    customer_email: session.customer_email,
    livemode: session.livemode,
    mode: session.mode,
    payment_status: session.payment_status,
    status: session.status,
    success_url: session.success_url,
  };
}

function retrievePaymentPage(request: ApiRequest) {
  parseParams(retrieveSchema, request.params);
  return toPaymentPage(refreshCheckoutSession(request, request.pathParams.id ?? ""));
}

function confirmPaymentPage(request: ApiRequest) {
  const params = parseParams(confirmSchema, request.params);
  const session = refreshCheckoutSession(request, request.pathParams.id ?? "");
  const paymentMethod = requireObject(
    request.account,
    "payment_method",
    params.payment_method,
    "payment_method",
  );
  const due = session.amount_total ?? 0;
  if (params.expected_amount !== undefined && params.expected_amount !== due) {
    throw invalidRequest(
      `The expected amount (${params.expected_amount}) does not match the amount due (${due}).`,
      "expected_amount",
    );
  }
  const { email, name } = paymentMethod.billing_details;
  const result = completeCheckoutSession(request, session.id, { email, name, paymentMethod });
  if (result.ok) return toPaymentPage(result.session);
  if (result.decline) throw toCardError(result.decline);
  throw invalidRequest(result.message, "payment_method");
}

export const paymentPageRoutes = [
  defineRoute("GET", "/v1/payment_pages/:id", retrievePaymentPage),
  defineRoute("POST", "/v1/payment_pages/:id/confirm", confirmPaymentPage),
];
