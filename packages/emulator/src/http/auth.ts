import { StripeApiError } from "./errors.js";

export type ApiKey = { key: string; accountId: string; livemode: boolean };

/**
 * `sk_test_<x>` and `sk_live_<x>` are the two modes of account `<x>`. Any well-formed key
 * names an account (created empty on first use), which lets test files isolate themselves
 * with random keys while sharing one emulator process.
 */
const KEY_PATTERN = /^sk_(test|live)_([A-Za-z0-9]+)$/;

const NO_KEY_MESSAGE =
  "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.";

function unauthorized(message: string): StripeApiError {
  return new StripeApiError(message, { status: 401, replayable: false });
}

/** Stripe never echoes a full key: it keeps the mode prefix and the last four characters. */
function maskKey(key: string): string {
  const prefix = /^[a-z]{2}_(test|live)_/.exec(key)?.[0] ?? "";
  return `${prefix}****${key.slice(-4)}`;
}

function extractKey(header: string): string {
  const [scheme = "", credentials = ""] = header.trim().split(/\s+/, 2);
  if (scheme.toLowerCase() === "bearer") return credentials;
  if (scheme.toLowerCase() === "basic") {
    // Stripe accepts the key as the basic-auth username with an empty password (curl -u sk_…:).
    const decoded = Buffer.from(credentials, "base64").toString("utf8");
    return decoded.split(":", 1)[0] ?? "";
  }
  return "";
}

export function parseApiKey(header: string | undefined): ApiKey {
  if (!header?.trim()) throw unauthorized(NO_KEY_MESSAGE);
  const key = extractKey(header);
  if (!key) throw unauthorized(NO_KEY_MESSAGE);
  const match = KEY_PATTERN.exec(key);
  if (!match?.[2]) throw unauthorized(`Invalid API Key provided: ${maskKey(key)}`);
  return { key, accountId: match[2], livemode: match[1] === "live" };
}
