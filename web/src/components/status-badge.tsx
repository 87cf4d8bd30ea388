import { useBillingFormat } from "@portico/react";

/** Stripe's subscription status as a colored badge; the text carries the meaning, not the color. */
export function StatusBadge({ status }: { status: string }) {
  const format = useBillingFormat();
  return (
    <span className={`badge badge-${status.replaceAll("_", "-")}`} data-testid="status-badge">
      {format.status(status)}
    </span>
  );
}
