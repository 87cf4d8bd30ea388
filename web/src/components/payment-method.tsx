import type { Subscription } from "../billing/use-billing.js";
import { formatCardBrand, formatExpiry } from "../format.js";

export function PaymentMethod({ card }: { card: Subscription["paymentMethod"] }) {
  if (!card) return <p className="muted">No payment method on file.</p>;
  return (
    <div className="card-line" data-testid="payment-method">
      <span className="card-chip" aria-hidden="true" />
      <span>
        <span className="card-number">
          {formatCardBrand(card.brand)} •••• {card.last4}
        </span>{" "}
        <span className="muted card-expiry">{formatExpiry(card.expMonth, card.expYear)}</span>
      </span>
    </div>
  );
}
