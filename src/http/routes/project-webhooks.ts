import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { WebhookService } from "../../billing/webhooks.js";
import { PorticoError } from "../../errors.js";
import type { AppEnv } from "../context.js";
import { errorResponses, successEnvelope } from "../schemas/common.js";
import { validationHook } from "../validation.js";
import { limitWebhookBody, WebhookReceiptSchema } from "./webhooks.js";

/**
 * A project's own webhook endpoints, one per mode, as the multi-project contract names them:
 * `/api/v1/payments/stripe/webhooks/{project_id}/{test|live}`. Only this project's secrets of
 * that mode are tried, so an event signed for another project or mode is refused.
 */
/** Where the project webhook URLs start. */
export const PROJECT_WEBHOOK_PREFIX = "/api/v1/payments/stripe/webhooks";

/** The URL to register in the project's Stripe account for one mode, under APP_URL. */
export const projectWebhookUrl = (appUrl: string, projectId: string, mode: "test" | "live") =>
  new URL(`${PROJECT_WEBHOOK_PREFIX}/${encodeURIComponent(projectId)}/${mode}`, appUrl).href;

export const projectWebhookRoute = createRoute({
  method: "post",
  path: "/payments/stripe/webhooks/{project_id}/{mode}",
  tags: ["webhooks"],
  summary: "Receive a project's Stripe event",
  request: {
    params: z.object({ project_id: z.string(), mode: z.enum(["test", "live"]) }),
  },
  responses: {
    200: {
      description: "Stored (and applied, ignored, or already known)",
      content: { "application/json": { schema: successEnvelope(WebhookReceiptSchema) } },
    },
    ...errorResponses([400, 404, 413, 500, 503]),
  },
});

/** The route as the server's own /openapi.json lists it, where it hosts projects. */
export const projectWebhookOperation = {
  ...projectWebhookRoute,
  path: `${PROJECT_WEBHOOK_PREFIX}/{project_id}/{mode}`,
};

export function createProjectWebhookRoutes(deps: { webhooks: WebhookService; projectId: string }) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.use("/payments/stripe/webhooks/*", limitWebhookBody);
  return app.openapi(projectWebhookRoute, async (c) => {
    const { project_id, mode } = c.req.valid("param");
    // The router sends only this project's URL here; anything else is not ours to store.
    if (project_id !== deps.projectId) throw new PorticoError("NOT_FOUND", "Project not found");
    const receipt = await deps.webhooks.receiveWebhook(
      await c.req.text(),
      c.req.header("stripe-signature"),
      mode,
    );
    return c.json({ success: true as const, data: receipt }, 200);
  });
}
