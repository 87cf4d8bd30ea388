"use client";

import type { ReactNode } from "react";
import type { PriceInterval } from "../client/api-types.js";
import type { MessageOverrides } from "../messages.js";
import { useMessages, usePortico } from "../provider.js";
import { returnUrlFor } from "../store/return-from-stripe.js";
import { Alert } from "./alert.js";
import { join } from "./class-names.js";
import { useRedirectAction } from "./use-redirect-action.js";

export interface UpgradeButtonProps {
  /** A paid plan's key in `portico.config.json`. */
  plan: string;
  interval?: PriceInterval;
  /** Where Stripe sends the user after paying, or on cancel; default this page, marked. */
  successUrl?: string;
  cancelUrl?: string;
  messages?: MessageOverrides;
  className?: string;
  /** The label; default `messages.upgrade`. */
  children?: ReactNode;
}

/** Starts Stripe Checkout for a plan; one request at a time, errors said in place. */
export function UpgradeButton(props: UpgradeButtonProps) {
  const { client } = usePortico();
  const messages = useMessages(props.messages);
  const { state, error, alertRef, run } = useRedirectAction(messages);
  const pending = state === "pending";

  const onClick = () =>
    run(async () => {
      const session = await client.createCheckout({
        plan: props.plan,
        ...(props.interval ? { interval: props.interval } : {}),
        successUrl: props.successUrl ?? returnUrlFor("checkout-success"),
        cancelUrl: props.cancelUrl ?? returnUrlFor("checkout-canceled"),
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
        {pending ? messages.openingCheckout : (props.children ?? messages.upgrade)}
      </button>
      <Alert text={error} alertRef={alertRef} />
    </div>
  );
}
