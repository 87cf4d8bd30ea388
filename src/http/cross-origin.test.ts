import { OpenAPIHono } from "@hono/zod-openapi";
import { cors } from "hono/cors";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import { describe, expect, it } from "vitest";
import { PorticoError } from "../errors.js";
import { allowCrossOrigins, CORS_OPTIONS } from "./cross-origin.js";
import { renderErrors } from "./request-pipeline.js";

const ALLOWED = "https://app.example.com";
const isAllowed = (origin: string) => origin === ALLOWED;
const EXCEPT = ["/api/webhooks/*"];

/** An app like Portico's, with the CORS middleware under test. */
function appWith(middleware: "ours" | "hono") {
  const app = new OpenAPIHono();
  app.use(requestId({ generator: () => "req_1" }));
  app.use(secureHeaders());
  app.use(
    "/api/*",
    middleware === "ours"
      ? allowCrossOrigins(isAllowed, EXCEPT)
      : async (c, next) =>
          c.req.path.startsWith("/api/webhooks/")
            ? next()
            : cors({
                origin: (origin) => (origin && isAllowed(origin) ? origin : null),
                ...CORS_OPTIONS,
                credentials: false,
              })(c, next),
  );
  app.get("/api/json", (c) => c.json({ ok: true }));
  app.post("/api/redirect", (c) => c.redirect("https://billing.stripe.com/p/session", 303));
  app.get("/api/fails", () => {
    throw new PorticoError("RATE_LIMITED", "slow down", { retryAfter: 3 });
  });
  app.post("/api/webhooks/stripe", (c) => c.json({ received: true }));
  renderErrors(app as never);
  return app;
}

const requests: [string, string, Record<string, string>][] = [];
for (const origin of [ALLOWED, "https://evil.example", undefined]) {
  const headers: Record<string, string> = origin ? { origin } : {};
  requests.push(
    ["GET", "/api/json", headers],
    ["POST", "/api/redirect", headers],
    ["GET", "/api/fails", headers],
    ["GET", "/api/missing", headers],
    ["POST", "/api/webhooks/stripe", headers],
    [
      "OPTIONS",
      "/api/json",
      {
        ...headers,
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization",
      },
    ],
    ["OPTIONS", "/api/webhooks/stripe", headers],
  );
}

async function answer(
  app: ReturnType<typeof appWith>,
  [method, path, headers]: (typeof requests)[0],
) {
  const response = await app.request(path, { method, headers });
  const received: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    received[name] = value;
  });
  return {
    status: response.status,
    headers: received,
    body: await response.text(),
  };
}

describe("allowCrossOrigins", () => {
  it("answers every request as Hono's cors with the same options would", async () => {
    const ours = appWith("ours");
    const hono = appWith("hono");
    for (const request of requests) {
      expect(await answer(ours, request), request.join(" ")).toEqual(await answer(hono, request));
    }
  });

  it("allows only the allowed origin, on the route's own response", async () => {
    const app = appWith("ours");
    const allowed = await answer(app, ["POST", "/api/redirect", { origin: ALLOWED }]);
    expect(allowed).toMatchObject({
      status: 303,
      headers: {
        "access-control-allow-origin": ALLOWED,
        location: "https://billing.stripe.com/p/session",
        "x-request-id": "req_1",
        vary: "Origin",
      },
    });
    const refused = await answer(app, ["GET", "/api/json", { origin: "https://evil.example" }]);
    expect(refused.headers["access-control-allow-origin"]).toBeUndefined();
    const preflight = await answer(app, ["OPTIONS", "/api/json", { origin: ALLOWED }]);
    expect(preflight).toMatchObject({
      status: 204,
      headers: { "access-control-allow-origin": ALLOWED, "x-request-id": "req_1" },
    });
    expect(preflight.headers["access-control-allow-credentials"]).toBeUndefined();
  });
});
