// Type-checked in the fresh folder against the packed package's .d.ts files.
import { ManageBillingButton, type ManageBillingButtonProps } from "@portico/react";
import { createPortico, type Portico, type PorticoOptions } from "portico";
import { toExpressHandler } from "portico/express";
import { toHonoHandler } from "portico/hono";
import { redirectToPortal, toNextHandlers } from "portico/next";
import { toNodeListener } from "portico/node";

const options: PorticoOptions = { identify: async () => ({ id: "user" }), basePath: "/billing" };
const portico: Portico = createPortico(options);
const handlers: { GET(request: Request): Promise<Response> } = toNextHandlers(portico);
const action: Promise<void> = redirectToPortal(portico, { userId: "user", returnUrl: "/" });

const buttonProps: ManageBillingButtonProps = { flow: "payment_method_update" };

export {
  action,
  buttonProps,
  handlers,
  ManageBillingButton,
  toExpressHandler,
  toHonoHandler,
  toNodeListener,
};

// @ts-expect-error: identify is required.
createPortico({});
