/**
 * How the emulator delivers webhooks. Stripe promises neither order nor exactly-once, and
 * retries failures with backoff for days; these settings let a test pick the world it
 * wants to survive, on a compressed schedule.
 */

export const DELIVERY_MODES = ["ordered", "shuffled", "shuffled+duplicated"] as const;
export type DeliveryMode = (typeof DELIVERY_MODES)[number];

export type DeliverySettings = {
  mode: DeliveryMode;
  /** Delay before retry n (1-based) is `retryBaseMs × 2^(n-1)`. */
  retryBaseMs: number;
  /** Attempts in total, the first one included. */
  maxAttempts: number;
  /** A receiver slower than this counts as failed, as Stripe's own timeout does. */
  timeoutMs: number;
  /** Shuffled modes collect events for a random window between these before sending. */
  windowMinMs: number;
  windowMaxMs: number;
};

export const DEFAULT_DELIVERY_SETTINGS: DeliverySettings = {
  mode: "ordered",
  retryBaseMs: 1000,
  maxAttempts: 6,
  timeoutMs: 5000,
  windowMinMs: 50,
  windowMaxMs: 200,
};

export function isDeliveryMode(value: string): value is DeliveryMode {
  return (DELIVERY_MODES as readonly string[]).includes(value);
}

/** The backoff before the attempt after `attempt` failed. */
export function computeRetryDelay(settings: DeliverySettings, attempt: number): number {
  return settings.retryBaseMs * 2 ** (attempt - 1);
}

/** Settings as the control route reports them, in the emulator's snake_case wire style. */
export function describeSettings(settings: DeliverySettings) {
  return {
    mode: settings.mode,
    retry_base_ms: settings.retryBaseMs,
    max_attempts: settings.maxAttempts,
    timeout_ms: settings.timeoutMs,
    window_min_ms: settings.windowMinMs,
    window_max_ms: settings.windowMaxMs,
  };
}
