"use server";

import { redirect } from "next/navigation";
import { PorticoError } from "portico";
import { redirectToPortal } from "portico/next";
import { requireUser } from "@/lib/current-user";
import { billingPageUrl, portico } from "@/lib/portico";

/**
 * The "Manage billing" form's action: a fresh portal session, then a redirect to it.
 * `redirect()` throws NEXT_REDIRECT; only Portico's own errors are caught here, so the
 * redirect still reaches Next.js.
 */
export async function openBillingPortal() {
  const user = await requireUser();
  try {
    await redirectToPortal(portico, {
      userId: user.id,
      email: user.email,
      returnUrl: billingPageUrl(),
    });
  } catch (error) {
    if (error instanceof PorticoError) redirect(`/settings/billing?error=${error.code}`);
    throw error;
  }
}

/** "Subscribe to Pro": a Checkout session on Stripe's hosted page, back here when paid. */
export async function subscribeToPro() {
  const user = await requireUser();
  let url: string;
  try {
    ({ url } = await portico.api.createCheckout({
      userId: user.id,
      email: user.email,
      plan: "pro",
    }));
  } catch (error) {
    if (error instanceof PorticoError) redirect(`/settings/billing?error=${error.code}`);
    throw error;
  }
  redirect(url);
}
