import { PorticoError, validationError } from "../errors.js";
import type { BillingConfig } from "./billing-config-schema.js";
import type { BillingSubject } from "./billing-subject.js";
import type { Plan } from "./plans.js";

export type SeatBounds = NonNullable<Plan["seats"]>;

const seatsError = (message: string) =>
  validationError([{ path: ["seats"], location: "body", message }]);

const describeBounds = (bounds: SeatBounds) =>
  bounds.maximum === null
    ? `at least ${bounds.minimum}`
    : `from ${bounds.minimum} to ${bounds.maximum}`;

/** Refuses a seat count outside the plan's bounds, naming them. */
export function checkSeatCount(plan: Plan, seats: number): void {
  if (!plan.seats) throw seatsError(`plan "${plan.key}" is not per-seat`);
  const bounds = plan.seats;
  if (!Number.isInteger(seats) || seats < bounds.minimum || seats > (bounds.maximum ?? Infinity))
    throw seatsError(`seats must be ${describeBounds(bounds)} for plan "${plan.key}"`);
}

/**
 * The quantity a checkout buys: 1 for a plan that is not per-seat; for a per-seat plan the
 * seats asked for, else the organization's members (at least the plan's minimum). An
 * organization larger than the plan allows is refused rather than under-billed.
 */
export async function resolveCheckoutSeats(
  plan: Plan,
  seats: number | undefined,
  subject: BillingSubject,
): Promise<number> {
  if (seats !== undefined) {
    checkSeatCount(plan, seats);
    return seats;
  }
  if (!plan.seats) return 1;
  const members = (await subject.countMembers?.()) ?? null;
  const wanted = Math.max(members ?? plan.seats.minimum, plan.seats.minimum);
  if (plan.seats.maximum !== null && wanted > plan.seats.maximum) {
    throw seatsError(
      `this organization has ${members} members; plan "${plan.key}" allows at most ${plan.seats.maximum} seats`,
    );
  }
  return wanted;
}

export type ProrationBehavior = "always_invoice" | "create_prorations" | "none";

/**
 * Seat changes prorate as the default portal configuration's plan changes do, so a seat
 * bought through the API and one bought in the portal cost the same. Stripe's own default
 * (`create_prorations`) without one.
 */
export function seatProrationBehavior(config: BillingConfig | undefined): ProrationBehavior {
  const portal = config?.portal_configurations.find((candidate) => candidate.default);
  return portal?.features.subscription_update?.proration_behavior ?? "create_prorations";
}

export const noSeatSubscription = () =>
  new PorticoError("CONFLICT", "There is no per-seat subscription to change");
