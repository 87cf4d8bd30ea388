import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.js";

describe("loadConfig", () => {
  it("runs on embedded defaults with no environment", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      appUrl: "http://localhost:3000",
      allowedOrigins: ["http://localhost:3000"],
      databaseUrl: undefined,
      dataDir: ".portico",
      stripe: { keys: {}, emulatorPort: 12111 },
      rateLimits: {
        portal: { max: 20, windowSeconds: 60 },
        login: { max: 10, windowSeconds: 300 },
      },
    });
  });

  it("takes the mode of STRIPE_SECRET_KEY from its prefix", () => {
    expect(loadConfig({ STRIPE_SECRET_KEY: "sk_live_abc" }).stripe.keys).toEqual({
      live: "sk_live_abc",
    });
    expect(loadConfig({ STRIPE_SECRET_KEY: "sk_test_abc" }).stripe.keys).toEqual({
      test: "sk_test_abc",
    });
  });

  it("normalises origins and merges RETURN_URL_ORIGINS", () => {
    const config = loadConfig({
      APP_URL: "https://App.Example.com/path",
      RETURN_URL_ORIGINS: "https://a.io, https://b.io:8443/x",
    });
    expect(config.allowedOrigins).toEqual([
      "https://app.example.com",
      "https://a.io",
      "https://b.io:8443",
    ]);
  });

  it("parses rate limits", () => {
    expect(loadConfig({ RATE_LIMIT_PORTAL: "5/2m" }).rateLimits.portal).toEqual({
      max: 5,
      windowSeconds: 120,
    });
    expect(loadConfig({}).rateLimits.signup).toEqual({ max: 10, windowSeconds: 3600 });
  });

  it("lists every problem at once", () => {
    try {
      loadConfig({
        PORT: "http",
        APP_URL: "ftp://x",
        STRIPE_SECRET_KEY: "pk_test_1",
        RATE_LIMIT_LOGIN: "often",
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join("\n");
      for (const name of ["PORT", "APP_URL", "STRIPE_SECRET_KEY", "RATE_LIMIT_LOGIN"])
        expect(problems).toContain(name);
    }
  });

  it("rejects conflicting settings", () => {
    expect(() =>
      loadConfig({ STRIPE_SECRET_KEY: "sk_test_a", STRIPE_TEST_SECRET_KEY: "sk_test_b" }),
    ).toThrow(ConfigError);
    expect(() => loadConfig({ AUTH_JWKS_URL: "https://idp/jwks.json" })).toThrow(/AUTH_JWT_ISSUER/);
  });

  it("reads webhook secrets per mode, or one secret for the mode that has a key", () => {
    expect(
      loadConfig({
        STRIPE_WEBHOOK_SECRETS: "whsec_a, whsec_b",
        STRIPE_LIVE_WEBHOOK_SECRETS: "whsec_c",
      }).stripe.webhookSecrets,
    ).toEqual({ test: ["whsec_a", "whsec_b"], live: ["whsec_c"] });
    expect(loadConfig({ STRIPE_WEBHOOK_SECRET: "whsec_x" }).stripe.webhookSecrets).toEqual({
      test: ["whsec_x"],
      live: [],
    });
    expect(
      loadConfig({ STRIPE_SECRET_KEY: "sk_live_abc", STRIPE_WEBHOOK_SECRET: "whsec_x" }).stripe
        .webhookSecrets,
    ).toEqual({ test: [], live: ["whsec_x"] });
    expect(loadConfig({}).sync).toMatchObject({
      source: "refetch",
      retry: { intervalMs: 5000, backoffSeconds: 10, maxAttempts: 20 },
    });
    expect(
      loadConfig({
        SYNC_SOURCE: "payload",
        WEBHOOK_RETRY_INTERVAL_MS: "0",
        WEBHOOK_RETRY_BACKOFF_SECONDS: "0.5",
        WEBHOOK_RETRY_MAX_ATTEMPTS: "3",
      }).sync,
    ).toMatchObject({
      source: "payload",
      retry: { intervalMs: 0, backoffSeconds: 0.5, maxAttempts: 3 },
    });
    expect(() => loadConfig({ WEBHOOK_RETRY_INTERVAL_MS: "-1" })).toThrow(
      /WEBHOOK_RETRY_INTERVAL_MS/,
    );
  });

  it("refuses malformed or conflicting webhook settings", () => {
    expect(() => loadConfig({ STRIPE_WEBHOOK_SECRETS: "whsec_a,sk_test_b" })).toThrow(
      /STRIPE_WEBHOOK_SECRETS/,
    );
    expect(() =>
      loadConfig({ STRIPE_WEBHOOK_SECRET: "whsec_a", STRIPE_WEBHOOK_SECRETS: "whsec_b" }),
    ).toThrow(/not both/);
    expect(() => loadConfig({ SYNC_SOURCE: "webhook" })).toThrow(/SYNC_SOURCE/);
  });

  it("reads the operations settings: metrics on and open, 10 s of shutdown grace", () => {
    expect(loadConfig({})).toMatchObject({
      metrics: { enabled: true, token: undefined },
      shutdownGraceMs: 10_000,
    });
    const config = loadConfig({
      METRICS_ENABLED: "false",
      METRICS_TOKEN: "0123456789abcdef",
      SHUTDOWN_GRACE_MS: "2500",
    });
    expect(config).toMatchObject({
      metrics: { enabled: false, token: "0123456789abcdef" },
      shutdownGraceMs: 2500,
    });
    expect(() => loadConfig({ METRICS_TOKEN: "short" })).toThrow(
      /METRICS_TOKEN: must be at least 16/,
    );
    expect(() => loadConfig({ SHUTDOWN_GRACE_MS: "-1" })).toThrow(/SHUTDOWN_GRACE_MS/);
  });

  it("treats empty values as unset", () => {
    expect(loadConfig({ DATABASE_URL: "", PORT: "" }).port).toBe(3000);
  });

  it("picks the mode of the app's routes from STRIPE_MODE or the keys", () => {
    const test = "sk_test_abc";
    const live = "sk_live_abc";
    expect(loadConfig({ STRIPE_SECRET_KEY: live }).stripe.appMode).toBe("live");
    expect(loadConfig({ STRIPE_SECRET_KEY: test }).stripe.appMode).toBe("test");
    expect(loadConfig({}).stripe.appMode).toBe("test");
    const both = { STRIPE_TEST_SECRET_KEY: test, STRIPE_LIVE_SECRET_KEY: live };
    expect(loadConfig(both).stripe.appMode).toBe("test");
    expect(loadConfig({ ...both, STRIPE_MODE: "live" }).stripe.appMode).toBe("live");
    expect(() => loadConfig({ STRIPE_SECRET_KEY: test, STRIPE_MODE: "live" })).toThrow(
      /STRIPE_MODE: live mode has no key/,
    );
    expect(() => loadConfig({ STRIPE_MODE: "staging" })).toThrow(/STRIPE_MODE/);
  });
});

describe("loadConfig: the master key of secrets at rest", () => {
  const material = (byte: number) => Buffer.alloc(32, byte).toString("base64");
  const problemsOf = (env: Record<string, string>) => captureConfigError(env).problems.join("\n");

  it("is unset by default, and reads the current key and the previous ones", () => {
    expect(loadConfig({}).encryption).toBeUndefined();
    const config = loadConfig({
      PORTICO_ENCRYPTION_KEY: `k3:${material(3)}`,
      PORTICO_ENCRYPTION_PREVIOUS_KEYS: `k2:${material(2)}, k1:${material(1)}`,
    });
    expect(config.encryption?.current).toEqual({ id: "k3", key: Buffer.alloc(32, 3) });
    expect(config.encryption?.previous.map((key) => key.id)).toEqual(["k2", "k1"]);
  });

  it("names the variable of a malformed key without echoing its material", () => {
    const short = Buffer.alloc(16, 7).toString("base64");
    const cases = {
      PORTICO_ENCRYPTION_KEY: [`k1:${short}`, material(9), `k.1:${material(9)}`, "k1:not base64!!"],
      PORTICO_ENCRYPTION_PREVIOUS_KEYS: [`k0:${short}`],
    };
    for (const [name, values] of Object.entries(cases)) {
      for (const value of values) {
        const env: Record<string, string> = { [name]: value };
        if (name !== "PORTICO_ENCRYPTION_KEY") env.PORTICO_ENCRYPTION_KEY = `k9:${material(9)}`;
        const problems = problemsOf(env);
        expect(problems).toContain(`${name}: must be <key id>:<base64 of 32 bytes>`);
        expect(problems).not.toContain(value.split(":").pop());
      }
    }
  });

  it("refuses previous keys alone, several current keys, and one id with two keys", () => {
    expect(problemsOf({ PORTICO_ENCRYPTION_PREVIOUS_KEYS: `k1:${material(1)}` })).toContain(
      "PORTICO_ENCRYPTION_PREVIOUS_KEYS: set PORTICO_ENCRYPTION_KEY too",
    );
    expect(problemsOf({ PORTICO_ENCRYPTION_KEY: `k1:${material(1)},k2:${material(2)}` })).toContain(
      "PORTICO_ENCRYPTION_KEY: give one key",
    );
    const clash = problemsOf({
      PORTICO_ENCRYPTION_KEY: `k1:${material(1)}`,
      PORTICO_ENCRYPTION_PREVIOUS_KEYS: `k1:${material(2)}`,
    });
    expect(clash).toContain('the key id "k1" is the current key\'s, with other key material');
    // A key pasted without its id is refused without being quoted, even as an id.
    const bare = material(4);
    const unnamed = problemsOf({
      PORTICO_ENCRYPTION_KEY: bare,
      PORTICO_ENCRYPTION_PREVIOUS_KEYS: `${bare}:${material(5)}`,
    });
    expect(unnamed).toContain("PORTICO_ENCRYPTION_KEY: must be <key id>:<base64 of 32 bytes>");
    expect(unnamed).not.toContain(bare);
    expect(clash).not.toContain(material(2));
    expect(
      problemsOf({
        PORTICO_ENCRYPTION_KEY: `k3:${material(3)}`,
        PORTICO_ENCRYPTION_PREVIOUS_KEYS: `k1:${material(1)},k1:${material(2)}`,
      }),
    ).toContain('PORTICO_ENCRYPTION_PREVIOUS_KEYS: the key id "k1" is used more than once');
  });
});

describe("loadConfig: the admin token's hash", () => {
  const hash = createHash("sha256").update("an admin token").digest("hex");
  const encryption = { PORTICO_ENCRYPTION_KEY: `k1:${Buffer.alloc(32, 1).toString("base64")}` };

  it("is unset by default, and read from hex (either case) into the digest's bytes", () => {
    expect(loadConfig({}).admin).toEqual({ tokenSha256: undefined });
    for (const value of [hash, hash.toUpperCase()]) {
      const config = loadConfig({ ...encryption, PORTICO_ADMIN_TOKEN_SHA256: value });
      expect(config.admin.tokenSha256).toEqual(Buffer.from(hash, "hex"));
    }
  });

  it("refuses what is not a SHA-256 without echoing it: a token pasted in place of its hash", () => {
    for (const value of ["an-admin-token-pasted-here-by-mistake", hash.slice(1), `${hash}00`]) {
      const error = captureConfigError({ ...encryption, PORTICO_ADMIN_TOKEN_SHA256: value });
      expect(error.message).toContain("PORTICO_ADMIN_TOKEN_SHA256: must be the hex SHA-256");
      expect(error.message).not.toContain(value);
    }
  });

  it("takes the token without a master key: customer links need no projects", () => {
    const config = loadConfig({ PORTICO_ADMIN_TOKEN_SHA256: hash });
    expect(config.admin.tokenSha256?.toString("hex")).toBe(hash);
  });
});

function captureConfigError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}
