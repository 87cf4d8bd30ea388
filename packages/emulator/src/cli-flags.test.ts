import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type EmulatorCommand, readEmulatorCommand, UsageError } from "./cli-flags.js";

/** The options a command line starts the emulator with (it must not ask for help). */
function readEmulatorFlags(argv: string[], env: Record<string, string> = {}) {
  const command: EmulatorCommand = readEmulatorCommand(argv, env);
  if (command.help) throw new Error("asked for help");
  return command.options;
}

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
      port: 12111,
      stateFile: "/tmp/x.json",
      webhooks: { mode: "shuffled+duplicated", retryBaseMs: 10, maxAttempts: 3, timeoutMs: 5000 },
      startupWebhook: { url: "http://127.0.0.1:3000/api/stripe/webhook", secret: "whsec_abc" },
      faults: [
        { kind: "rate_limit", method: "POST", path: "/v1/billing_portal/sessions", rate: 0.5 },
        { kind: "latency", path: "*", ms: 200, remaining: 3 },
      ],
    });
  });

  it("reads the webhook secret from a file or the environment, off the command line", () => {
    const directory = mkdtempSync(join(tmpdir(), "emulator-flags-"));
    try {
      const file = join(directory, "secret");
      writeFileSync(file, "whsec_fromfile\n", { mode: 0o600 });
      const url = ["--webhook-url", "http://127.0.0.1:3000/hook"];
      const env = { STRIPE_EMULATOR_WEBHOOK_SECRET: "whsec_fromenv" };
      expect(readEmulatorFlags([...url, "--webhook-secret-file", file]).startupWebhook).toEqual({
        url: url[1],
        secret: "whsec_fromfile",
      });
      expect(readEmulatorFlags(url, env).startupWebhook?.secret).toBe("whsec_fromenv");
      // An explicit flag wins over the environment.
      expect(
        readEmulatorFlags([...url, "--webhook-secret-file", file], env).startupWebhook?.secret,
      ).toBe("whsec_fromfile");
      expect(
        readEmulatorFlags([...url, "--webhook-secret", "whsec_flag"], env).startupWebhook,
      ).toMatchObject({ secret: "whsec_flag" });
      // Without --webhook-url the variable is not a mistake: there is just no endpoint.
      expect(readEmulatorFlags([], env).startupWebhook).toBeUndefined();

      writeFileSync(file, "not-a-secret");
      expect(() => readEmulatorFlags([...url, "--webhook-secret-file", file])).toThrow(
        /--webhook-secret-file must start with whsec_/,
      );
      expect(() =>
        readEmulatorFlags([...url, "--webhook-secret-file", join(directory, "missing")]),
      ).toThrow(/Cannot read --webhook-secret-file/);
      expect(() =>
        readEmulatorFlags([...url, "--webhook-secret-file", file, "--webhook-secret", "whsec_x"]),
      ).toThrow(/not both/);
      expect(() => readEmulatorFlags(url, { STRIPE_EMULATOR_WEBHOOK_SECRET: "abc" })).toThrow(
        /STRIPE_EMULATOR_WEBHOOK_SECRET must start with whsec_/,
      );
      expect(() => readEmulatorFlags(["--webhook-secret-file", file])).toThrow(/webhook-url/);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it("reads the port, the portal session lifetime and --stop-with-stdin", () => {
    expect(
      readEmulatorCommand(["--port=0", "--portal-session-ttl", "60", "--stop-with-stdin"]),
    ).toEqual({
      help: false,
      options: { port: 0, portalSessionTtlSeconds: 60, webhooks: {} },
      stopWithStdin: true,
    });
    expect(readEmulatorFlags([], { STRIPE_EMULATOR_PORT: "4242" }).port).toBe(4242);
    expect(readEmulatorFlags(["--port", "5000"], { STRIPE_EMULATOR_PORT: "4242" }).port).toBe(5000);
    expect(readEmulatorFlags([]).port).toBe(12111);
  });

  it("asks for help with --help or -h, whatever else is given", () => {
    expect(readEmulatorCommand(["--help"])).toEqual({ help: true });
    expect(readEmulatorCommand(["--port", "1", "-h"])).toEqual({ help: true });
  });

  it("refuses a flag it does not know, or a stray argument, rather than start", () => {
    expect(() => readEmulatorCommand(["--prot", "12111"])).toThrow(UsageError);
    expect(() => readEmulatorCommand(["--prot", "12111"])).toThrow(/--prot/);
    expect(() => readEmulatorCommand(["start"])).toThrow(/start/);
    expect(() => readEmulatorCommand(["--port"])).toThrow(UsageError);
  });

  it("fails loudly on bad values", () => {
    expect(() => readEmulatorFlags(["--port", "70000"])).toThrow(/Invalid port/);
    expect(() => readEmulatorFlags(["--portal-session-ttl", "0"])).toThrow(/portal-session-ttl/);
    expect(() => readEmulatorFlags(["--delivery-mode", "random"])).toThrow(/delivery-mode/);
    expect(() => readEmulatorFlags(["--fault", "explode *"])).toThrow(/kind/);
    expect(() => readEmulatorFlags(["--fault", "api_error * rate=2"])).toThrow(/rate/);
    expect(() => readEmulatorFlags(["--webhook-secret", "whsec_x"])).toThrow(/webhook-url/);
    expect(() =>
      readEmulatorFlags(["--webhook-url", "http://x", "--webhook-secret", "abc"]),
    ).toThrow(/whsec_/);
  });
});
