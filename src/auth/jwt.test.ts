import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createJwtVerifier } from "./jwt.js";

const SECRET = "a-shared-secret-that-is-at-least-32-chars";
const now = () => Math.floor(Date.now() / 1000);

function hs256(claims: Record<string, unknown>, secret = SECRET, alg = "HS256") {
  return new SignJWT(claims).setProtectedHeader({ alg }).sign(new TextEncoder().encode(secret));
}

describe("HS256 verifier", () => {
  const verify = createJwtVerifier({
    kind: "secret",
    secret: SECRET,
    issuer: "https://auth.example",
    audience: "portico",
  });
  const base = { sub: "user_1", iss: "https://auth.example", aud: "portico" };

  it("accepts a valid token and identifies the user by issuer and sub", async () => {
    const token = await hs256({ ...base, exp: now() + 60 });
    expect(await verify?.(token)).toEqual({
      issuer: "https://auth.example",
      subject: "user_1",
      email: undefined,
    });
  });

  it.each([
    ["expired", { ...base, exp: now() - 60 }],
    ["without exp", { ...base }],
    ["without sub", { iss: base.iss, aud: base.aud, exp: now() + 60 }],
    ["for another audience", { ...base, aud: "other", exp: now() + 60 }],
    ["from another issuer", { ...base, iss: "https://evil.example", exp: now() + 60 }],
  ])("rejects a token %s", async (_, claims) => {
    expect(await verify?.(await hs256(claims))).toBeUndefined();
  });

  it("rejects a wrong secret, a tampered payload, alg none and garbage", async () => {
    const good = await hs256({ ...base, exp: now() + 60 });
    const [header, , signature] = good.split(".");
    const forgedPayload = Buffer.from(
      JSON.stringify({ ...base, sub: "admin", exp: now() + 60 }),
    ).toString("base64url");
    const none = `${Buffer.from('{"alg":"none"}').toString("base64url")}.${forgedPayload}.`;
    for (const token of [
      await hs256({ ...base, exp: now() + 60 }, "another-secret-that-is-also-32-chars-long"),
      `${header}.${forgedPayload}.${signature}`,
      none,
      "not-a-jwt",
      "",
    ]) {
      expect(await verify?.(token)).toBeUndefined();
    }
  });
});

describe("HS256 verifier without a pinned issuer", () => {
  const verify = createJwtVerifier({ kind: "secret", secret: SECRET });
  const identify = async (claims: Record<string, unknown>) =>
    verify?.(await hs256({ ...claims, exp: now() + 60 }));

  it("keeps issuer and subject apart, so no `|` can make two users one", async () => {
    expect(await identify({ iss: "a|b", sub: "c" })).toMatchObject({ issuer: "a|b", subject: "c" });
    expect(await identify({ iss: "a", sub: "b|c" })).toMatchObject({ issuer: "a", subject: "b|c" });
  });

  it("gives a token without iss, or with an empty one, the empty issuer", async () => {
    expect(await identify({ sub: "u" })).toMatchObject({ issuer: "", subject: "u" });
    expect(await identify({ iss: "", sub: "u" })).toMatchObject({ issuer: "", subject: "u" });
  });

  it("refuses a NUL in iss or sub, which the database could not store", async () => {
    expect(await identify({ iss: "a", sub: "u\u0000" })).toBeUndefined();
    expect(await identify({ iss: "a\u0000", sub: "u" })).toBeUndefined();
  });

  it("keeps a plausible email, trimmed and lower-cased, verified or not said", async () => {
    const email = async (claims: Record<string, unknown>) =>
      (await identify({ sub: "u", ...claims }))?.email;
    expect(await email({ email: " Ann@Example.COM " })).toBe("ann@example.com");
    expect(await email({ email: "ann@example.com", email_verified: true })).toBe("ann@example.com");
  });

  it.each([
    ["marked unverified", { email: "ann@example.com", email_verified: false }],
    ["marked unverified as a string", { email: "ann@example.com", email_verified: "false" }],
    ["not an address", { email: "not an email" }],
    ["with a control character", { email: "ann\u0000@example.com" }],
    ["too long", { email: `${"a".repeat(250)}@example.com` }],
    ["not a string", { email: ["ann@example.com"] }],
  ])("drops an email %s", async (_, claims) => {
    expect((await identify({ sub: "u", ...claims }))?.email).toBeUndefined();
  });
});

describe("JWKS verifier", () => {
  let server: Server;
  let jwksUrl: string;
  let keys: Awaited<ReturnType<typeof generateKeyPair>>;

  beforeAll(async () => {
    keys = await generateKeyPair("RS256");
    const jwk = { ...(await exportJWK(keys.publicKey)), kid: "k1", alg: "RS256", use: "sig" };
    server = createServer((_, response) => {
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const sign = (claims: Record<string, unknown>, key = keys.privateKey, kid = "k1") =>
    new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid }).sign(key);

  it("accepts a token signed by a key in the set", async () => {
    const verify = createJwtVerifier({
      kind: "jwks",
      jwksUrl,
      issuer: "https://idp",
      audience: "app",
    });
    const token = await sign({
      sub: "u-9",
      iss: "https://idp",
      aud: "app",
      exp: now() + 60,
      email: "U@X.io",
    });
    expect(await verify?.(token)).toEqual({
      issuer: "https://idp",
      subject: "u-9",
      email: "u@x.io",
    });
  });

  it("rejects a token signed by another key, and an HS256 token made with the public key", async () => {
    const verify = createJwtVerifier({
      kind: "jwks",
      jwksUrl,
      issuer: "https://idp",
      audience: "app",
    });
    const other = await generateKeyPair("RS256");
    const claims = { sub: "u-9", iss: "https://idp", aud: "app", exp: now() + 60 };
    expect(await verify?.(await sign(claims, other.privateKey))).toBeUndefined();
    const publicPem = JSON.stringify(await exportJWK(keys.publicKey));
    expect(await verify?.(await hs256(claims, publicPem))).toBeUndefined();
  });
});
