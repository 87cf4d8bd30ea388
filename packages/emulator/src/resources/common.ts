import type Stripe from "stripe";
import { z } from "zod";
import { invalidRequest } from "../http/errors.js";

/** Applies a `metadata` parameter: `""` clears everything, an empty value removes one key. */
export function applyMetadata(
  current: Stripe.Metadata | null,
  update: Record<string, string> | "" | undefined,
): Stripe.Metadata {
  if (update === undefined) return { ...current };
  if (update === "") return {};
  const next: Stripe.Metadata = { ...current };
  for (const [key, value] of Object.entries(update)) {
    if (value === "") delete next[key];
    else next[key] = value;
  }
  return next;
}

/** Stripe's emptyable scalars: `""` means "unset", which is stored as null. */
export function emptyToNull<T>(value: T | "" | undefined, fallback: T | null): T | null {
  if (value === undefined) return fallback;
  return value === "" ? null : value;
}

export function assertValidUrl(value: string, param: string): void {
  try {
    const url = new URL(value);
    if (url.protocol === "http:" || url.protocol === "https:") return;
  } catch {
    // fall through to Stripe's error
  }
  throw invalidRequest("Not a valid URL", param, "url_invalid");
}

/**
 * A parameter Stripe accepts that the emulator does not model. Rejecting it loudly beats
 * either "unknown parameter" (untrue) or silently ignoring it (tests would pass wrongly).
 */
export const notEmulated = () =>
  z.unknown().transform((_value, ctx) => {
    ctx.issues.push({
      code: "custom",
      input: ctx.value,
      message: "This parameter is not supported by the Stripe emulator.",
      params: { kind: "not_emulated" },
    });
    return z.NEVER;
  });

export const PRORATION_BEHAVIORS = ["always_invoice", "create_prorations", "none"] as const;

/** Shared by portal cancellation reasons and subscription cancellation feedback. */
export const CANCELLATION_REASONS = [
  "customer_service",
  "low_quality",
  "missing_features",
  "other",
  "switched_service",
  "too_complex",
  "too_expensive",
  "unused",
] as const;
