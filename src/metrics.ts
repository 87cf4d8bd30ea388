import {
  AggregatorRegistry,
  Counter,
  collectDefaultMetrics,
  Gauge,
  Histogram,
  Registry,
} from "prom-client";
import type { StripeMode } from "./config.js";
import type { StripeCallMetrics, StripeCallOutcome } from "./stripe/call-metrics.js";

/**
 * Portico's Prometheus metrics. Each call makes its own Registry (never
 * prom-client's global one), so several apps in one process (tests, sibling
 * instances) keep separate counts. Domain code sees only the small `observe…`
 * functions; nothing else imports prom-client.
 */

export interface HttpRequestObservation {
  /** The matched route pattern (`/api/billing/portal`), never the raw URL: bounded cardinality. */
  route: string;
  method: string;
  status: number;
  seconds: number;
}

/** A webhook delivery's outcome, or `failed`: stored but not applied (Stripe retries it). */
export type WebhookEventOutcome = "processed" | "ignored" | "duplicate" | "failed";

/** Inbox events not yet applied, by status: how many, and the age of the oldest. */
export interface InboxBacklog {
  status: "processing" | "failed";
  count: number;
  oldestAgeSeconds: number;
}

/** An outgoing webhook attempt: delivered (2xx), retrying (failed, due again), failed for good. */
export type OutgoingWebhookOutcome = "delivered" | "retrying" | "failed";

/** Outgoing webhook deliveries not yet delivered, by status. */
export interface DeliveryBacklog {
  status: "pending" | "failed";
  count: number;
  oldestAgeSeconds: number;
}

export interface Metrics extends StripeCallMetrics {
  enabled: boolean;
  observeHttpRequest(request: HttpRequestObservation): void;
  portalSessionCreated(mode: StripeMode, flowType: string | undefined): void;
  webhookEvent(type: string, outcome: WebhookEventOutcome): void;
  /** Read at each scrape (a query on the inbox's status index). */
  watchInboxBacklog(read: () => Promise<InboxBacklog[]>): void;
  outgoingWebhook(outcome: OutgoingWebhookOutcome): void;
  /** Read at each scrape, as the inbox's backlog is. */
  watchDeliveryBacklog(read: () => Promise<DeliveryBacklog[]>): void;
  /** Rows the retention worker deleted from `table`. */
  rowsPruned(table: string, rows: number): void;
  /**
   * Other registries to expose with this one (each hosted project's, labelled `project`),
   * read at each scrape.
   */
  includeOnScrape(read: () => readonly Metrics[]): void;
  /** This registry's series, gauges refreshed, for a combined scrape. */
  collect(): Promise<object[]>;
  /** The exposition text and its content type, for `GET /metrics`. */
  render(): Promise<{ contentType: string; body: string }>;
}

/** Seconds; Stripe calls and portal requests sit between 50 ms and a few seconds. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

const KNOWN_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/**
 * `project`: a hosted project's registry. Its series carry `project="<id>"` (one value per
 * project the operator created: bounded), and the process metrics stay the server's alone.
 */
export function createMetrics(options: { enabled: boolean; project?: string }): Metrics {
  if (!options.enabled) return disabledMetrics;
  const registry = new Registry();
  if (options.project) registry.setDefaultLabels({ project: options.project });
  else collectDefaultMetrics({ register: registry });
  const observeTimed = timedCounter(registry);

  const observeHttp = observeTimed(
    ["portico_http_requests_total", "portico_http_request_duration_seconds"],
    "HTTP requests answered, by route pattern, method and status",
    ["route", "method", "status"],
  );
  const observeStripe = observeTimed(
    ["portico_stripe_requests_total", "portico_stripe_request_duration_seconds"],
    "Stripe API calls (e.g. billing_portal.sessions.create) by outcome; latency includes the SDK's retries",
    ["operation", "outcome"],
  );

  // --- Billing -------------------------------------------------------------------
  const portalSessions = new Counter({
    name: "portico_portal_sessions_created_total",
    help: "Customer-portal sessions created, by flow type (none: the portal's home) and mode",
    labelNames: ["flow_type", "mode"] as const,
    registers: [registry],
  });

  // --- Webhooks ------------------------------------------------------------------
  const webhookEvents = new Counter({
    name: "portico_webhook_events_total",
    help: "Stripe webhook deliveries by event type and outcome (processed, ignored, duplicate, failed)",
    labelNames: ["type", "outcome"] as const,
    registers: [registry],
  });
  let readIncluded: () => readonly Metrics[] = () => [];
  const inbox = backlogGauges<InboxBacklog>(registry, ["processing", "failed"], {
    count: ["portico_webhook_unprocessed_events", "Inbox events not yet applied, by status"],
    oldest: [
      "portico_webhook_oldest_unprocessed_age_seconds",
      "Age of the oldest inbox event not yet applied: processing (in hand or abandoned) or failed (waiting for a retry)",
    ],
  });

  // --- Outgoing webhooks -----------------------------------------------------------
  const outgoing = new Counter({
    name: "portico_outgoing_webhook_attempts_total",
    help: "Outgoing webhook delivery attempts by outcome (delivered, retrying, failed: gave up)",
    labelNames: ["outcome"] as const,
    registers: [registry],
  });
  const deliveries = backlogGauges<DeliveryBacklog>(registry, ["pending", "failed"], {
    count: [
      "portico_outgoing_webhook_deliveries",
      "Outgoing webhook deliveries not delivered, by status: pending (due, waiting to retry, in flight) or failed (gave up)",
    ],
    oldest: [
      "portico_outgoing_webhook_oldest_age_seconds",
      "Age of the oldest outgoing webhook delivery not delivered, by status",
    ],
  });
  // --- Retention ---------------------------------------------------------------------
  const pruned = new Counter({
    name: "portico_retention_deleted_rows_total",
    help: "Rows deleted once done with (see RETENTION_*), by table",
    labelNames: ["table"] as const,
    registers: [registry],
  });
  const refreshBacklogs = () => Promise.all([inbox.refresh(), deliveries.refresh()]);

  async function collect() {
    await refreshBacklogs();
    return registry.getMetricsAsJSON();
  }

  return {
    enabled: true,
    observeHttpRequest({ route, method, status, seconds }) {
      const known = KNOWN_METHODS.has(method) ? method : "OTHER";
      observeHttp({ route, method: known, status: String(status) }, seconds);
    },
    observeStripeCall(operation: string, outcome: StripeCallOutcome, seconds: number) {
      observeStripe({ operation, outcome }, seconds);
    },
    portalSessionCreated(mode, flowType) {
      portalSessions.inc({ flow_type: flowType ?? "none", mode });
    },
    webhookEvent(type, outcome) {
      webhookEvents.inc({ type, outcome });
    },
    watchInboxBacklog: inbox.watch,
    outgoingWebhook(outcome) {
      outgoing.inc({ outcome });
    },
    watchDeliveryBacklog: deliveries.watch,
    rowsPruned(table, rows) {
      pruned.inc({ table }, rows);
    },
    includeOnScrape(read) {
      readIncluded = read;
    },
    collect,
    async render() {
      const included = readIncluded();
      if (included.length === 0) {
        await refreshBacklogs();
        return { contentType: registry.contentType, body: await registry.metrics() };
      }
      // Series of one name from several registries become one family; their labels differ
      // by `project`, so nothing is summed together.
      const all = await Promise.all([collect(), ...included.map((other) => other.collect())]);
      const combined = AggregatorRegistry.aggregate(all);
      return { contentType: registry.contentType, body: await combined.metrics() };
    },
  };
}

/**
 * Two gauges by `status` (how many rows, the age of the oldest) fed by one query, read at
 * each scrape. A failed read keeps the last values: the database is down, and /readyz says so.
 */
function backlogGauges<Row extends { status: string; count: number; oldestAgeSeconds: number }>(
  registry: Registry,
  statuses: readonly Row["status"][],
  names: { count: [string, string]; oldest: [string, string] },
) {
  const gauge = ([name, help]: [string, string]) =>
    new Gauge({ name, help, labelNames: ["status"] as const, registers: [registry] });
  const count = gauge(names.count);
  const oldest = gauge(names.oldest);
  let read: (() => Promise<Row[]>) | undefined;
  return {
    watch(reader: () => Promise<Row[]>) {
      read = reader;
    },
    async refresh() {
      const rows = read ? await read().catch(() => undefined) : [];
      if (!rows) return;
      for (const status of statuses) {
        const row = rows.find((candidate) => candidate.status === status);
        count.set({ status }, row?.count ?? 0);
        oldest.set({ status }, row?.oldestAgeSeconds ?? 0);
      }
    },
  };
}

/** A `…_total` counter and a `…_duration_seconds` histogram with the same labels, fed together. */
function timedCounter(registry: Registry) {
  return <Label extends string>(
    [total, duration]: [string, string],
    help: string,
    labelNames: Label[],
  ) => {
    const registers = [registry];
    const counter = new Counter({ name: total, help, labelNames, registers });
    const histogram = new Histogram({
      name: duration,
      help: `${help}: seconds`,
      labelNames,
      buckets: LATENCY_BUCKETS,
      registers,
    });
    return (labels: Record<Label, string>, seconds: number) => {
      counter.inc(labels);
      histogram.observe(labels, seconds);
    };
  };
}

const disabledMetrics: Metrics = {
  enabled: false,
  observeHttpRequest: () => {},
  observeStripeCall: () => {},
  portalSessionCreated: () => {},
  webhookEvent: () => {},
  watchInboxBacklog: () => {},
  outgoingWebhook: () => {},
  watchDeliveryBacklog: () => {},
  rowsPruned: () => {},
  includeOnScrape: () => {},
  collect: () => Promise.resolve([]),
  render: () => Promise.resolve({ contentType: "text/plain", body: "" }),
};
