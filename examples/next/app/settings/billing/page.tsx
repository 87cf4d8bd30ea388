import { BillingSettings, InvoiceList, ManageBillingButton, PorticoProvider } from "@portico/react";
import Link from "next/link";
import { requireUser } from "@/lib/current-user";
import { organizationsOf } from "@/lib/organizations";
import { portico } from "@/lib/portico";
import { signOut } from "../../sign-in/actions";
import { openBillingPortal, subscribeToPro } from "./actions";
import "@portico/react/styles.css";

// Read on every request: the subscription changes with Stripe's webhooks, not with deploys.
export const dynamic = "force-dynamic";

/** Statuses in which the user already pays for a plan, so Checkout is not offered. */
const SUBSCRIBED = ["active", "trialing", "past_due"];

/** Dates in UTC, so the server renders the same text wherever it runs. */
const formatDate = (iso: string) =>
  new Intl.DateTimeFormat("en-US", { dateStyle: "long", timeZone: "UTC" }).format(new Date(iso));

export default async function BillingPage({
  searchParams,
}: {
  searchParams: Promise<{ error?: string }>;
}) {
  const user = await requireUser();
  const { error } = await searchParams;
  const forUser = { userId: user.id, email: user.email };
  const [subscription, { plans }] = await Promise.all([
    portico.api.getSubscription(forUser),
    portico.api.listPlans(),
  ]);
  const planName = plans.find((plan) => plan.key === subscription.plan)?.name ?? subscription.plan;
  const subscribed = SUBSCRIBED.includes(subscription.status ?? "");
  const periodEnd = subscription.cancelAt ?? subscription.currentPeriodEnd;

  return (
    <>
      <h1>Billing</h1>
      <p>Signed in as {user.email}.</p>
      <form action={signOut}>
        <button type="submit">Sign out</button>
      </form>
      {error && <p role="alert">Billing failed ({error}). Try again.</p>}
      {organizationsOf(user.id).map((organization) => (
        <p key={organization.id}>
          <Link href={`/orgs/${organization.id}/billing`}>{organization.name} billing</Link>
        </p>
      ))}

      <h2>
        Plan: <span data-testid="plan-name">{planName}</span>
      </h2>
      {subscription.status && (
        <p>
          Status: <span data-testid="status">{subscription.status}</span>
        </p>
      )}
      {subscribed && periodEnd && (
        <p data-testid="renewal">
          {subscription.cancelAtPeriodEnd || subscription.cancelAt
            ? `Cancels on ${formatDate(periodEnd)}`
            : `Renews on ${formatDate(periodEnd)}`}
        </p>
      )}

      {!subscribed && (
        <form action={subscribeToPro}>
          <button type="submit">Subscribe to Pro</button>
        </form>
      )}
      {subscription.hasCustomer && (
        <form action={openBillingPortal}>
          <button type="submit">Manage billing</button>
        </form>
      )}
      <PorticoProvider
        basePath="/api/billing"
        credentials="same-origin"
        messages={{ manageBilling: "Manage billing (fetch)" }}
      >
        {/* @portico/react's button, server-rendered as a real form posting to the mounted
            route; once hydrated it fetches the portal URL and shows failures in place. */}
        {subscription.hasCustomer && <ManageBillingButton />}

        {/* The seeds' whole settings section and invoice list: server-rendered in their
            loading state, then filled in by the browser from the same routes. */}
        <section aria-labelledby="package-heading">
          <h2 id="package-heading">From @portico/react</h2>
          <BillingSettings messages={{ manageBilling: "Manage billing (settings)" }} />
          <InvoiceList />
        </section>
      </PorticoProvider>
    </>
  );
}
