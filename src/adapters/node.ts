import type { IncomingMessage, ServerResponse } from "node:http";
import { getRequestListener } from "@hono/node-server";
import type { Portico } from "../embedded/create-portico.js";

/**
 * A `node:http` request listener for Portico's routes, for apps without a framework:
 * `http.createServer(toNodeListener(portico))`, or call it for the requests under
 * `portico.basePath`. Behind a proxy, `X-Forwarded-Proto` and `Host` must be its own.
 */
export function toNodeListener(
  portico: Pick<Portico, "handler">,
): (request: IncomingMessage, response: ServerResponse) => Promise<void> {
  return getRequestListener((request) => portico.handler(request));
}
