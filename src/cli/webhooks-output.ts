import type { CreatedEndpoint } from "../billing/outbox/webhook-endpoints.js";
import type { DeliveryListing } from "../db/webhook-deliveries.js";
import type { WebhookEndpointListing } from "../db/webhook-endpoints.js";
import { truncate } from "./events-output.js";
import { renderTable } from "./text-table.js";

/**
 * How `portico webhooks` and `portico events deliveries` print: an endpoint's secret only
 * once, when it is created; tables otherwise, or JSON.
 */

export function renderCreatedEndpoint(endpoint: CreatedEndpoint): string {
  return (
    `Created webhook endpoint ${endpoint.id} for ${endpoint.url}\n` +
    `  events: ${describeEvents(endpoint.events)}\n\n` +
    `  ${endpoint.secret}\n\n` +
    "Store this signing secret in your app now: it is not shown again.\n" +
    "Each delivery is a POST whose Portico-Signature header verifies with it, e.g.\n" +
    "stripe.webhooks.constructEvent(rawBody, req.headers['portico-signature'], secret).\n"
  );
}

const describeEvents = (events: string[]) => (events.includes("*") ? "all" : events.join(", "));

export function renderEndpointTable(rows: WebhookEndpointListing[]): string {
  if (rows.length === 0) return "No webhook endpoints. `portico webhooks add <url>` adds one.\n";
  return renderTable(
    ["ID", "EVENTS", "PENDING", "FAILED", "CREATED_AT", "URL"],
    rows.map((row) => [
      row.id,
      describeEvents(row.events),
      String(row.pending),
      String(row.failed),
      row.createdAt.toISOString(),
      row.url,
    ]),
  );
}

export function renderDeliveryTable(rows: DeliveryListing[], now: Date): string {
  if (rows.length === 0) return "No deliveries.\n";
  return renderTable(
    ["DELIVERY", "EVENT", "TYPE", "ENDPOINT", "STATUS", "ATTEMPTS", "NEXT_ATTEMPT", "LAST"],
    rows.map((row) => [
      row.id,
      row.eventId,
      row.eventType,
      row.endpointId,
      statusOf(row, now),
      String(row.attempts),
      row.status === "pending" ? row.nextAttemptAt.toISOString() : "-",
      truncate(lastOutcome(row), 60),
    ]),
  );
}

/** `in flight` is a pending delivery some instance holds right now. */
const statusOf = (row: DeliveryListing, now: Date) =>
  row.status === "pending" && row.lockedUntil && row.lockedUntil > now ? "in flight" : row.status;

function lastOutcome(row: DeliveryListing): string {
  if (row.status === "delivered") return `HTTP ${row.lastResponseStatus ?? "2xx"}`;
  return row.lastError ?? (row.attempts === 0 ? "not tried yet" : "");
}

export const renderJson = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
