import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addEmulatorFault } from "../../test/emulator-process.js";
import {
  APP_URL,
  giveCustomer,
  postJson,
  saveDefaultPortal,
  signUp,
  startTestPortico,
  type TestPortico,
} from "../../test/portico.js";
import { createLogger } from "../logger.js";

type LogLine = Record<string, unknown> & { msg?: string };

describe("request logging and request ids", () => {
  let t: TestPortico;
  const lines: LogLine[] = [];
  const requestLines = () => lines.filter((line) => line.msg === "request");
  beforeAll(async () => {
    t = await startTestPortico({
      logger: (config) =>
        createLogger(
          { ...config, logLevel: "info" },
          { write: (chunk: string) => lines.push(JSON.parse(chunk) as LogLine) },
        ),
    });
    await saveDefaultPortal(t);
  });
  afterAll(() => t.close());

  it("logs one line per request with request id, route, status, duration and user id", async () => {
    const { token, user } = await signUp(t);
    lines.length = 0;
    const response = await fetch(`${t.url}/api/auth/me`, {
      headers: { authorization: `Bearer ${token}`, "x-request-id": "abc-123_XYZ=" },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-request-id")).toBe("abc-123_XYZ=");
    expect(requestLines()).toEqual([
      expect.objectContaining({
        requestId: "abc-123_XYZ=",
        method: "GET",
        route: "/api/auth/me",
        status: 200,
        durationMs: expect.any(Number),
        userId: user.id,
      }),
    ]);
  });

  it("replaces an invalid X-Request-Id and echoes the id in the header and the error body", async () => {
    for (const sent of ["has spaces in it", "x".repeat(129), "<script>"]) {
      lines.length = 0;
      const response = await fetch(`${t.url}/api/auth/me`, { headers: { "x-request-id": sent } });
      expect(response.status).toBe(401);
      const id = response.headers.get("x-request-id") ?? "";
      expect(id).toMatch(/^req_[0-9a-f]{32}$/);
      const body = (await response.json()) as { error: { requestId: string } };
      expect(body.error.requestId).toBe(id);
      expect(requestLines()).toEqual([
        expect.objectContaining({ requestId: id, route: "/api/auth/me", status: 401 }),
      ]);
    }
  });

  it("names the route even when a global middleware answers (body over the global limit)", async () => {
    lines.length = 0;
    const huge = JSON.stringify({ email: "a@example.com", password: "x".repeat(70 * 1024) });
    const response = await postJson(t, "/api/auth/signup", huge);
    expect(response.status).toBe(422);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error).toMatchObject({ code: "VALIDATION_ERROR" });
    expect(body.error.message).toMatch(/at most 65536 bytes/);
    expect(requestLines()).toEqual([
      expect.objectContaining({ route: "/api/auth/signup", status: 422 }),
    ]);
  });

  it("logs Stripe's request id with a failed Stripe call", async () => {
    const { token, user } = await signUp(t);
    await giveCustomer(t, user.id);
    await addEmulatorFault(t.emulatorUrl, t.keys.test, {
      kind: "api_error",
      method: "POST",
      path: "/v1/billing_portal/sessions",
      times: 1,
    });
    lines.length = 0;
    const response = await postJson(
      t,
      "/api/billing/portal",
      { returnUrl: `${APP_URL}/settings/billing` },
      token,
    );
    expect(response.status).toBe(503);
    const warning = lines.find((line) => line.code === "STRIPE_UNAVAILABLE");
    expect(warning).toMatchObject({ stripeRequestId: expect.stringMatching(/^req_\w+$/) });
    expect(warning?.requestId).toBe(response.headers.get("x-request-id"));
  });
});
