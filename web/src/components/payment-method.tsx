import { type Subscription, useBillingFormat } from "@portico/react";

export function PaymentMethod({ card }: { card: Subscription["paymentMethod"] }) {
  const format = useBillingFormat();
  if (!card) return <p className="muted">No payment method on file.</p>;
  return (
    <div className="card-line" data-testid="payment-method">
      <span className="card-chip" aria-hidden="true" />
      <span>
        <span className="card-number">
          {format.cardBrand(card.brand)} •••• {card.last4}
        </span>{" "}
        <span className="muted card-expiry">{format.cardExpiry(card)}</span>
      </span>
    </div>
  );
}
