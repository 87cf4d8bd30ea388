import { and, asc, eq, sql } from "drizzle-orm";
import type { Db } from "./client.js";
import { webhookDeliveries, webhookEndpoints } from "./schema.js";

export type WebhookEndpointRow = typeof webhookEndpoints.$inferSelect;

/** An endpoint as lists show it: never its secret, with its deliveries by status. */
export type WebhookEndpointListing = Omit<WebhookEndpointRow, "secret"> & {
  pending: number;
  failed: number;
};

export async function insertWebhookEndpoint(
  db: Db,
  endpoint: Omit<WebhookEndpointRow, "createdAt">,
): Promise<WebhookEndpointRow> {
  const [row] = await db.insert(webhookEndpoints).values(endpoint).returning();
  if (!row) throw new Error("the endpoint was not stored");
  return row;
}

export async function listWebhookEndpoints(db: Db): Promise<WebhookEndpointListing[]> {
  const count = (status: string) =>
    sql<number>`(select count(*)::int from ${webhookDeliveries} where ${webhookDeliveries.endpointId} = ${webhookEndpoints.id} and ${webhookDeliveries.status} = ${status})`;
  const rows = await db
    .select({
      id: webhookEndpoints.id,
      url: webhookEndpoints.url,
      events: webhookEndpoints.events,
      description: webhookEndpoints.description,
      createdAt: webhookEndpoints.createdAt,
      pending: count("pending"),
      failed: count("failed"),
    })
    .from(webhookEndpoints)
    .orderBy(asc(webhookEndpoints.createdAt), asc(webhookEndpoints.id));
  return rows.map((row) => ({ ...row, pending: Number(row.pending), failed: Number(row.failed) }));
}

/** Removes an endpoint and its deliveries (the events stay); false when there is none. */
export async function deleteWebhookEndpoint(db: Db, id: string): Promise<boolean> {
  const rows = await db
    .delete(webhookEndpoints)
    .where(eq(webhookEndpoints.id, id))
    .returning({ id: webhookEndpoints.id });
  return rows.length > 0;
}

/** Every endpoint's sealed secret, for a master key rotation. */
export function listSealedEndpointSecrets(db: Db): Promise<{ id: string; secret: string }[]> {
  return db
    .select({ id: webhookEndpoints.id, secret: webhookEndpoints.secret })
    .from(webhookEndpoints);
}

/** Swaps a sealed secret only if it is still `previous`; false when it changed or is gone. */
export async function replaceEndpointSecret(
  db: Db,
  id: string,
  previous: string,
  next: string,
): Promise<boolean> {
  const rows = await db
    .update(webhookEndpoints)
    .set({ secret: next })
    .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.secret, previous)))
    .returning({ id: webhookEndpoints.id });
  return rows.length > 0;
}
