import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { EncryptionKey } from "../config.js";
import { createSecretBox, maskSecret, SecretBoxError } from "./secret-box.js";

const key = (id: string): EncryptionKey => ({ id, key: randomBytes(32) });
const k1 = key("k1");
const k2 = key("k2");
const PLAINTEXT = "sk_test_51HabcdEFGHijklMNOPwxyz";
const AAD = "project:acme:testSecretKey";

describe("createSecretBox", () => {
  const box = createSecretBox({ current: k1, previous: [] });

  it("opens what it sealed, and seals the same plaintext differently each time", () => {
    const sealed = box.seal(PLAINTEXT, AAD);
    expect(sealed).toMatch(/^v1\.k1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain(PLAINTEXT);
    expect(box.open(sealed, AAD)).toBe(PLAINTEXT);
    expect(box.seal(PLAINTEXT, AAD)).not.toBe(sealed);
    expect(box.keyIdOf(sealed)).toBe("k1");
  });

  it("refuses a value moved to another project or field", () => {
    const sealed = box.seal(PLAINTEXT, AAD);
    expect(() => box.open(sealed, "project:other:testSecretKey")).toThrow(SecretBoxError);
    expect(() => box.open(sealed, "project:acme:liveSecretKey")).toThrow(/does not open/);
  });

  it("refuses a tampered value, and a value that is not sealed at all", () => {
    const sealed = box.seal(PLAINTEXT, AAD);
    const [version, id, iv, body] = sealed.split(".") as [string, string, string, string];
    const bytes = Buffer.from(body, "base64url");
    bytes[0] = (bytes[0] ?? 0) ^ 1;
    const flipped = [version, id, iv, bytes.toString("base64url")].join(".");
    expect(() => box.open(flipped, AAD)).toThrow(/altered/);
    expect(() => box.open(PLAINTEXT, AAD)).toThrow(/not a sealed v1 value/);
    expect(() => box.open(`v1.k1.${iv}.AAAA`, AAD)).toThrow(SecretBoxError);
  });

  it("opens with a previous key, and says which key id it lacks", () => {
    const sealedUnderK1 = box.seal(PLAINTEXT, AAD);
    const rotated = createSecretBox({ current: k2, previous: [k1] });
    expect(rotated.open(sealedUnderK1, AAD)).toBe(PLAINTEXT);

    const withoutK1 = createSecretBox({ current: k2, previous: [] });
    expect(() => withoutK1.open(sealedUnderK1, AAD)).toThrow(
      /sealed under the key "k1", which is neither PORTICO_ENCRYPTION_KEY nor in PORTICO_ENCRYPTION_PREVIOUS_KEYS/,
    );
  });

  it("fails clearly when a key id names different key material", () => {
    const sealed = box.seal(PLAINTEXT, AAD);
    const impostor = createSecretBox({ current: key("k1"), previous: [] });
    expect(() => impostor.open(sealed, AAD)).toThrow(/does not open/);
  });

  it("re-seals under the current key and leaves a current value as it is", () => {
    const old = box.seal(PLAINTEXT, AAD);
    const rotated = createSecretBox({ current: k2, previous: [k1] });
    const resealed = rotated.reseal(old, AAD);
    expect(rotated.keyIdOf(resealed)).toBe("k2");
    expect(createSecretBox({ current: k2, previous: [] }).open(resealed, AAD)).toBe(PLAINTEXT);
    expect(rotated.reseal(resealed, AAD)).toBe(resealed);
    // The binding survives the re-seal.
    expect(() => rotated.open(resealed, "project:other:testSecretKey")).toThrow(SecretBoxError);
  });

  it("never puts key material or plaintext in its messages", () => {
    const sealed = box.seal(PLAINTEXT, AAD);
    const messages = [
      () => box.open(sealed, "elsewhere"),
      () => createSecretBox({ current: k2, previous: [] }).open(sealed, AAD),
    ].map((fail) => {
      try {
        fail();
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error("expected a failure");
    });
    for (const message of messages) {
      expect(message).not.toContain(PLAINTEXT);
      expect(message).not.toContain(k1.key.toString("base64"));
      expect(message).not.toContain(sealed);
    }
  });
});

describe("maskSecret", () => {
  it("keeps the kind, the mode and the last four characters", () => {
    expect(maskSecret("sk_test_51HabcdEFGHwxyz")).toBe("sk_test_…wxyz");
    expect(maskSecret("rk_live_51HabcdEFGHwxyz")).toBe("rk_live_…wxyz");
    expect(maskSecret("whsec_0123456789abcdefwxyz")).toBe("whsec_…wxyz");
    expect(maskSecret("a-shared-jwt-secret-of-32-characters")).toBe("…ters");
  });

  it("shows no characters of a short secret", () => {
    expect(maskSecret("sk_test_abc")).toBe("sk_test_…");
    expect(maskSecret("short")).toBe("…");
  });
});
