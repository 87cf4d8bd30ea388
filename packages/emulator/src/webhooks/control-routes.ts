import type { Hono } from "hono";
import { z } from "zod";
import { createAccountRoute } from "../control/account-route.js";
import { formEnum, formInteger, formString, parseParams } from "../http/params.js";
import type { Store } from "../store.js";
import type { WebhookDeliveries } from "./delivery.js";
import { DELIVERY_MODES, describeSettings } from "./delivery-settings.js";

const settingsSchema = z.strictObject({
  mode: formEnum(DELIVERY_MODES).optional(),
  retry_base_ms: formInteger({ min: 0, max: 86_400_000 }).optional(),
  max_attempts: formInteger({ min: 1, max: 100 }).optional(),
  timeout_ms: formInteger({ min: 1, max: 600_000 }).optional(),
  window_min_ms: formInteger({ min: 0, max: 60_000 }).optional(),
  window_max_ms: formInteger({ min: 0, max: 60_000 }).optional(),
});

const logSchema = z.strictObject({
  event: formString().optional(),
  endpoint: formString().optional(),
  type: formString().optional(),
});

const flushSchema = z.strictObject({
  timeout_ms: formInteger({ min: 0, max: 600_000 }).optional(),
});

/**
 * `/_emulator/webhooks/*`: delivery settings, the delivery log and a flush to wait on.
 * All of them act on the account and mode of the API key.
 */
export function registerWebhookControlRoutes(
  app: Hono,
  store: Store,
  deliveries: WebhookDeliveries,
): void {
  const updateSettings = createAccountRoute(store, ({ account, params }) => {
    const input = parseParams(settingsSchema, params);
    const settings = deliveries.updateSettings(account, {
      ...(input.mode ? { mode: input.mode } : {}),
      ...(input.retry_base_ms !== undefined ? { retryBaseMs: input.retry_base_ms } : {}),
      ...(input.max_attempts !== undefined ? { maxAttempts: input.max_attempts } : {}),
      ...(input.timeout_ms !== undefined ? { timeoutMs: input.timeout_ms } : {}),
      ...(input.window_min_ms !== undefined ? { windowMinMs: input.window_min_ms } : {}),
      ...(input.window_max_ms !== undefined ? { windowMaxMs: input.window_max_ms } : {}),
    });
    return describeSettings(settings);
  });
  app.post("/_emulator/webhooks/mode", updateSettings);
  app.post("/_emulator/webhooks/settings", updateSettings);
  app.get(
    "/_emulator/webhooks/settings",
    createAccountRoute(store, ({ account }) => describeSettings(deliveries.settingsFor(account))),
  );

  app.get(
    "/_emulator/webhooks/deliveries",
    createAccountRoute(store, ({ account, params }) => {
      const filter = parseParams(logSchema, params);
      const data = deliveries.logFor(account).list(filter);
      return { object: "list", data, pending: deliveries.pendingFor(account) };
    }),
  );

  // Waits until the account has nothing queued, in flight or waiting to retry.
  const flush = createAccountRoute(store, async ({ account, params }) => {
    const { timeout_ms: timeoutMs = 30_000 } = parseParams(flushSchema, params);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([deliveries.waitUntilIdle(account), timedOut]);
    clearTimeout(timer);
    const pending = deliveries.pendingFor(account);
    return { idle: pending === 0, pending };
  });
  app.post("/_emulator/webhooks/flush", flush);
  app.get("/_emulator/webhooks/idle", flush);
}
