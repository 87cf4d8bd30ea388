import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { WebhookService } from "../../billing/webhooks.js";
import { PorticoError } from "../../errors.js";
import { limitBodyTo } from "../body-limit.js";
import type { AppEnv } from "../context.js";
import { errorResponses, successEnvelope } from "../schemas/common.js";
import { validationHook } from "../validation.js";

/** Stripe's events are far smaller; anything bigger is not from Stripe. */
export const WEBHOOK_BODY_LIMIT = 1024 * 1024;

export const WebhookReceiptSchema = z
  .object({
    eventId: z.string(),
    status: z.enum(["processed", "queued", "ignored", "duplicate"]),
  })
  .openapi("WebhookReceipt");

const stripeWebhookRoute = createRoute({
  method: "post",
  path: "/stripe",
  tags: ["webhooks"],
  summary: "Receive a Stripe event",
  description:
    "The endpoint to register in Stripe. The raw body must carry a valid `Stripe-Signature` " +
    "(at most 300 s old) from a secret in STRIPE_WEBHOOK_SECRETS or STRIPE_LIVE_WEBHOOK_SECRETS. " +
    "Each event is stored once by id: a redelivery answers `duplicate`, a type Portico does " +
    "not sync answers `ignored`, and an event that cannot be applied answers 500 so that " +
    "Stripe retries it. With SYNC_SOURCE=payload an instance busy applying answers " +
    "`queued` once the event is stored, and applies it right behind the answer.",
  responses: {
    200: {
      description: "Stored (and applied, queued to be applied, ignored, or already known)",
      content: { "application/json": { schema: successEnvelope(WebhookReceiptSchema) } },
    },
    ...errorResponses([400, 413, 500, 503]),
  },
});

/** Stripe's own ceiling, in place of the app-wide one. */
export const limitWebhookBody = limitBodyTo(WEBHOOK_BODY_LIMIT, () => {
  throw new PorticoError(
    "PAYLOAD_TOO_LARGE",
    `Webhook body must be at most ${WEBHOOK_BODY_LIMIT} bytes`,
  );
});

export function createWebhookRoutes(deps: { webhooks: WebhookService }) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.use("/stripe", limitWebhookBody);

  // No body schema on purpose: the signature covers the exact bytes, so nothing may parse
  // (and re-serialise) the body before it is verified.
  return app.openapi(stripeWebhookRoute, async (c) => {
    // The body's text is what Stripe's verifier checks (it decodes bytes as UTF-8 itself).
    const receipt = await deps.webhooks.receiveWebhook(
      await c.req.text(),
      c.req.header("stripe-signature"),
    );
    return c.json({ success: true as const, data: receipt }, 200);
  });
}
