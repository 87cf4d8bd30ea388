import { createDisabledFeatures, type PortalFeatures } from "../resources/portal-features.js";

/**
 * What the Dashboard saves when someone clicks "Save" on the portal settings without
 * changing much: invoices, payment methods, profile edits and end-of-period cancellation on.
 * Plan switching stays off because it needs products chosen by hand.
 */
export function createDashboardFeatures(): PortalFeatures {
  const features = createDisabledFeatures();
  return {
    ...features,
    customer_update: {
      allowed_updates: ["email", "address", "shipping", "phone", "tax_id"],
      enabled: true,
    },
    invoice_history: { enabled: true },
    payment_method_update: { enabled: true, payment_method_configuration: null },
    subscription_cancel: {
      ...features.subscription_cancel,
      cancellation_reason: {
        enabled: true,
        feedback_options: null,
        options: ["too_expensive", "missing_features", "switched_service", "unused", "other"],
      },
      enabled: true,
      mode: "at_period_end",
    },
  };
}
