import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import type { Portico } from "../embedded/create-portico.js";

/** What Express adds to Node's request that this needs; no dependency on express itself. */
interface ExpressRequest extends IncomingMessage {
  originalUrl?: string;
  protocol?: string;
  /** Set by express.json(), express.urlencoded(), express.raw() and express.text(). */
  body?: unknown;
  _body?: boolean;
}

type Next = (error?: unknown) => void;

/**
 * Express middleware for Portico's routes: `app.use(toExpressHandler(portico))`, anywhere
 * (requests outside `portico.basePath` go on to the next handler). Mount it before
 * `express.json()`, or the webhook route cannot check Stripe's signature: the body was
 * already parsed, and re-serialised JSON is never what Stripe signed.
 */
export function toExpressHandler(portico: Pick<Portico, "handler" | "basePath" | "logger">) {
  const webhookPrefix = `${portico.basePath}/webhooks/`;
  return async (req: ExpressRequest, res: ServerResponse, next: Next) => {
    const path = req.originalUrl ?? req.url ?? "/";
    const pathname = path.split("?")[0] ?? "/";
    if (pathname !== portico.basePath && !pathname.startsWith(`${portico.basePath}/`)) {
      return next();
    }
    try {
      const parsed = req._body === true || req.readableEnded;
      if (parsed && pathname.startsWith(webhookPrefix)) {
        portico.logger.error(
          "Portico's webhook route got a body another middleware had already parsed, so Stripe's signature cannot be checked. Mount toExpressHandler(portico) before express.json() (or any body parser).",
        );
        return sendJson(res, 500, {
          success: false,
          error: { code: "INTERNAL_ERROR", message: "Webhook route misconfigured" },
        });
      }
      const response = await portico.handler(toRequest(req, path, parsed));
      await writeResponse(res, response);
    } catch (error) {
      next(error);
    }
  };
}

function toRequest(req: ExpressRequest, path: string, parsed: boolean): Request {
  const protocol = req.protocol ?? "http";
  const url = new URL(path, `${protocol}://${req.headers.host ?? "localhost"}`);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else if (value !== undefined) headers.set(name, value);
  }
  const method = req.method ?? "GET";
  if (method === "GET" || method === "HEAD") return new Request(url, { method, headers });
  if (!parsed) {
    return new Request(url, {
      method,
      headers,
      body: Readable.toWeb(req) as ReadableStream<Uint8Array>,
      duplex: "half",
    } as RequestInit);
  }
  // A parser ran first: its result stands in for the bytes (never for a signed webhook).
  headers.delete("content-length");
  return new Request(url, { method, headers, body: reserialize(req.body, headers) });
}

function reserialize(body: unknown, headers: Headers): BodyInit | null {
  if (body === undefined || body === null) return null;
  if (typeof body === "string" || body instanceof Uint8Array) return body as BodyInit;
  const type = headers.get("content-type") ?? "";
  if (type.includes("application/x-www-form-urlencoded")) {
    return new URLSearchParams(body as Record<string, string>).toString();
  }
  return JSON.stringify(body);
}

async function writeResponse(res: ServerResponse, response: Response) {
  res.statusCode = response.status;
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") res.setHeader(name, value);
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader("set-cookie", cookies);
  res.end(Buffer.from(await response.arrayBuffer()));
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  res.statusCode = status;
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify(body));
}
