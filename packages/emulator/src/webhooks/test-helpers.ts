import { once } from "node:events";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";
import { newStripeKeys } from "../../../../test/emulator-process.js";
import { type RunningEmulator, type StartEmulatorOptions, startEmulator } from "../server.js";

/** Test-only: an in-process emulator, an SDK client on a fresh account, and control calls. */

export type InProcessEmulator = {
  emulator: RunningEmulator;
  key: string;
  stripe: Stripe;
  /** An SDK client with other options, or on another account's key. */
  sdk(options?: Stripe.StripeConfig, apiKey?: string): Stripe;
  control<T = Record<string, unknown>>(
    method: string,
    path: string,
    params?: Record<string, string>,
  ): Promise<T>;
  close(): Promise<void>;
};

export async function startInProcessEmulator(
  options: StartEmulatorOptions = {},
  key = newStripeKeys().test,
): Promise<InProcessEmulator> {
  const emulator = await startEmulator(options);
  const sdk = (config: Stripe.StripeConfig = {}, apiKey = key) =>
    new Stripe(apiKey, {
      host: "127.0.0.1",
      port: emulator.port,
      protocol: "http",
      maxNetworkRetries: 0,
      ...config,
    });
  return {
    emulator,
    key,
    stripe: sdk(),
    sdk,
    async control(method, path, params = {}) {
      const query = new URLSearchParams(params);
      const response = await fetch(
        `${emulator.url}${path}${method === "GET" && params ? `?${query}` : ""}`,
        {
          method,
          headers: {
            Authorization: `Bearer ${key}`,
            "Content-Type": "application/x-www-form-urlencoded",
          },
          ...(method === "GET" ? {} : { body: query }),
        },
      );
      const body = await response.json();
      if (!response.ok) throw new Error(`${method} ${path}: ${JSON.stringify(body)}`);
      return body;
    },
    close: () => emulator.close(),
  };
}

export type ReceivedWebhook = {
  body: string;
  headers: IncomingHttpHeaders;
  event: { id: string; type: string };
};

/** What the receiver answers to its n-th request (0-based): a status, optionally late. */
export type Responder = (
  received: ReceivedWebhook,
  index: number,
) => { status: number; delayMs?: number };

export type WebhookReceiver = {
  url: string;
  received: ReceivedWebhook[];
  close(): Promise<void>;
};

/** A tiny HTTP server on 127.0.0.1 recording every webhook POST it gets. */
export async function startWebhookReceiver(
  respond: Responder = () => ({ status: 200 }),
): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const entry = { body, headers: request.headers, event: JSON.parse(body) };
      const index = received.push(entry) - 1;
      const { status, delayMs = 0 } = respond(entry, index);
      setTimeout(() => {
        if (!response.destroyed) response.writeHead(status).end("ok");
      }, delayMs);
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
