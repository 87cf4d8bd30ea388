import type { Hono } from "hono";
import { z } from "zod";
import { advanceClock as advanceBillingClock } from "../billing/lifecycle.js";
import { invalidRequest } from "../http/errors.js";
import { formInteger, formString, parseParams } from "../http/params.js";
import { createApiPipeline } from "../http/pipeline.js";
import type { ApiRequest } from "../http/route.js";
import {
  insertPortalConfiguration,
  markDefaultPortalConfiguration,
} from "../resources/portal-configurations.js";
import type { Store } from "../store.js";
import { createDashboardFeatures } from "./dashboard-defaults.js";

/**
 * `/_emulator/*`: things a real account does outside the API (saving portal settings in the
 * Dashboard) and test conveniences. The API key still selects the account and mode.
 */

function savePortalDefault(request: ApiRequest) {
  const params = parseParams(
    z.strictObject({ configuration: formString().optional() }),
    request.params,
  );
  const { account } = request;
  if (params.configuration) return markDefaultPortalConfiguration(account, params.configuration);
  // Saving the Dashboard settings again edits the same default rather than adding one.
  const current = account.defaultPortalConfiguration;
  if (current) return markDefaultPortalConfiguration(account, current);
  const created = insertPortalConfiguration(request, {}, createDashboardFeatures());
  return markDefaultPortalConfiguration(account, created.id);
}

function resetAccount(request: ApiRequest) {
  request.store.resetAccount(request.account.id, request.account.livemode);
  return { reset: true };
}

function dumpState({ account }: ApiRequest) {
  return {
    account: account.id,
    livemode: account.livemode,
    now: account.clock.now(),
    default_portal_configuration: account.defaultPortalConfiguration,
    objects: Object.fromEntries(
      Object.entries(account.collections).map(([kind, objects]) => [kind, [...objects.values()]]),
    ),
  };
}

function setLatency(request: ApiRequest) {
  const params = parseParams(
    z.strictObject({ ms: formInteger({ min: 0, max: 60_000 }) }),
    request.params,
  );
  request.account.latencyMs = params.ms;
  return { latency_ms: params.ms };
}

/** `seconds=` or `to=`; renewals, trial ends and cancellations due on the way happen in order. */
function advanceClock(request: ApiRequest) {
  const schema = z.strictObject({
    seconds: formInteger({ min: 0 }).optional(),
    to: formInteger({ min: 0 }).optional(),
  });
  const params = parseParams(schema, request.params);
  const now = request.account.clock.now();
  const target = params.to ?? now + (params.seconds ?? 0);
  if (target < now) throw invalidRequest("The clock can only move forward.", "to");
  // Work the clock causes is background work: its events carry no request.
  advanceBillingClock({ ...request, requestId: null, idempotencyKey: null }, target);
  return { now: request.account.clock.now() };
}

/** How long this account's portal session URLs stay usable (already open ones included). */
function setPortalSessionTtl(request: ApiRequest) {
  const params = parseParams(z.strictObject({ seconds: formInteger({ min: 1 }) }), request.params);
  request.account.portalSessionTtlSeconds = params.seconds;
  return { portal_session_ttl_seconds: params.seconds };
}

export function registerControlRoutes(app: Hono, store: Store): void {
  app.get("/_emulator/health", (c) => c.json({ ok: true }));
  app.post("/_emulator/portal/default", createApiPipeline(store, savePortalDefault));
  app.post("/_emulator/reset", createApiPipeline(store, resetAccount));
  app.get("/_emulator/state", createApiPipeline(store, dumpState));
  app.post("/_emulator/latency", createApiPipeline(store, setLatency));
  app.post("/_emulator/clock/advance", createApiPipeline(store, advanceClock));
  app.post("/_emulator/portal/session-ttl", createApiPipeline(store, setPortalSessionTtl));
}
