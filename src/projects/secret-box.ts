import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import type { Config, EncryptionKey } from "../config.js";

/**
 * Secrets at rest: AES-256-GCM under a master key named by its id, sealed as
 * `v1.<key id>.<iv>.<ciphertext and tag>` (base64url). The id says which key opens a value,
 * so a new key can seal while the previous ones still open what they sealed, until
 * `portico projects rotate-master-key` has re-sealed everything.
 *
 * Every value is bound to where it belongs by its additional authenticated data (a project
 * and a field): a ciphertext copied into another project's row, or into another field of the
 * same row, fails to open instead of handing one app's Stripe key to another.
 */

const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;

export type KeyRing = NonNullable<Config["encryption"]>;

export interface SecretBox {
  /** The id of the key that seals. */
  readonly currentKeyId: string;
  seal(plaintext: string, aad: string): string;
  open(sealed: string, aad: string): string;
  /** The id of the key a value was sealed under. */
  keyIdOf(sealed: string): string;
  /** The value sealed under the current key: itself when it already is. */
  reseal(sealed: string, aad: string): string;
}

/** A value that cannot be opened. The message names no key material and no plaintext. */
export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SecretBoxError";
  }
}

export function createSecretBox(ring: KeyRing): SecretBox {
  const keys = new Map<string, Buffer>(
    [ring.current, ...ring.previous].map((entry: EncryptionKey) => [entry.id, entry.key]),
  );

  const seal = (plaintext: string, aad: string) => {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", ring.current.key, iv);
    cipher.setAAD(Buffer.from(aad, "utf8"));
    const body = Buffer.concat([
      cipher.update(plaintext, "utf8"),
      cipher.final(),
      cipher.getAuthTag(),
    ]);
    return [VERSION, ring.current.id, iv.toString("base64url"), body.toString("base64url")].join(
      ".",
    );
  };

  const open = (sealed: string, aad: string) => {
    const { keyId, iv, body } = parseSealed(sealed);
    const key = keys.get(keyId);
    if (!key) {
      throw new SecretBoxError(
        `a secret is sealed under the key "${keyId}", which is neither PORTICO_ENCRYPTION_KEY nor in PORTICO_ENCRYPTION_PREVIOUS_KEYS`,
      );
    }
    try {
      const decipher = createDecipheriv("aes-256-gcm", key, iv);
      decipher.setAAD(Buffer.from(aad, "utf8"));
      decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
      return Buffer.concat([
        decipher.update(body.subarray(0, body.length - TAG_BYTES)),
        decipher.final(),
      ]).toString("utf8");
    } catch {
      throw new SecretBoxError(
        `a secret sealed under the key "${keyId}" does not open: it was altered, copied from another project or field, or the key "${keyId}" is not the one that sealed it`,
      );
    }
  };

  return {
    currentKeyId: ring.current.id,
    seal,
    open,
    keyIdOf: (sealed) => parseSealed(sealed).keyId,
    reseal: (sealed, aad) =>
      parseSealed(sealed).keyId === ring.current.id ? sealed : seal(open(sealed, aad), aad),
  };
}

function parseSealed(sealed: string) {
  const parts = sealed.split(".");
  const [version, keyId, iv, body] = parts;
  if (parts.length !== 4 || version !== VERSION || !keyId || !iv || !body) {
    throw new SecretBoxError(`a stored secret is not a sealed ${VERSION} value`);
  }
  const ivBytes = Buffer.from(iv, "base64url");
  const bodyBytes = Buffer.from(body, "base64url");
  if (ivBytes.length !== IV_BYTES || bodyBytes.length < TAG_BYTES) {
    throw new SecretBoxError(`a stored secret is not a sealed ${VERSION} value`);
  }
  return { keyId, iv: ivBytes, body: bodyBytes };
}

/**
 * A secret as it may be shown: its kind and mode, and the last four characters when the rest
 * is long enough that four of them say little. `sk_test_51Habcd…wxyz` → `sk_test_…wxyz`.
 */
export function maskSecret(secret: string): string {
  const prefix = /^(?:(?:sk|rk|pk)_(?:test|live)_|whsec_)/.exec(secret)?.[0] ?? "";
  const rest = secret.slice(prefix.length);
  return rest.length >= 12 ? `${prefix}…${rest.slice(-4)}` : `${prefix}…`;
}
