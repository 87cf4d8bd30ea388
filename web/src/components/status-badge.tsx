import { formatStatus } from "../format.js";

/** Stripe's subscription status as a colored badge; the text carries the meaning, not the color. */
export function StatusBadge({ status }: { status: string }) {
  return (
    <span className={`badge badge-${status.replaceAll("_", "-")}`} data-testid="status-badge">
      {formatStatus(status)}
    </span>
  );
}
