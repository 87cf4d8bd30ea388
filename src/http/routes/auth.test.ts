import { eq } from "drizzle-orm";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  postJson,
  signUp,
  startTestPortico,
  type TestPortico,
  uniqueEmail,
} from "../../../test/portico.js";
import { hashToken } from "../../auth/tokens.js";
import { sessions, users } from "../../db/schema.js";

const JWT_SECRET = "host-app-shared-secret-0123456789abcdef";

describe("auth routes", () => {
  let t: TestPortico;
  beforeAll(async () => {
    t = await startTestPortico({
      env: { RATE_LIMIT_LOGIN: "3/60s", AUTH_JWT_SECRET: JWT_SECRET },
    });
  });
  afterAll(() => t.close());

  const me = (token: string) =>
    fetch(`${t.url}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } });

  it("says who is signed in without a 401 when nobody is", async () => {
    const session = (headers: Record<string, string> = {}) =>
      fetch(`${t.url}/api/auth/session`, { headers }).then(async (response) => ({
        status: response.status,
        body: (await response.json()) as unknown,
      }));
    const signedOut = { status: 200, body: { success: true, data: { user: null } } };
    expect(await session()).toEqual(signedOut);
    expect(await session({ authorization: "Bearer pt_not-a-real-session-token" })).toEqual(
      signedOut,
    );
    expect(await session({ cookie: "portico_session=pt_expired-or-forged" })).toEqual(signedOut);

    const { token, user } = await signUp(t);
    expect(await session({ authorization: `Bearer ${token}` })).toEqual({
      status: 200,
      body: { success: true, data: { user } },
    });
  });

  it("signs up, stores only the token's hash, and knows the user", async () => {
    const email = uniqueEmail();
    const response = await postJson(t, "/api/auth/signup", {
      email: email.toUpperCase(),
      password: "long enough pw",
    });
    expect(response.status).toBe(201);
    const body = (await response.json()) as {
      success: true;
      data: { token: string; user: { id: string; email: string } };
    };
    expect(body.data.user.email).toBe(email);
    expect(body.data.token).toMatch(/^pt_/);
    const rows = await t.portico.database.db
      .select()
      .from(sessions)
      .where(eq(sessions.userId, body.data.user.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]?.tokenHash).toBe(hashToken(body.data.token));
    expect(JSON.stringify(rows)).not.toContain(body.data.token);
    const [user] = await t.portico.database.db
      .select()
      .from(users)
      .where(eq(users.id, body.data.user.id));
    expect(user?.passwordHash).toMatch(/^scrypt\$/);
    expect((await (await me(body.data.token)).json()) as unknown).toEqual({
      success: true,
      data: { user: body.data.user },
    });
  });

  // A taken email is answered like a new one: see auth.security.test.ts.
  it("refuses a weak password and a malformed email with 422", async () => {
    const weak = await postJson(t, "/api/auth/signup", { email: uniqueEmail(), password: "short" });
    expect(weak.status).toBe(422);
    const bad = await postJson(t, "/api/auth/signup", {
      email: "not-an-email",
      password: "long enough pw",
    });
    expect(
      ((await bad.json()) as { error: { details: { path: string[] }[] } }).error.details[0]?.path,
    ).toEqual(["email"]);
  });

  it("logs in, and logout revokes the token", async () => {
    const { email, password } = await signUp(t);
    const login = await postJson(t, "/api/auth/login", { email, password });
    expect(login.status).toBe(200);
    const { data } = (await login.json()) as { data: { token: string } };
    expect((await me(data.token)).status).toBe(200);
    expect((await postJson(t, "/api/auth/logout", {}, data.token)).status).toBe(200);
    expect((await me(data.token)).status).toBe(401);
  });

  it("answers the same 401 for a wrong password and an unknown email", async () => {
    const { email } = await signUp(t);
    const wrong = await postJson(t, "/api/auth/login", { email, password: "wrong password" });
    const unknown = await postJson(t, "/api/auth/login", {
      email: uniqueEmail(),
      password: "wrong password",
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const a = (await wrong.json()) as { error: { message: string } };
    const b = (await unknown.json()) as { error: { message: string } };
    expect(a.error.message).toBe(b.error.message);
  });

  it("rate limits login, with Retry-After", async () => {
    const { email, password } = await signUp(t);
    for (let i = 0; i < 3; i++)
      await postJson(t, "/api/auth/login", { email, password: "wrong password" });
    const limited = await postJson(t, "/api/auth/login", { email, password });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("accepts the host app's JWT and creates the user on first sight", async () => {
    const sign = (sub: string) =>
      new SignJWT({ sub })
        .setProtectedHeader({ alg: "HS256" })
        .setExpirationTime("5m")
        .sign(new TextEncoder().encode(JWT_SECRET));
    const token = await sign(`ext-${Date.now()}`);
    const first = (await (await me(token)).json()) as { data: { user: { id: string } } };
    const second = (await (await me(token)).json()) as { data: { user: { id: string } } };
    expect(first.data.user.id).toBe(second.data.user.id);
    const forged = await new SignJWT({ sub: "x" })
      .setProtectedHeader({ alg: "HS256" })
      .setExpirationTime("5m")
      .sign(new TextEncoder().encode("not-the-secret-not-the-secret-not-it"));
    expect((await me(forged)).status).toBe(401);
  });
});

describe("login rate limit per IP", () => {
  it("counts every email from one address", async () => {
    const t = await startTestPortico({ env: { RATE_LIMIT_LOGIN: "4/60s" } });
    try {
      for (let i = 0; i < 4; i++)
        await postJson(t, "/api/auth/login", { email: uniqueEmail(), password: "whatever pw" });
      expect(
        (await postJson(t, "/api/auth/login", { email: uniqueEmail(), password: "whatever pw" }))
          .status,
      ).toBe(429);
    } finally {
      await t.close();
    }
  });

  it("marks the cookie Secure when APP_URL is https", async () => {
    const t = await startTestPortico({ env: { APP_URL: "https://app.example.com" } });
    try {
      const response = await postJson(t, "/api/auth/signup", {
        email: uniqueEmail(),
        password: "long enough pw",
      });
      expect(response.headers.get("set-cookie")).toMatch(/;\s*Secure/i);
    } finally {
      await t.close();
    }
  });
});
