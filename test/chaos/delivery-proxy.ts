import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * Stands between the emulator's webhook deliveries and the Portico instances, as a load
 * balancer would: each delivery goes to an instance picked at random, and some are refused
 * with a 503 before any instance sees them (a dead balancer), which Stripe must retry.
 */

export interface DeliveryProxyStats {
  /** Every POST the emulator made, retries and copies included. */
  received: number;
  /** Answered 503 here, never forwarded. */
  refused: number;
  /** Forwarded per instance index. */
  forwarded: number[];
  /** Instances' answers by HTTP status; 0 when the instance could not be reached. */
  answers: Record<number, number>;
  /** The ids of the events that reached an instance at least once. */
  eventIds: Set<string>;
  /** 200 answers by the receipt's `status` (`processed`, `queued`, `duplicate`, …). */
  receipts: Record<string, number>;
}

export interface DeliveryProxy {
  /** Where the emulator's endpoint should point, e.g. http://127.0.0.1:41234 */
  url: string;
  stats: DeliveryProxyStats;
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function eventIdOf(body: Buffer): string | undefined {
  try {
    const parsed = JSON.parse(body.toString("utf8")) as { id?: unknown };
    return typeof parsed.id === "string" ? parsed.id : undefined;
  } catch {
    return undefined;
  }
}

function receiptStatusOf(text: string): string {
  try {
    const parsed = JSON.parse(text) as { data?: { status?: unknown } };
    return String(parsed.data?.status);
  } catch {
    return "unreadable";
  }
}

export async function startDeliveryProxy(options: {
  /** Origins of the instances, e.g. `http://127.0.0.1:5000`. */
  targets: string[];
  /** Share of deliveries answered 503 without forwarding. */
  refuseRate: number;
  /** In [0, 1): the test's seeded stream. */
  random: () => number;
}): Promise<DeliveryProxy> {
  const { targets, refuseRate, random } = options;
  const stats: DeliveryProxyStats = {
    received: 0,
    refused: 0,
    forwarded: targets.map(() => 0),
    answers: {},
    eventIds: new Set(),
    receipts: {},
  };

  async function forward(request: IncomingMessage, response: ServerResponse) {
    const body = await readBody(request);
    stats.received++;
    if (random() < refuseRate) {
      stats.refused++;
      response.writeHead(503, { "content-type": "text/plain" }).end("refused by the chaos proxy");
      return;
    }
    const index = Math.floor(random() * targets.length);
    stats.forwarded[index] = (stats.forwarded[index] ?? 0) + 1;
    let status = 0;
    try {
      // The exact bytes and the signature header: Portico verifies what Stripe signed.
      const answer = await fetch(`${targets[index]}${request.url ?? "/"}`, {
        method: request.method ?? "POST",
        headers: {
          "content-type": request.headers["content-type"] ?? "application/json",
          "stripe-signature": String(request.headers["stripe-signature"] ?? ""),
        },
        body: new Uint8Array(body),
      });
      status = answer.status;
      const text = await answer.text();
      const type = answer.headers.get("content-type") ?? "text/plain";
      response.writeHead(status, { "content-type": type }).end(text);
      const id = eventIdOf(body);
      if (id) stats.eventIds.add(id);
      if (status === 200) {
        const receipt = receiptStatusOf(text);
        stats.receipts[receipt] = (stats.receipts[receipt] ?? 0) + 1;
      }
    } finally {
      stats.answers[status] = (stats.answers[status] ?? 0) + 1;
    }
  }

  const server = createServer((request, response) => {
    forward(request, response).catch((error: unknown) => {
      // The instance could not be reached, or the emulator gave up on the request.
      if (!response.headersSent) response.writeHead(502, { "content-type": "text/plain" });
      response.end(String(error));
    });
  });
  // The emulator sends many deliveries at once after a shuffle window.
  server.maxConnections = 10_000;
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
