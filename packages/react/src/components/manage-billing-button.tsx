"use client";

import type { FormEvent, ReactNode } from "react";
import type { PortalFlowType } from "../client/api-types.js";
import type { MessageOverrides } from "../messages.js";
import {
  type BillingSubjectOption,
  useBillingSubject,
  useMessages,
  usePortico,
} from "../provider.js";
import { rememberSubscription } from "../store/remembered-subscription.js";
import { returnUrlFor } from "../store/return-from-stripe.js";
import { Alert } from "./alert.js";
import { join } from "./class-names.js";
import { useRedirectAction } from "./use-redirect-action.js";

export interface ManageBillingButtonProps extends BillingSubjectOption {
  /** Opens one task of the portal instead of its home page. */
  flow?: PortalFlowType;
  /**
   * The page Stripe sends the user back to (a path or URL), marked so the provider there
   * syncs and says what happened. Default this page.
   */
  returnTo?: string;
  /** An exact return URL instead, used as given (unmarked); also sent by the no-JS form. */
  returnUrl?: string;
  /** The portal's language (`fr`, `pt-BR`, `auto`…); JavaScript only. */
  locale?: string;
  messages?: MessageOverrides;
  className?: string;
  /** The label, e.g. "Update payment method" with a flow; default `messages.manageBilling`. */
  children?: ReactNode;
}

/**
 * Opens the Stripe customer portal. It is a real form: without JavaScript (or before
 * hydration) the browser posts it and Portico answers 303 to the portal, which needs the
 * session cookie. With JavaScript it posts JSON, so errors are shown here instead.
 */
export function ManageBillingButton(props: ManageBillingButtonProps) {
  const { basePath, client } = usePortico();
  const { organizationId, subject } = useBillingSubject(props.organizationId);
  const messages = useMessages(props.messages);
  const { state, error, alertRef, run } = useRedirectAction(messages);
  const pending = state === "pending";

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void run(async () => {
      const session = await client.createPortalSession({
        ...(organizationId === undefined ? {} : { organizationId }),
        returnUrl: props.returnUrl ?? returnUrlFor("portal", props.returnTo, organizationId),
        ...(props.flow ? { flow: { type: props.flow } } : {}),
        ...(props.locale ? { locale: props.locale } : {}),
      });
      // The no-JS post cannot do this: its return says nothing, as from another tab.
      rememberSubscription(organizationId, subject.subscription.getSnapshot().data);
      return session.url;
    });
  };

  return (
    <form
      method="post"
      action={`${basePath}/portal`}
      onSubmit={onSubmit}
      className={join("portico-manage-billing", props.className)}
      data-state={state}
    >
      {/* Without returnUrl the no-JS post goes back to Portico's default, APP_URL/settings/billing. */}
      {props.returnUrl && <input type="hidden" name="returnUrl" value={props.returnUrl} />}
      {props.flow && <input type="hidden" name="flow" value={props.flow} />}
      {organizationId !== undefined && (
        <input type="hidden" name="organizationId" value={organizationId} />
      )}
      <button
        type="submit"
        className="portico-button portico-button-primary"
        disabled={pending}
        aria-busy={pending || undefined}
      >
        {pending ? messages.openingPortal : (props.children ?? messages.manageBilling)}
      </button>
      <Alert text={error} alertRef={alertRef} />
    </form>
  );
}
