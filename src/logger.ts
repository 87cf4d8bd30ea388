import pino, { type Logger } from "pino";
import type { Config } from "./config.js";

/** Paths pino blanks out wherever they appear in a log object. */
export const REDACT_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["stripe-signature"]',
  'res.headers["set-cookie"]',
  "*.password",
  "*.token",
  "*.secret",
  "*.apiKey",
  "*.stripeSecretKey",
  "password",
  "token",
  "email",
  "*.email",
];

export function createLogger(
  config: Pick<Config, "logLevel" | "env">,
  destination?: pino.DestinationStream,
): Logger {
  const options: pino.LoggerOptions = {
    level: config.logLevel,
    redact: { paths: REDACT_PATHS, censor: "[redacted]" },
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
