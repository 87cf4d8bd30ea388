import { describe, expect, it } from "vitest";
import { readEmulatorFlags } from "./cli-flags.js";

describe("emulator flags", () => {
  it("reads webhook, fault and state flags and leaves other flags alone", () => {
    const options = readEmulatorFlags([
      "--port",
      "12111",
      "--state-file",
      "/tmp/x.json",
      "--delivery-mode=shuffled+duplicated",
      "--webhook-retry-base-ms",
      "10",
      "--webhook-max-attempts",
      "3",
      "--webhook-timeout-ms",
      "5000",
      "--webhook-url",
      "http://127.0.0.1:3000/api/stripe/webhook",
      "--webhook-secret",
      "whsec_abc",
      "--fault",
      "rate_limit POST /v1/billing_portal/sessions rate=0.5",
      "--fault",
      "latency * ms=200 times=3",
    ]);
    expect(options).toEqual({
      stateFile: "/tmp/x.json",
      webhooks: { mode: "shuffled+duplicated", retryBaseMs: 10, maxAttempts: 3, timeoutMs: 5000 },
      startupWebhook: { url: "http://127.0.0.1:3000/api/stripe/webhook", secret: "whsec_abc" },
      faults: [
        { kind: "rate_limit", method: "POST", path: "/v1/billing_portal/sessions", rate: 0.5 },
        { kind: "latency", path: "*", ms: 200, remaining: 3 },
      ],
    });
  });

  it("fails loudly on bad values", () => {
    expect(() => readEmulatorFlags(["--delivery-mode", "random"])).toThrow(/delivery-mode/);
    expect(() => readEmulatorFlags(["--fault", "explode *"])).toThrow(/kind/);
    expect(() => readEmulatorFlags(["--fault", "api_error * rate=2"])).toThrow(/rate/);
    expect(() => readEmulatorFlags(["--webhook-secret", "whsec_x"])).toThrow(/webhook-url/);
    expect(() =>
      readEmulatorFlags(["--webhook-url", "http://x", "--webhook-secret", "abc"]),
    ).toThrow(/whsec_/);
  });
});
