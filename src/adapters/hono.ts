import type { Context } from "hono";
import type { Portico } from "../embedded/create-portico.js";

/**
 * A Hono handler for Portico's routes: `app.all("/api/billing/*", toHonoHandler(portico))`.
 * The request goes through unread, so the webhook route verifies Stripe's exact bytes.
 */
export function toHonoHandler(portico: Pick<Portico, "handler">) {
  return (c: Context) => portico.handler(c.req.raw);
}
