import { describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "./passwords.js";
import {
  generateSessionToken,
  hashToken,
  looksLikeSessionToken,
  sessionTokenProject,
} from "./tokens.js";

describe("session tokens", () => {
  it("are 32 random bytes, base64url, prefixed", () => {
    const token = generateSessionToken();
    expect(token).toMatch(/^pt_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token.slice(3), "base64url")).toHaveLength(32);
    expect(looksLikeSessionToken(token)).toBe(true);
  });

  it("never repeat", () => {
    const tokens = new Set(Array.from({ length: 1000 }, generateSessionToken));
    expect(tokens.size).toBe(1000);
  });

  it("are stored as a SHA-256 hex digest that does not contain the token", () => {
    const token = generateSessionToken();
    const hash = hashToken(token);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).toBe(hashToken(token));
    expect(hash).not.toContain(token.slice(3));
    expect(hashToken(generateSessionToken())).not.toBe(hash);
  });

  it("tells tokens from JWTs and junk by shape", () => {
    expect(looksLikeSessionToken("eyJhbGciOiJIUzI1NiJ9.e30.sig")).toBe(false);
    expect(looksLikeSessionToken("pt_short")).toBe(false);
    expect(looksLikeSessionToken(`pt_${"a".repeat(43)}!`)).toBe(false);
  });

  it("name the project they were issued under, and only a well-formed one", () => {
    const token = generateSessionToken("acme-2");
    expect(token).toMatch(/^pt_acme-2\.[A-Za-z0-9_-]{43}$/);
    expect(looksLikeSessionToken(token)).toBe(true);
    expect(sessionTokenProject(token)).toBe("acme-2");
    expect(sessionTokenProject(generateSessionToken())).toBeUndefined();
    const random = "a".repeat(43);
    expect(looksLikeSessionToken(`pt_Acme.${random}`)).toBe(false);
    expect(looksLikeSessionToken(`pt_-acme.${random}`)).toBe(false);
    expect(looksLikeSessionToken(`pt_../x.${random}`)).toBe(false);
    expect(looksLikeSessionToken(`pt_${"a".repeat(41)}.${random}`)).toBe(false);
  });
});

describe("passwords", () => {
  it("hash with a per-user salt and verify", async () => {
    const first = await hashPassword("correct horse battery");
    const second = await hashPassword("correct horse battery");
    expect(first).not.toBe(second);
    expect(first).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(await verifyPassword("correct horse battery", first)).toBe(true);
    expect(await verifyPassword("correct horse batterY", first)).toBe(false);
  });

  it("reject malformed stored hashes", async () => {
    expect(await verifyPassword("x", "")).toBe(false);
    expect(await verifyPassword("x", "bcrypt$1$2$3$4$5")).toBe(false);
  });
});
