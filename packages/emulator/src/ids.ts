import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** A random base62 string; 256 % 62 bias is irrelevant for identifiers. */
export function generateRandomString(length: number): string {
  const bytes = randomBytes(length);
  let out = "";
  for (const byte of bytes) out += ALPHABET[byte % ALPHABET.length];
  return out;
}

/** Stripe-looking ids: a type prefix and 24 random characters (`cus_…`, `sub_…`). */
export function generateId(prefix: string): string {
  return `${prefix}_${generateRandomString(24)}`;
}
