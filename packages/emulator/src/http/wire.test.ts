import { describe, expect, it } from "vitest";
import { captureStripeError, createTestAccount } from "../testing.js";

describe("authentication", () => {
  const account = createTestAccount();

  it("rejects a request without a key with Stripe's 401", async () => {
    const response = await fetch(`${account.url}/v1/customers`);
    expect(response.status).toBe(401);
    const body = (await response.json()) as { error: { type: string; message: string } };
    expect(body.error.type).toBe("invalid_request_error");
    expect(body.error.message).toMatch(/^You did not provide an API key/);
  });

  it("masks a malformed key in the 401 message", async () => {
    const response = await fetch(`${account.url}/v1/customers`, {
      headers: { Authorization: "Bearer sk_test_bad-key!wxyz" },
    });
    expect(response.status).toBe(401);
    const body = (await response.json()) as { error: { message: string } };
    expect(body.error.message).toBe("Invalid API Key provided: sk_test_****wxyz");
  });

  it("accepts the key as the basic-auth username", async () => {
    const basic = Buffer.from(`${account.keys.test}:`).toString("base64");
    const response = await fetch(`${account.url}/v1/customers`, {
      headers: { Authorization: `Basic ${basic}` },
    });
    expect(response.status).toBe(200);
  });
});

describe("response headers", () => {
  it("sends Request-Id, echoes Stripe-Version and answers JSON", async () => {
    const account = createTestAccount();
    const response = await account.request("GET", "/v1/customers", undefined, {
      "Stripe-Version": "2026-10-28.endive",
    });
    expect(response.headers.get("request-id")).toMatch(/^req_\w{14}$/);
    expect(response.headers.get("stripe-version")).toBe("2026-10-28.endive");
    expect(response.headers.get("content-type")).toContain("application/json");
  });
});

describe("idempotency", () => {
  it("replays the first response for the same key and parameters", async () => {
    const { stripe } = createTestAccount();
    const first = await stripe.customers.create(
      { email: "a@example.com" },
      { idempotencyKey: "k1" },
    );
    const second = await stripe.customers.create(
      { email: "a@example.com" },
      { idempotencyKey: "k1" },
    );
    expect(second.id).toBe(first.id);
    expect(second.lastResponse.headers["idempotent-replayed"]).toBe("true");
    expect((await stripe.customers.list()).data).toHaveLength(1);
  });

  it("rejects the same key with different parameters", async () => {
    const { stripe } = createTestAccount();
    await stripe.customers.create({ email: "a@example.com" }, { idempotencyKey: "k2" });
    const error = await captureStripeError(
      stripe.customers.create({ email: "b@example.com" }, { idempotencyKey: "k2" }),
    );
    expect(error.statusCode).toBe(400);
    expect(error.type).toBe("StripeIdempotencyError");
    expect(error.raw).toMatchObject({ type: "idempotency_error" });
  });

  it("scopes keys per account and mode", async () => {
    const { stripe, live } = createTestAccount();
    const test = await stripe.customers.create({}, { idempotencyKey: "shared" });
    const other = await live.customers.create({}, { idempotencyKey: "shared" });
    expect(other.id).not.toBe(test.id);
    expect(other.livemode).toBe(true);
  });

  it("answers 409 while the first request with the key is still running", async () => {
    const account = createTestAccount();
    await account.request("POST", "/_emulator/latency", "ms=300");
    const send = () =>
      account.request("POST", "/v1/customers", "email=x%40example.com", {
        "Idempotency-Key": "slow",
      });
    const [first, second] = await Promise.all([send(), send()]);
    await account.request("POST", "/_emulator/latency", "ms=0");
    expect(first.status).toBe(200);
    expect(second.status).toBe(409);
    expect(await second.json()).toMatchObject({ error: { code: "idempotency_key_in_use" } });
  });

  it("does not save validation failures, so a corrected retry can succeed", async () => {
    const account = createTestAccount();
    const bad = await account.request("POST", "/v1/customers", "nope=1", {
      "Idempotency-Key": "v",
    });
    expect(bad.status).toBe(400);
    const corrected = await account.request("POST", "/v1/customers", "nope=1", {
      "Idempotency-Key": "v",
    });
    expect(corrected.headers.get("idempotent-replayed")).toBeNull();
  });
});

describe("parameter validation", () => {
  const { stripe } = createTestAccount();

  it("reports an unknown top-level parameter", async () => {
    const error = await captureStripeError(stripe.customers.create({ colour: "red" } as never));
    expect(error.statusCode).toBe(400);
    expect(error.code).toBe("parameter_unknown");
    expect(error.param).toBe("colour");
    expect(error.message).toBe("Received unknown parameter: colour");
  });

  it("reports an unknown nested parameter with its bracket path", async () => {
    const error = await captureStripeError(
      stripe.billingPortal.configurations.create({
        features: { invoice_history: { enabled: true, colour: "red" } },
      } as never),
    );
    expect(error.code).toBe("parameter_unknown");
    expect(error.param).toBe("features[invoice_history][colour]");
  });

  it("reports a missing required parameter", async () => {
    const error = await captureStripeError(stripe.products.create({} as never));
    expect(error.code).toBe("parameter_missing");
    expect(error.param).toBe("name");
  });

  it("reports invalid integers and enum values", async () => {
    const integer = await captureStripeError(stripe.customers.list({ limit: "ten" as never }));
    expect(integer.code).toBe("parameter_invalid_integer");
    const tooMany = await captureStripeError(stripe.customers.list({ limit: 101 }));
    expect(tooMany.param).toBe("limit");
    const exempt = await captureStripeError(
      stripe.customers.create({ tax_exempt: "maybe" as never }),
    );
    expect(exempt.param).toBe("tax_exempt");
    expect(exempt.message).toMatch(/must be one of exempt, none, reverse/);
  });
});

describe("missing resources", () => {
  const { stripe } = createTestAccount();

  it("answers 404 for an unknown id in the URL", async () => {
    const error = await captureStripeError(stripe.customers.retrieve("cus_missing"));
    expect(error.statusCode).toBe(404);
    expect(error.code).toBe("resource_missing");
    expect(error.message).toBe("No such customer: 'cus_missing'");
  });

  it("answers 400 naming the parameter for an unknown id in the body", async () => {
    const error = await captureStripeError(
      stripe.subscriptions.create({ customer: "cus_missing", items: [{ price: "price_x" }] }),
    );
    expect(error.statusCode).toBe(400);
    expect(error.code).toBe("resource_missing");
    expect(error.param).toBe("customer");
    expect(error.message).toBe("No such customer: 'cus_missing'");
  });

  it("answers 404 for an unknown route", async () => {
    const account = createTestAccount();
    const response = await account.request("GET", "/v1/nothing_here");
    expect(response.status).toBe(404);
  });
});

describe("test and live mode", () => {
  it("keeps the two modes of one account apart", async () => {
    const { stripe, live } = createTestAccount();
    const testCustomer = await stripe.customers.create({ email: "t@example.com" });
    expect(testCustomer.livemode).toBe(false);
    const liveCustomer = await live.customers.create({ email: "l@example.com" });
    expect(liveCustomer.livemode).toBe(true);
    expect((await live.customers.list()).data.map((c) => c.id)).toEqual([liveCustomer.id]);
    const error = await captureStripeError(live.customers.retrieve(testCustomer.id));
    expect(error.statusCode).toBe(404);
  });

  it("gives every new key its own empty account", async () => {
    const first = createTestAccount();
    const second = createTestAccount();
    await first.stripe.customers.create({});
    expect((await second.stripe.customers.list()).data).toEqual([]);
  });
});
