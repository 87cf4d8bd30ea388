import { describe, expect, it } from "vitest";
import { createTestAccount } from "../testing.js";

type ErrorBody = { error: { type: string; message: string; code?: string } };

async function expectUnrecognized(method: string, path: string, body?: string) {
  const response = await createTestAccount().request(method, path, body);
  expect(response.status).toBe(404);
  expect(((await response.json()) as ErrorBody).error).toEqual({
    type: "invalid_request_error",
    message: `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
  });
}

describe("unrecognized request URLs", () => {
  it("answers a path no route serves", async () => {
    await expectUnrecognized("GET", "/v1/no_such_resource");
    await expectUnrecognized("POST", "/v1/customers/cus_123/no_such_action", "a=1");
  });

  it("does not read a Stripe route word as an id", async () => {
    // Stripe has these routes; the emulator does not, so they must not look like lookups.
    await expectUnrecognized("GET", "/v1/products/search");
    await expectUnrecognized("GET", "/v1/prices/search");
    await expectUnrecognized("GET", "/v1/invoices/upcoming");
    await expectUnrecognized("DELETE", "/v1/customers/search");
    await expectUnrecognized("POST", "/v1/subscriptions/search", "metadata[a]=b");
  });

  it("still answers a genuinely missing id with resource_missing", async () => {
    const response = await createTestAccount().request("GET", "/v1/customers/cus_missing");
    expect(response.status).toBe(404);
    expect(((await response.json()) as ErrorBody).error.code).toBe("resource_missing");
  });
});
