import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";

/** An event as the app's receiver got it: verified with `stripe.webhooks.constructEvent`. */
export type ReceivedEvent = Stripe.Event & {
  data: { object: Record<string, unknown>; previous_attributes?: Record<string, unknown> };
};

/**
 * An app's webhook receiver, as an app would write it: a `node:http` server that verifies
 * each request with the official SDK's `stripe.webhooks.constructEvent` and the endpoint's
 * secret, and answers 200, or what the test makes it answer (a 503 while "down"). It can
 * also stop listening altogether and come back on the same port.
 */
export interface WebhookReceiver {
  url: string;
  /** The endpoint's signing secret, once the test has created the endpoint. */
  secret: string;
  /** Events it verified and answered 2xx, in arrival order. */
  accepted: ReceivedEvent[];
  /** The same requests as they came: the raw body and the `Portico-Signature` header. */
  raw: { body: string; signature: string }[];
  /** Requests it answered otherwise (down, or a signature that did not verify). */
  refused: { status: number; reason: string }[];
  /** What it answers verified events with; 200 unless a test says otherwise. */
  answer: number;
  /** How many times each event id was accepted. */
  countsById(): Map<string, number>;
  /** Resolves with the accepted events once `done` holds, or fails after `ms`. */
  waitFor(done: (accepted: ReceivedEvent[]) => boolean, ms?: number): Promise<ReceivedEvent[]>;
  /** Stops listening: connections are refused until `reopen()`. */
  shut(): Promise<void>;
  reopen(): Promise<void>;
  close(): Promise<void>;
}

const readBody = async (request: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
};

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  let server: Server | undefined;
  const receiver: WebhookReceiver = {
    url: "",
    secret: "",
    accepted: [],
    raw: [],
    refused: [],
    answer: 200,
    countsById() {
      const counts = new Map<string, number>();
      for (const event of receiver.accepted) counts.set(event.id, (counts.get(event.id) ?? 0) + 1);
      return counts;
    },
    async waitFor(done, ms = 30_000) {
      const deadline = Date.now() + ms;
      while (!done(receiver.accepted)) {
        if (Date.now() > deadline) {
          throw new Error(
            `the receiver did not get what was expected within ${ms} ms; it accepted ${JSON.stringify(
              receiver.accepted.map((event) => [event.type, event.id]),
            )} and refused ${JSON.stringify(receiver.refused)}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      return receiver.accepted;
    },
    shut: () =>
      new Promise((resolve) => {
        if (!server?.listening) return resolve();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
    reopen: async () => {
      await listen(Number(new URL(receiver.url).port));
    },
    close: () => receiver.shut(),
  };

  const listen = (port: number) =>
    new Promise<number>((resolve) => {
      const listening: Server = createServer(async (request, response) => {
        const body = await readBody(request);
        const refuse = (status: number, reason: string) => {
          receiver.refused.push({ status, reason });
          response.writeHead(status).end();
        };
        if (receiver.answer >= 300) return refuse(receiver.answer, "down");
        const signature = String(request.headers["portico-signature"] ?? "");
        let event: ReceivedEvent;
        try {
          event = Stripe.webhooks.constructEvent(body, signature, receiver.secret) as ReceivedEvent;
        } catch (error) {
          return refuse(400, (error as Error).message);
        }
        receiver.accepted.push(event);
        receiver.raw.push({ body, signature });
        response.writeHead(receiver.answer).end();
      });
      server = listening;
      listening.listen(port, "127.0.0.1", () => resolve((listening.address() as AddressInfo).port));
    });

  receiver.url = `http://127.0.0.1:${await listen(0)}/webhooks/portico`;
  return receiver;
}

/** A clock a test moves by hand: the outbox's backoff is waited out without sleeping. */
export function createTestClock() {
  let offset = 0;
  return {
    /** Real time, plus however far the test moved it. */
    now: () => new Date(Date.now() + offset),
    advance(ms: number) {
      offset += ms;
    },
  };
}
