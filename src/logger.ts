import pino, { type Logger } from "pino";
import type { Config } from "./config.js";
import { redactErrorMessage, serializeError } from "./redact-error.js";

/** Fields that hold a secret (or an email: personal data) wherever a log object carries them. */
const SECRET_FIELDS = [
  "password",
  "token",
  "secret",
  "apiKey",
  "secretKey",
  "stripeSecretKey",
  "webhookSecret",
  "webhookSecrets",
  "databaseUrl",
  "email",
];

/**
 * Fields that hold data rather than describe it: a statement's parameters, a webhook's
 * payload. Errors carrying them are redacted by their serializer (see redact-error.ts).
 */
const DATA_FIELDS = ["params", "payload"];

/** Where the typed Config keeps secrets below its first level. */
const CONFIG_SECRETS = [
  "stripe.keys",
  "stripe.webhookSecrets",
  "auth.jwt.secret",
  "metrics.token",
  "demo.password",
];

/** Request and response headers that carry credentials or signatures. */
const SECRET_HEADERS = ["authorization", "cookie", "set-cookie", "stripe-signature", "x-api-key"];

/**
 * Paths pino blanks out. Wildcards reach one level down (`req.password`,
 * `req.headers.cookie`, `config.stripe.keys`); each costs a little on every
 * line, so deeper shapes are listed by name rather than with `*.*.…`.
 */
export const REDACT_PATHS = [
  ...[...SECRET_FIELDS, ...DATA_FIELDS].flatMap((field) => [field, `*.${field}`]),
  ...SECRET_HEADERS.flatMap((header) => [`headers["${header}"]`, `*.headers["${header}"]`]),
  ...["password", "token", "secret", "email"].map((field) => `*.body.${field}`),
  // The parsed Config, logged whole or spread into a log object.
  ...CONFIG_SECRETS.flatMap((path) => [path, `*.${path}`]),
];

export function createLogger(
  config: Pick<Config, "logLevel" | "env">,
  destination?: pino.DestinationStream,
): Logger {
  const options: pino.LoggerOptions = {
    level: config.logLevel,
    redact: { paths: REDACT_PATHS, censor: "[redacted]" },
    // Every error logged as `err`, and its causes, loses the values of failed statements.
    serializers: { err: serializeError },
    hooks: {
      // `logger.error(error)` alone would make the error's raw message the line's `msg`.
      logMethod(args, method) {
        const [first, ...rest] = args as unknown[];
        if (!(first instanceof Error)) return method.apply(this, args);
        const message = rest.length > 0 ? rest : [redactErrorMessage(first)];
        return method.apply(this, [{ err: first }, ...message] as Parameters<typeof method>);
      },
    },
    base: { service: "portico" },
  };
  if (destination) return pino(options, destination);
  if (config.env === "development" && process.stdout.isTTY) {
    return pino({
      ...options,
      transport: { target: "pino-pretty", options: { ignore: "pid,hostname,service" } },
    });
  }
  return pino(options);
}
