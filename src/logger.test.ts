import { sql } from "drizzle-orm";
import { DrizzleQueryError } from "drizzle-orm/errors";
import { describe, expect, it } from "vitest";
import { APP_URL, postJson, startTestPortico } from "../test/portico.js";
import { signedEvent } from "../test/signed-event.js";
import { loadConfig } from "./config.js";
import { PorticoError } from "./errors.js";
import { createLogger } from "./logger.js";

function capture() {
  const chunks: string[] = [];
  return { chunks, destination: { write: (chunk: string) => chunks.push(chunk) } };
}

const SECRETS = {
  bearer: "pt_bearer_8f2a41c9d0",
  cookie: "pt_cookie_71bd03e2aa",
  signature: "t=1700000000,v1=5e1c0ffee5e1c0ffee",
  setCookie: "pt_set_cookie_c0ffee42",
  password: "hunter2-correct-horse",
  token: "tok_3b9a77f1c2",
  stripeKey: "sk_live_51SecretKeyValue",
  webhookSecret: "whsec_SecretSigningValue",
  apiKey: "ak_9c1f00d2e3",
  metricsToken: "metrics-token-5a5a5a5a5a5a",
  databaseUrl: "postgres://portico:dbpassword42@db:5432/portico",
  email: "someone.private@example.com",
  jwtSecret: "jwt-shared-secret-0123456789abcdef0123",
  demoPassword: "demo-password-d3m0",
};

describe("log redaction", () => {
  it("blanks credentials, signatures, keys and emails wherever a log object carries them", () => {
    const { chunks, destination } = capture();
    const logger = createLogger({ logLevel: "info", env: "production" }, destination);
    const config = loadConfig({
      STRIPE_LIVE_SECRET_KEY: SECRETS.stripeKey,
      STRIPE_LIVE_WEBHOOK_SECRETS: SECRETS.webhookSecret,
      METRICS_TOKEN: SECRETS.metricsToken,
      DATABASE_URL: SECRETS.databaseUrl,
      AUTH_JWT_SECRET: SECRETS.jwtSecret,
      PORTICO_DEMO_PASSWORD: SECRETS.demoPassword,
    });
    logger.info(
      {
        req: {
          method: "POST",
          url: "/api/webhooks/stripe",
          headers: {
            authorization: `Bearer ${SECRETS.bearer}`,
            cookie: `portico_session=${SECRETS.cookie}`,
            "stripe-signature": SECRETS.signature,
          },
          body: { email: SECRETS.email, password: SECRETS.password, token: SECRETS.token },
        },
        res: { headers: { "set-cookie": `portico_session=${SECRETS.setCookie}` } },
        headers: { authorization: `Bearer ${SECRETS.bearer}` },
        user: { email: SECRETS.email, apiKey: SECRETS.apiKey },
        password: SECRETS.password,
        config,
      },
      "a request with every kind of secret",
    );
    logger.warn({ err: { message: "boom", token: SECRETS.token } }, "failure");

    const output = chunks.join("");
    expect(chunks).toHaveLength(2);
    for (const [name, value] of Object.entries(SECRETS)) {
      expect(output, `${name} leaked`).not.toContain(value);
    }
    expect(output).toContain("[redacted]");
    // What is not secret survives.
    expect(output).toContain('"url":"/api/webhooks/stripe"');
    expect(output).toContain('"appUrl":"http://localhost:3000"');
  });

  it("keeps the password, token and session cookie of real requests out of the log", async () => {
    const { chunks, destination } = capture();
    const t = await startTestPortico({
      logger: (config) => createLogger({ ...config, logLevel: "trace" }, destination),
    });
    try {
      const credentials = { email: SECRETS.email, password: SECRETS.password };
      const signup = await postJson(t, "/api/auth/signup", credentials);
      const { data } = (await signup.json()) as { data: { token: string } };
      await postJson(t, "/api/auth/login", credentials);
      await postJson(t, "/api/auth/login", { ...credentials, password: "wrong-password-1" });
      await fetch(`${t.url}/api/billing/portal`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${data.token}`,
          cookie: `portico_session=${data.token}`,
          "stripe-signature": SECRETS.signature,
          "content-type": "application/json",
        },
        body: JSON.stringify({ returnUrl: `${APP_URL}/settings/billing` }),
      });
      const output = chunks.join("");
      expect(output).toContain('"msg":"request"');
      for (const value of [data.token, SECRETS.password, SECRETS.email, SECRETS.signature]) {
        expect(output).not.toContain(value);
      }
    } finally {
      await t.close();
    }
  });

  it("keeps the parameters, details and payloads of database errors and their causes out of the log", () => {
    const { chunks, destination } = capture();
    const logger = createLogger({ logLevel: "info", env: "production" }, destination);
    const payload = { data: { object: { email: SECRETS.email, name: "Someone Private" } } };
    // As node-postgres raises it: the value is in `detail`, and a data exception quotes it.
    const unique = Object.assign(new Error("duplicate key value violates unique constraint"), {
      code: "23505",
      severity: "ERROR",
      detail: `Key (email)=(${SECRETS.email}) already exists.`,
    });
    const syntax = Object.assign(
      new Error(`invalid input syntax for type uuid: "${SECRETS.email}"`),
      {
        code: "22P02",
        severity: "ERROR",
      },
    );
    // As an embedded driver may raise it: the parameters ride on the driver's error too.
    const driver = Object.assign(new Error("unsupported Unicode escape sequence"), {
      code: "22P05",
      params: [SECRETS.email, JSON.stringify(payload)],
      queryOptions: { params: [SECRETS.email] },
    });
    const query = 'insert into "users" ("email", "password_hash") values ($1, $2)';
    for (const cause of [unique, syntax, driver]) {
      const failed = new DrizzleQueryError(
        query,
        [SECRETS.email, SECRETS.password, payload],
        cause,
      );
      const wrapped = new PorticoError("WEBHOOK_HANDLER_FAILED", "could not apply", {
        cause: failed,
      });
      logger.error({ err: failed }, "unhandled error");
      logger.warn({ err: wrapped, payload }, "wrapped");
      logger.error(failed);
    }

    const output = chunks.join("");
    expect(chunks).toHaveLength(9);
    for (const value of [SECRETS.email, SECRETS.password, "Someone Private"]) {
      expect(output, `${value} leaked`).not.toContain(value);
    }
    // What an operator needs survives: the statement, the SQLSTATE, the message.
    expect(output).toContain("Failed query: insert into");
    expect(output).toContain('"sqlState":"23505"');
    expect(output).toContain("duplicate key value violates unique constraint");
    expect(output).toContain("invalid input syntax for type uuid");
  });

  it("keeps a webhook's payload out of the log when its insert fails", async () => {
    const { chunks, destination } = capture();
    const secret = "whsec_logger_redaction_test";
    const t = await startTestPortico({
      env: { STRIPE_WEBHOOK_SECRETS: secret, SYNC_SOURCE: "payload" },
      logger: (config) => createLogger({ ...config, logLevel: "info" }, destination),
    });
    try {
      // An inbox that cannot take the row: the insert fails with its parameters attached.
      await t.portico.database.db.execute(
        sql`alter table portico.stripe_events rename to inbox_gone`,
      );
      const event = signedEvent(secret, {
        type: "customer.updated",
        object: { id: "cus_logged", object: "customer", email: SECRETS.email },
      });
      const response = await fetch(`${t.url}/api/webhooks/stripe`, {
        method: "POST",
        headers: { "content-type": "application/json", "stripe-signature": event.signature },
        body: event.body,
      });
      expect(response.status).toBe(503);
      const output = chunks.join("");
      expect(output).toContain("Failed query: insert into");
      expect(output).not.toContain(SECRETS.email);
      expect(output).not.toContain("cus_logged");
    } finally {
      await t.portico.database.db.execute(
        sql`alter table portico.inbox_gone rename to stripe_events`,
      );
      await t.close();
    }
  });
});
