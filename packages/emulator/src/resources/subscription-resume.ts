import { takePendingProrations } from "../billing/prorations.js";
import {
  collectSubscriptionInvoice,
  issueSubscriptionInvoice,
  periodLines,
  settleSubscription,
} from "../billing/subscription-invoicing.js";
import { diffAttributes, emitEvent } from "../events.js";
import { invalidRequest } from "../http/errors.js";
import { expandObject } from "../http/expand.js";
import { parseParams } from "../http/params.js";
import type { ApiRequest } from "../http/route.js";
import { generateRandomString } from "../ids.js";
import { saveObject } from "../store.js";
import { requireObject } from "./lookup.js";
import { restartPeriods, type Subscription } from "./subscription-changes.js";
import { addInterval, toItemList } from "./subscription-items.js";
import { resumeSubscriptionSchema } from "./subscription-params.js";

type Item = Subscription["items"]["data"][number];

/**
 * `billing_cycle_anchor=unchanged`: the new period runs from now to the next date on the
 * old cycle, and `cycleStart` is where that full cycle began, for prorating.
 */
function alignPeriods(items: readonly Item[], now: number) {
  return items.map((item) => {
    const recurring = item.price.recurring;
    let start = item.current_period_start;
    let end = item.current_period_end;
    while (recurring && end <= now) {
      start = end;
      end = addInterval(end, recurring.interval, recurring.interval_count);
    }
    return { item: { ...item, current_period_start: now, current_period_end: end }, start };
  });
}

/**
 * `POST /v1/subscriptions/:id/resume`: a `paused` subscription becomes `active` and is
 * billed at once (`customer.subscription.resumed`, `customer.subscription.updated`, then
 * the invoice's events). With `billing_cycle_anchor=now` (the default) a full period
 * starts now; with `unchanged` the rest of the old cycle is billed prorated, or not at all
 * with `proration_behavior=none`.
 */
export function resumeSubscription(request: ApiRequest) {
  const { account } = request;
  const params = parseParams(resumeSubscriptionSchema, request.params);
  const before = requireObject(account, "subscription", request.pathParams.id ?? "");
  if (before.status !== "paused") {
    throw invalidRequest(
      `Subscription ${before.id} cannot be resumed because its status is ${before.status}; only paused subscriptions can be resumed.`,
    );
  }
  const now = account.clock.now();
  const keepAnchor = params.billing_cycle_anchor?.type === "unchanged";
  const aligned = keepAnchor ? alignPeriods(before.items.data, now) : null;
  const items = aligned
    ? aligned.map((entry) => entry.item)
    : restartPeriods(before.items.data, now);
  const bill = !keepAnchor || params.proration_behavior !== "none";
  const resumed: Subscription = {
    ...before,
    status: "active",
    billing_cycle_anchor: keepAnchor ? before.billing_cycle_anchor : now,
    items: toItemList(before.id, items),
    latest_invoice: bill ? `in_${generateRandomString(24)}` : before.latest_invoice,
  };
  saveObject(account, "subscription", resumed);
  emitEvent(account, "customer.subscription.resumed", resumed, undefined, request);
  emitEvent(
    account,
    "customer.subscription.updated",
    resumed,
    diffAttributes(before, resumed),
    request,
  );
  if (bill) {
    const period = periodLines(account, resumed, false).map((line, i) => {
      const cycleStart = aligned?.[i]?.start;
      if (cycleStart === undefined) return line;
      const fraction = (line.period.end - now) / (line.period.end - cycleStart);
      return { ...line, amount: Math.round(line.amount * fraction), proration: true };
    });
    // The credit a pause left for unused time is settled by the invoice that resumes.
    const lines = [...takePendingProrations(account, resumed.id), ...period];
    const invoice = issueSubscriptionInvoice(
      request,
      resumed,
      "subscription_update",
      lines,
      resumed.latest_invoice as string,
    );
    const result = collectSubscriptionInvoice(request, resumed, invoice, true);
    settleSubscription(request, resumed.id, result.invoice, "past_due");
  }
  return expandObject(account, requireObject(account, "subscription", before.id), params.expand);
}
