import { z } from "zod";
import { createPendingItems } from "../billing/invoice-items.js";
import { planProration } from "../billing/prorations.js";
import {
  collectSubscriptionInvoice,
  issueSubscriptionInvoice,
} from "../billing/subscription-invoicing.js";
import { onCustomerClock } from "../billing/test-clock-time.js";
import { diffAttributes, emitEvent } from "../events.js";
import { invalidRequest } from "../http/errors.js";
import { expandObject } from "../http/expand.js";
import { expandParam, formEnum, parseParams } from "../http/params.js";
import { type ApiRequest, defineRoute } from "../http/route.js";
import { generateRandomString } from "../ids.js";
import { saveObject } from "../store.js";
import { requireObject } from "./lookup.js";
import type { Subscription } from "./subscription-changes.js";
import { toItemList } from "./subscription-items.js";

const pauseSchema = z.strictObject({
  bill_for: z
    .strictObject({
      outstanding_usage_through: z.strictObject({ type: formEnum(["none", "now"]) }).optional(),
      unused_time_from: z
        .strictObject({ type: formEnum(["none", "now", "item_current_period_start"]) })
        .optional(),
    })
    .optional(),
  expand: expandParam(),
  invoicing_behavior: formEnum(["invoice", "pending_invoice_item"]).optional(),
  type: formEnum(["subscription"]).optional(),
});

type PauseParams = z.output<typeof pauseSchema>;

const PAUSABLE = new Set(["active", "trialing", "past_due"]);

/** The credit for the time the pause leaves unused; a trial has none. */
function planUnusedTimeCredit(request: ApiRequest, before: Subscription, params: PauseParams) {
  const from = params.bill_for?.unused_time_from?.type ?? "now";
  if (from === "none") return [];
  const at =
    from === "now"
      ? request.account.clock.now()
      : Math.min(...before.items.data.map((item) => item.current_period_start));
  const nothingLeft = { ...before, items: toItemList(before.id, []) };
  return planProration(request.account, before, nothingLeft, "create_prorations", at).lines;
}

/**
 * `POST /v1/subscriptions/:id/pause`: the subscription stops billing (`status=paused`,
 * `customer.subscription.paused` then `customer.subscription.updated`) until it is resumed.
 * Unused time is credited as a pending invoice item, or invoiced at once with
 * `invoicing_behavior=invoice`.
 */
function pauseSubscription(request: ApiRequest) {
  const { account } = request;
  const params = parseParams(pauseSchema, request.params);
  const before = requireObject(account, "subscription", request.pathParams.id ?? "");
  if (!PAUSABLE.has(before.status)) {
    throw invalidRequest(
      `Subscription ${before.id} cannot be paused because its status is ${before.status}.`,
    );
  }
  const credit = planUnusedTimeCredit(request, before, params);
  const invoiceNow = params.invoicing_behavior === "invoice" && credit.length > 0;
  const now = account.clock.now();
  const paused: Subscription = {
    ...before,
    status: "paused",
    status_details: {
      paused: {
        subscription: { type: "pause_requested" },
        transitioned_at: now,
        type: "subscription",
      },
    },
    latest_invoice: invoiceNow ? `in_${generateRandomString(24)}` : before.latest_invoice,
  };
  saveObject(account, "subscription", paused);
  emitEvent(account, "customer.subscription.paused", paused, undefined, request);
  emitEvent(
    account,
    "customer.subscription.updated",
    paused,
    diffAttributes(before, paused),
    request,
  );
  if (invoiceNow) {
    const invoice = issueSubscriptionInvoice(
      request,
      paused,
      "subscription_update",
      credit,
      paused.latest_invoice as string,
    );
    // A paused subscription keeps its status whatever the invoice does.
    collectSubscriptionInvoice(request, paused, invoice, false);
  } else if (credit.length > 0) {
    createPendingItems(request, before.customer as string, credit);
  }
  return expandObject(account, requireObject(account, "subscription", before.id), params.expand);
}

const customerOfPath = (request: ApiRequest) =>
  request.account.collections.subscription.get(request.pathParams.id ?? "")?.customer;

export const subscriptionPauseRoutes = [
  defineRoute(
    "POST",
    "/v1/subscriptions/:id/pause",
    onCustomerClock(pauseSubscription, customerOfPath),
  ),
];
