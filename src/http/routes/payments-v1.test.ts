import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  APP_URL,
  giveCustomer,
  postJson,
  saveDefaultPortal,
  signUp,
  startTestPortico,
  type TestPortico,
} from "../../../test/portico.js";

const PATH = "/api/v1/payments/stripe/customer-portal";

describe("POST /api/v1/payments/stripe/customer-portal", () => {
  let t: TestPortico;
  beforeAll(async () => {
    t = await startTestPortico();
    await saveDefaultPortal(t, "test");
    await saveDefaultPortal(t, "live");
  });
  afterAll(() => t.close());

  it("defaults to test mode and answers {portal_url}", async () => {
    const { token, user } = await signUp(t);
    await giveCustomer(t, user.id, "test");
    const response = await postJson(t, PATH, { return_url: `${APP_URL}/account` }, token);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { portal_url: string };
    expect(Object.keys(body)).toEqual(["portal_url"]);
    expect(body.portal_url.startsWith(t.emulatorUrl)).toBe(true);
  });

  it("uses the live key and customer with test_mode=false", async () => {
    const { token, user } = await signUp(t);
    await giveCustomer(t, user.id, "live");
    expect(
      (await postJson(t, `${PATH}?test_mode=false`, { return_url: APP_URL }, token)).status,
    ).toBe(200);
    // This user has no test-mode customer.
    const test = await postJson(t, `${PATH}?test_mode=true`, { return_url: APP_URL }, token);
    expect(test.status).toBe(404);
    expect(await test.json()).toEqual({ detail: "No Stripe customer found for user" });
  });

  it("401 with a FastAPI detail", async () => {
    const response = await postJson(t, PATH, { return_url: APP_URL });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ detail: "Not authenticated" });
  });

  it.each([
    ["an empty return_url", { return_url: "" }, "string_too_short"],
    ["a missing return_url", {}, "missing"],
    ["a foreign return_url", { return_url: "https://evil.com" }, "value_error"],
    ["an open-redirect trick", { return_url: "https://localhost:3000@evil.com" }, "value_error"],
  ])("422 for %s, FastAPI-shaped", async (_, payload, type) => {
    const { token } = await signUp(t);
    const response = await postJson(t, PATH, payload, token);
    expect(response.status).toBe(422);
    const body = (await response.json()) as {
      detail: { loc: string[]; msg: string; type: string }[];
    };
    expect(body.detail[0]).toMatchObject({ loc: ["body", "return_url"], type });
    expect(typeof body.detail[0]?.msg).toBe("string");
  });

  it("422 for a bad test_mode", async () => {
    const { token } = await signUp(t);
    const response = await postJson(t, `${PATH}?test_mode=maybe`, { return_url: APP_URL }, token);
    expect(response.status).toBe(422);
    const body = (await response.json()) as { detail: { loc: string[] }[] };
    expect(body.detail[0]?.loc).toEqual(["query", "test_mode"]);
  });
});

describe("POST /api/v1/payments/stripe/customer-portal without a live key", () => {
  it("404 Project not found or Stripe not configured", async () => {
    const t = await startTestPortico({ env: { STRIPE_LIVE_SECRET_KEY: "" } });
    try {
      const { token } = await signUp(t);
      const response = await postJson(t, `${PATH}?test_mode=false`, { return_url: APP_URL }, token);
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({
        detail: "Project not found or Stripe not configured",
      });
    } finally {
      await t.close();
    }
  });
});
