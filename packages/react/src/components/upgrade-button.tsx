"use client";

import type { ReactNode } from "react";
import type { PriceInterval } from "../client/api-types.js";
import { useSubscription } from "../hooks/use-subscription.js";
import type { MessageOverrides } from "../messages.js";
import {
  type BillingSubjectOption,
  useBillingSubject,
  useMessages,
  usePortico,
} from "../provider.js";
import { rememberSubscription } from "../store/remembered-subscription.js";
import { type ReturnKind, returnUrlFor } from "../store/return-from-stripe.js";
import { Alert } from "./alert.js";
import { join } from "./class-names.js";
import { useRedirectAction } from "./use-redirect-action.js";

export interface UpgradeButtonProps extends BillingSubjectOption {
  /** A paid plan's key in `portico.config.json`. */
  plan: string;
  interval?: PriceInterval;
  /** For a per-seat plan: how many seats Checkout starts with (an integer ≥ 1). */
  seats?: number;
  /**
   * The page Stripe sends the user back to (a path or URL), marked so the provider there
   * syncs and says what happened. Default this page.
   */
  returnTo?: string;
  /** Exact URLs for Checkout instead, used as given (unmarked). */
  successUrl?: string;
  cancelUrl?: string;
  messages?: MessageOverrides;
  className?: string;
  /** The label; default `messages.upgrade`. */
  children?: ReactNode;
}

/**
 * Starts Stripe Checkout for a plan; one request at a time, errors said in place. A user
 * who already pays cannot start a second subscription: for them it opens the portal's
 * plan change instead (Stripe's `subscription_update` flow).
 */
export function UpgradeButton(props: UpgradeButtonProps) {
  const { client } = usePortico();
  const { organizationId } = useBillingSubject(props.organizationId);
  const { subscription } = useSubscription({ organizationId });
  const messages = useMessages(props.messages);
  const { state, error, alertRef, run } = useRedirectAction(messages);
  const pending = state === "pending";
  const paying = Boolean(subscription?.plan);

  const subject = organizationId === undefined ? {} : { organizationId };
  const returnUrl = (kind: ReturnKind) => returnUrlFor(kind, props.returnTo, organizationId);
  const onClick = () =>
    run(async () => {
      if (paying) {
        const session = await client.createPortalSession({
          ...subject,
          returnUrl: returnUrl("portal"),
          flow: { type: "subscription_update" },
        });
        rememberSubscription(organizationId, subscription);
        return session.url;
      }
      const session = await client.createCheckout({
        ...subject,
        plan: props.plan,
        ...(props.interval ? { interval: props.interval } : {}),
        ...(props.seats === undefined ? {} : { seats: props.seats }),
        successUrl: props.successUrl ?? returnUrl("checkout-success"),
        cancelUrl: props.cancelUrl ?? returnUrl("checkout-canceled"),
      });
      return session.url;
    });

  return (
    <div className={join("portico-upgrade", props.className)} data-state={state}>
      <button
        type="button"
        className="portico-button portico-button-primary"
        onClick={onClick}
        disabled={pending}
        aria-busy={pending || undefined}
      >
        {pending
          ? paying
            ? messages.openingPortal
            : messages.openingCheckout
          : (props.children ?? messages.upgrade)}
      </button>
      <Alert text={error} alertRef={alertRef} />
    </div>
  );
}
